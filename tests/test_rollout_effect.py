"""A rollout beside its usage: events on the county's chart, usage before and after go-live, adoption aligned."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains

from metrics.models import PeriodType, UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.models import RolloutStatus
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db

# Monday of 2024-W10; the go-live (Wednesday) falls in that week.
GO_LIVE_WEEK = datetime.date(2024, 3, 4)


@pytest.fixture
def usage():
    county = WellbeingCountyFactory(code="12", name_en="North Karelia", population=160_000, population_year=2024)
    other = WellbeingCountyFactory(code="07", name_en="Päijät-Häme", population=200_000, population_year=2024)
    area = ServiceAreaFactory(county=county, code="joensuu", name_en="Joensuu")
    module = ContentModuleFactory(code="kurkkukipu", name_en="Sore throat")
    started = MetricFactory(code="assessments_started", name_en="Assessments started")
    rollout = RolloutFactory(
        county=county,
        module=module,
        status=RolloutStatus.IN_USE,
        pilot_start=datetime.date(2024, 1, 10),
        go_live=datetime.date(2024, 3, 6),
        ended_on=None,
    )
    RolloutFactory(
        county=other, module=module, status=RolloutStatus.IN_USE, pilot_start=None, go_live=datetime.date(2024, 5, 1)
    )
    rows = []
    # Weeks −10 … +9 around the go-live week: 10 a week before it, 30 from it on; week −9 is outside 8 weeks.
    for offset in range(-10, 10):
        week = GO_LIVE_WEEK + datetime.timedelta(weeks=offset)
        rows.append(
            UsageStatistic(
                county=county,
                module=module,
                metric=started,
                period_type="week",
                period_start=week,
                value=10 if offset < 0 else 30,
            )
        )
        # A service area's part beside the county row is never added to it.
        rows.append(
            UsageStatistic(
                county=county,
                service_area=area,
                module=module,
                metric=started,
                period_type="week",
                period_start=week,
                value=1000,
            )
        )
    # Päijät-Häme: go-live week 2024-W18 (29.4.2024), 400 a week from it on.
    for offset in range(-2, 3):
        rows.append(
            UsageStatistic(
                county=other,
                module=module,
                metric=started,
                period_type="week",
                period_start=datetime.date(2024, 4, 29) + datetime.timedelta(weeks=offset),
                value=0 if offset < 0 else 400,
            )
        )
    for month in (1, 2, 3, 4):
        rows.append(
            UsageStatistic(
                county=county,
                module=module,
                metric=started,
                period_type=PeriodType.MONTH,
                period_start=datetime.date(2024, month, 1),
                value=100 * month,
            )
        )
    UsageStatistic.objects.bulk_create(rows)
    return {"county": county, "other": other, "rollout": rollout, "module": module}


def county_page(client, **params):
    with override("en"):
        return client.get(reverse("county_detail", kwargs={"code": "12"}), params)


def test_the_county_page_states_usage_in_the_eight_weeks_before_and_after_go_live(client, usage):
    response = county_page(client)

    # Before: weeks −8 … −1, 8 × 10 = 80; after: weeks 0 … 7, 8 × 30 = 240; +200 %.
    assert [(effect.before, effect.after, effect.change_percent) for effect in response.context["effects"]] == [
        (80, 240, 200)
    ]
    assertContains(response, '<td class="number">80</td><td class="number">240</td>', html=True)


def test_the_number_of_weeks_around_go_live_can_be_chosen(client, usage):
    response = county_page(client, weeks="2")

    assert [(effect.before, effect.after) for effect in response.context["effects"]] == [(20, 60)]


def test_an_impossible_number_of_weeks_falls_back_to_eight_and_says_so(client, usage):
    response = county_page(client, weeks="0")

    assert response.status_code == HTTPStatus.OK
    assert [(effect.before, effect.after) for effect in response.context["effects"]] == [(80, 240)]
    assertContains(response, "Showing 8 weeks.")


def test_rollout_events_are_marked_on_the_county_chart_in_words_and_listed(client, usage):
    response = county_page(client)

    assert [(event.date, event.event) for event in response.context["events"]] == [
        (datetime.date(2024, 1, 10), "Pilot start"),
        (datetime.date(2024, 3, 6), "Go-live"),
    ]
    assert [marker.text for marker in response.context["usage_chart"].markers] == [
        "Pilot start: Sore throat",
        "Go-live: Sore throat",
    ]
    assertContains(response, "Go-live: Sore throat</text>")
    assertContains(response, "<caption>Rollout events on the chart</caption>")


def test_the_statistics_page_of_one_county_marks_its_rollout_events(client, usage):
    with override("en"):
        response = client.get(reverse("metrics:statistics"), {"county": "12", "period_type": "week"})

    assert [marker.text for marker in response.context["chart"].markers] == [
        "Pilot start: Sore throat",
        "Go-live: Sore throat",
    ]


def test_adoption_aligns_counties_on_weeks_since_go_live_per_1000_residents(client, usage):
    with override("en"):
        response = client.get(reverse("metrics:adoption"), {"module": "kurkkukipu", "weeks": "2"})

    assert response.status_code == HTTPStatus.OK
    curves = {curve.county.code: curve.per_week for curve in response.context["curves"]}
    # North Karelia: 10 and 30 a week per 160,000 residents = 0.06 and 0.19 per 1,000.
    assert {week: curves["12"][week] for week in (-1, 0, 2)} == {-1: 0.06, 0: 0.19, 2: 0.19}
    # Päijät-Häme: 400 a week per 200,000 residents = 2.0 per 1,000 from its own go-live week.
    assert {week: curves["07"][week] for week in (-2, 0, 2)} == {-2: 0.0, 0: 2.0, 2: 2.0}
    assert [week for week, _ in response.context["table"]][:1] == [-8]
    assertContains(response, '<svg role="img"')


def test_the_comparison_ranks_counties_per_1000_residents_and_lists_counties_without_the_content(client, usage):
    WellbeingCountyFactory(code="21", name_en="Lapland", population=176_000, population_year=2024)

    with override("en"):
        response = client.get(
            reverse("metrics:comparison"),
            {"module": "kurkkukipu", "period_type": "week", "start": "2024-W18", "end": "2024-W19"},
        )

    ranking = response.context["ranking"]
    # Päijät-Häme: 800 / 200,000 × 1,000 = 4.0; North Karelia: 60 / 160,000 × 1,000 = 0.38 (not 2,060).
    assert [(row.county.code, row.figure.value, row.per_residents) for row in ranking.ranked] == [
        ("07", 800, 4.0),
        ("12", 60, 0.38),
    ]
    assert [county.code for county in ranking.not_in_use] == ["21"]
    assertContains(response, "Not in use in the range")
    assert [bar.label for bar in response.context["chart"].bars] == ["Päijät-Häme", "North Karelia"]
