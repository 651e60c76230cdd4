import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from processes.models import (
    END_BEFORE_GO_LIVE,
    ENDED_WITHOUT_DATE,
    GO_LIVE_BEFORE_PILOT,
    SERVICE_AREA_OF_OTHER_COUNTY,
    ProcessDescription,
    PublicationStatus,
    RolloutStatus,
)
from processes.tests.factories import ContentModuleFactory, ProcessDescriptionFactory, RolloutFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def test_go_live_before_pilot_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        RolloutFactory(pilot_start=datetime.date(2024, 5, 1), go_live=datetime.date(2024, 4, 1))


def test_end_before_go_live_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        RolloutFactory(
            status=RolloutStatus.ENDED, go_live=datetime.date(2024, 5, 1), ended_on=datetime.date(2024, 4, 1)
        )


def test_ended_rollout_without_end_date_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        RolloutFactory(status=RolloutStatus.ENDED, ended_on=None)


def test_ended_rollout_keeps_its_record():
    rollout = RolloutFactory(status=RolloutStatus.ENDED, ended_on=datetime.date(2024, 6, 30))

    rollout.refresh_from_db()
    assert rollout.status == RolloutStatus.ENDED
    assert rollout.ended_on == datetime.date(2024, 6, 30)


def test_rollout_form_validation_explains_each_problem():
    county = WellbeingCountyFactory()
    other_area = ServiceAreaFactory()
    rollout = RolloutFactory.build(
        county=county,
        module=ContentModuleFactory(),
        service_area=other_area,
        status=RolloutStatus.ENDED,
        pilot_start=datetime.date(2024, 5, 1),
        go_live=datetime.date(2024, 4, 1),
        ended_on=None,
    )

    with pytest.raises(ValidationError) as error:
        rollout.full_clean()

    assert error.value.message_dict == {
        "service_area": [str(SERVICE_AREA_OF_OTHER_COUNTY)],
        "go_live": [str(GO_LIVE_BEFORE_PILOT)],
        "ended_on": [str(ENDED_WITHOUT_DATE)],
    }


def test_rollout_ending_before_go_live_is_explained():
    rollout = RolloutFactory.build(
        county=WellbeingCountyFactory(),
        module=ContentModuleFactory(),
        status=RolloutStatus.ENDED,
        go_live=datetime.date(2024, 4, 1),
        ended_on=datetime.date(2024, 3, 1),
    )

    with pytest.raises(ValidationError) as error:
        rollout.full_clean()

    assert error.value.message_dict["ended_on"] == [str(END_BEFORE_GO_LIVE)]


def test_content_codes_and_process_slugs_are_unique():
    ContentModuleFactory(code="kurkkukipu")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentModuleFactory._meta.model.objects.create(code="kurkkukipu", kind="symptom_assessment", name_fi="X")

    ProcessDescriptionFactory(slug="malli")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessDescriptionFactory(slug="malli")


def test_publishing_stamps_the_publication_time():
    process = ProcessDescriptionFactory(status=PublicationStatus.DRAFT, published_at=None)

    process.status = PublicationStatus.PUBLISHED
    process.save()

    assert process.published_at is not None
    assert ProcessDescription.objects.published().filter(pk=process.pk).exists()


def test_published_without_time_is_refused_by_the_database():
    process = ProcessDescriptionFactory(status=PublicationStatus.DRAFT, published_at=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessDescription.objects.filter(pk=process.pk).update(status=PublicationStatus.PUBLISHED)


def test_future_publication_is_not_public_yet():
    ProcessDescriptionFactory(published_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC))

    assert ProcessDescription.objects.published().count() == 0
