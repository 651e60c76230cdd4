"""Innokylä's sections (target change, implementation plan, people involved) and a cover image on the public guide."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import COVER_IS_AN_IMAGE, COVER_NEEDS_ALT_TEXT, ProcessAttachment, PublicationStatus
from processes.services import process_publish, process_revision_start, process_submit
from processes.tests.conftest import guide_with_phases
from processes.tests.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

SECTIONS = {
    "target_change": "Asukkaat hoitavat kiireettömät asiat verkossa.",
    "implementation_plan": "Pilotti keväällä, laajennus syksyllä.",
    "people_involved": "Omaolon pääkäyttäjä, vastaanoton esihenkilö.",
}
HEADINGS = {
    "fi": ["Tavoiteltu muutos", "Toteutussuunnitelma", "Mukana olleet toimijat"],
    "sv": ["Eftersträvad förändring", "Genomförandeplan", "Medverkande aktörer"],
    "en": ["Target change", "Implementation plan", "People involved"],
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def publish(guide, people):
    process_submit(process=guide, user=people["editor"])
    process_publish(process=guide, user=people["publisher"])


@pytest.fixture
def guide(own_county, people):
    guide = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug="opas", **SECTIONS)
    ProcessAttachment.objects.create(
        process=guide,
        title="Kansi",
        file=upload("kansi.png", image_bytes()),
        is_cover=True,
        alt_text="Hoitaja ja asukas tabletin ääressä",
    )
    publish(guide, people)
    return guide


@pytest.mark.parametrize("language", HEADINGS)
def test_the_sections_and_the_cover_are_shown_with_labels_in_each_language(client, guide, language):
    response = Client(headers={"accept-language": language}).get(f"/{language}/processes/opas/")

    for field, heading in zip(SECTIONS, HEADINGS[language], strict=True):
        assertContains(response, f'<h2 id="section-{field}">{heading}</h2>', html=True)
        assertContains(response, SECTIONS[field])
    cover_url = f"/{language}/processes/opas/attachments/{guide.attachments.get().pk}/"
    assertContains(response, f'<img src="{cover_url}" alt="Hoitaja ja asukas tabletin ääressä" lang="fi">', html=True)


def test_a_revised_section_and_cover_wait_for_publishing(client, guide, people):
    process_revision_start(process=guide, user=people["editor"])
    guide.refresh_from_db()
    guide.target_change = "Luonnos muutoksesta."
    guide.save()
    ProcessAttachment.objects.filter(process=guide).update(alt_text="Luonnoksen kuvateksti")

    page = client.get("/en/processes/opas/")

    assertContains(page, SECTIONS["target_change"])
    assertContains(page, 'alt="Hoitaja ja asukas tabletin ääressä"')
    assertNotContains(page, "Luonnos")

    publish(guide, people)

    assertContains(client.get("/en/processes/opas/"), 'alt="Luonnoksen kuvateksti"')


def test_the_cover_needs_an_alternative_text_and_must_be_an_image(guide):
    without_text = ProcessAttachment(process=guide, title="Kansi", file=upload("k.png", image_bytes()), is_cover=True)
    document = ProcessAttachment(
        process=guide, title="Kansi", file=upload("k.pdf", pdf_bytes()), is_cover=True, alt_text="Kansi"
    )

    with override("en"), pytest.raises(ValidationError) as no_text:
        without_text.full_clean(validate_constraints=False)
    with override("en"), pytest.raises(ValidationError) as not_image:
        document.full_clean(validate_constraints=False)

    assert no_text.value.message_dict["alt_text"] == [str(COVER_NEEDS_ALT_TEXT)]
    assert not_image.value.message_dict["is_cover"] == [str(COVER_IS_AN_IMAGE)]


def test_the_database_keeps_one_cover_with_its_alternative_text(guide):
    for fields in [{"alt_text": "Toinen kansi"}, {"alt_text": ""}]:
        with transaction.atomic(), pytest.raises(IntegrityError):
            ProcessAttachment.objects.create(
                process=guide, title="Kansi 2", file=upload("k.png", image_bytes()), is_cover=True, **fields
            )
    assert guide.attachments.filter(is_cover=True).count() == 1
