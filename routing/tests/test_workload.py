"""A receiving unit's weekly contact requests beside its open hours: hand-computed, and "no data" is never 0."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pytest_django.asserts import assertContains

from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory
from routing.models import OpeningHours
from routing.tests.factories import ReceivingUnitFactory
from routing.workload import unit_workload

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 30)  # a Wednesday: the last complete week starts on Monday 21.12.
WEEK_50, WEEK_51, WEEK_52 = datetime.date(2026, 12, 7), datetime.date(2026, 12, 14), datetime.date(2026, 12, 21)


@pytest.fixture
def station(kainuu):
    """A health station open Mon–Fri 8–16 (40 hours a week), its statistics under the area “kajaani”."""
    area = ServiceAreaFactory(county=kainuu, code="kajaani")
    unit = ReceivingUnitFactory(county=kainuu, code="kajaanin-terveysasema", service_area=area)
    for weekday in range(1, 6):
        OpeningHours.objects.create(unit=unit, weekday=weekday, opens=datetime.time(8), closes=datetime.time(16))
    contacts = MetricFactory(code="sent_to_professional")
    sore_throat, cough = ContentModuleFactory(code="kurkkukipu"), ContentModuleFactory(code="yska")
    for module, week, value in [(sore_throat, WEEK_51, 70), (cough, WEEK_51, 50), (sore_throat, WEEK_52, 48)]:
        UsageStatisticFactory(
            county=kainuu, service_area=area, module=module, metric=contacts, period_start=week, value=value
        )
    # Neither the whole county's figure nor another metric is the unit's.
    UsageStatisticFactory(county=kainuu, module=sore_throat, metric=contacts, period_start=WEEK_50, value=999)
    UsageStatisticFactory(county=kainuu, service_area=area, module=sore_throat, period_start=WEEK_50, value=999)
    return unit


def test_requests_per_open_hour_per_week_with_christmas_closing_two_weekdays(station):
    workload = unit_workload(unit=station, weeks=3, today=TODAY)

    assert [
        (week.label, week.contact_requests, week.open_hours, week.requests_per_open_hour) for week in workload.weeks
    ] == [
        ("2026-W50", None, 40.0, None),  # no figures: no data, not 0
        ("2026-W51", 120, 40.0, 3.0),  # 70 + 50 requests in 40 hours
        ("2026-W52", 48, 24.0, 2.0),  # Christmas Eve and Day count as Sundays, when the station is closed
    ]
    assert [week.label for week in workload.weeks_with_data] == ["2026-W51", "2026-W52"]


def test_a_unit_without_a_service_area_has_no_data(kainuu):
    workload = unit_workload(unit=ReceivingUnitFactory(county=kainuu), weeks=8, today=TODAY)

    assert (workload.has_statistics, workload.weeks) == (False, [])


def test_the_unit_page_shows_the_workload_to_its_countys_editor(station, kainuu_editor, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)

    response = kainuu_editor.get(
        f"/admin/routing/receivingunit/{station.pk}/change/", headers={"accept-language": "en"}
    )

    assert response.status_code == HTTPStatus.OK
    assertContains(response, '<tr><th scope="row">2026-W51</th><td>120</td><td>40</td><td>3</td></tr>', html=True)
    assertContains(response, '<tr><th scope="row">2026-W52</th><td>48</td><td>24</td><td>2</td></tr>', html=True)
    assertContains(
        response, '<tr><th scope="row">2026-W45</th><td>no data</td><td>40</td><td>no data</td></tr>', html=True
    )


def test_a_service_area_of_another_county_is_refused(station, lapland):
    station.service_area = ServiceAreaFactory(county=lapland, code="rovaniemi")

    with pytest.raises(ValidationError) as refused:
        station.full_clean()

    with translation.override("en"):
        assert refused.value.message_dict["service_area"] == ["This service area belongs to another county."]
