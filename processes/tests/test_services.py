"""Publishing and archiving go through the service functions, which check the county."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from processes.models import ProcessDescription, PublicationStatus
from processes.services import process_archive, process_publish
from processes.tests.factories import ProcessDescriptionFactory
from regions.scoping import FOREIGN_COUNTY_ERROR
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="x", is_staff=True)


@pytest.fixture
def own_draft(editor):
    county = WellbeingCountyFactory(code="09")
    county.editors.add(editor)
    return ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)


def test_publishing_a_draft_makes_it_public_now_and_records_who(own_draft, editor):
    before = timezone.now()

    assert process_publish(process=own_draft, user=editor) is True

    own_draft.refresh_from_db()
    assert own_draft.status == PublicationStatus.PUBLISHED
    assert own_draft.published_at >= before
    assert ProcessDescription.objects.published().filter(pk=own_draft.pk).exists()
    assert own_draft.history.latest().history_user == editor


def test_publishing_keeps_an_earlier_publication_time(own_draft, editor):
    earlier = timezone.now() - datetime.timedelta(days=30)
    own_draft.published_at = earlier
    own_draft.save()

    process_publish(process=own_draft, user=editor)

    own_draft.refresh_from_db()
    assert own_draft.published_at == earlier


def test_publishing_twice_reports_nothing_done(own_draft, editor):
    process_publish(process=own_draft, user=editor)

    assert process_publish(process=own_draft, user=editor) is False


def test_archiving_takes_the_description_off_the_public_guide(own_draft, editor):
    process_publish(process=own_draft, user=editor)

    assert process_archive(process=own_draft, user=editor) is True

    own_draft.refresh_from_db()
    assert own_draft.status == PublicationStatus.ARCHIVED
    assert not ProcessDescription.objects.published().filter(pk=own_draft.pk).exists()


@pytest.mark.parametrize("operation", [process_publish, process_archive])
def test_an_editor_of_another_county_is_refused(own_draft, django_user_model, operation):
    stranger = django_user_model.objects.create_user("stranger", password="x", is_staff=True)
    WellbeingCountyFactory(code="14").editors.add(stranger)

    with pytest.raises(PermissionDenied, match=str(FOREIGN_COUNTY_ERROR)):
        operation(process=own_draft, user=stranger)

    own_draft.refresh_from_db()
    assert own_draft.status == PublicationStatus.DRAFT
