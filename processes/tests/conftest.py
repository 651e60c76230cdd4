"""The people of the review: an editor, a publisher, a national admin, a superuser, another county's publisher."""

import pytest
from django.utils import timezone

from processes.models import ProcessAttachment, ProcessLink, PublicationStatus
from processes.services import process_submit
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, StepFactory
from processes.tests.files import image_bytes, upload
from regions.permissions import editor_group_ensure, national_admin_group_ensure
from regions.tests.factories import WellbeingCountyFactory

ROLES = ["editor", "publisher", "national_admin", "superuser", "other_publisher"]


@pytest.fixture
def own_county(db):
    return WellbeingCountyFactory(code="07", name_fi="Päijät-Hämeen hyvinvointialue", slug="paijat-hame")


@pytest.fixture
def other_county(db):
    return WellbeingCountyFactory(code="12", name_fi="Pohjois-Karjalan hyvinvointialue", slug="pohjois-karjala")


@pytest.fixture
def people(django_user_model, own_county, other_county):
    """One user of each role, by role name."""
    editors = editor_group_ensure()
    national = national_admin_group_ensure()

    def staff(username, *groups):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True)
        user.groups.add(*groups)
        return user

    people = {
        "editor": staff("editori", editors),
        "publisher": staff("julkaisija", editors),
        "national_admin": staff("kansallinen", national),
        "superuser": django_user_model.objects.create_superuser("paakayttaja", password="x"),
        "other_publisher": staff("toinen-julkaisija", editors),
    }
    own_county.editors.add(people["editor"])
    own_county.publishers.add(people["publisher"])
    other_county.publishers.add(people["other_publisher"])
    return people


def guide_with_phases(county, **fields):
    """A description with two phases of one step each, as a county writes it."""
    # Whole seconds, as the admin's date and time fields keep them.
    fields.setdefault("created_at", timezone.now().replace(microsecond=0))
    process = ProcessDescriptionFactory(county=county, **fields)
    for number in (1, 2):
        phase = PhaseFactory(process=process, order=number, title=f"Vaihe {number}", goal=f"Tavoite {number}")
        StepFactory(phase=phase, order=1, title=f"Askel {number}.1")
    return process


@pytest.fixture
def draft(own_county):
    return guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug="luonnos")


@pytest.fixture
def in_review(draft, people, settings, tmp_path):
    """The `draft` guide with a link and an image, sent to review by its editor."""
    settings.MEDIA_ROOT = tmp_path
    ProcessLink.objects.create(process=draft, title="Ohje", url="https://example.fi/ohje", order=1)
    attachment = ProcessAttachment(process=draft, title="Prosessikuva", file=upload("kuva.png", image_bytes()))
    attachment.alt_text = "Prosessin vaiheet"
    attachment.full_clean()
    attachment.save()
    process_submit(process=draft, user=people["editor"])
    return draft
