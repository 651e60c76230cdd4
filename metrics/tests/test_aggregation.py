"""Hand-computed totals: county rows beside their service areas, distinct counts, weighted means, ISO years."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from metrics import aggregation
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.models import MetricKind, PeriodType, UsageStatistic
from metrics.tests.factories import MetricFactory
from metrics.tests.import_support import HEADER, csv_text, upload
from regions.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 1)


@pytest.fixture
def metrics(refs):
    ServiceAreaFactory(county=refs.north_karelia, code="joensuu")
    refs.users = MetricFactory(code="users", kind=MetricKind.DISTINCT)
    refs.feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    return refs


def imported(*rows, header=HEADER):
    result = usage_import(file=upload(csv_text(*rows, header=header)), user=TRUSTED_OPERATOR, dry_run=False)
    assert result.ok, result.errors
    return result


def weekly(metric, **filters):
    statistics = UsageStatistic.objects.filter(metric=metric, period_type=PeriodType.WEEK, **filters)
    return [
        (figure.label, figure.value, figure.from_parts)
        for figure in aggregation.series(statistics, metric=metric, period_type=PeriodType.WEEK, today=TODAY)
    ]


def page(client, **params):
    with translation.override("en"):
        return client.get(reverse("metrics:statistics"), params)


def test_a_county_row_is_the_county_figure_and_its_service_areas_are_not_added(client, metrics):
    imported(
        "14,,kurkkukipu,users,week,2026-W40,100",
        "14,suun-terveys,kurkkukipu,users,week,2026-W40,60",
        "14,joensuu,kurkkukipu,users,week,2026-W40,40",
    )

    response = page(client, metric="users", period_type="week", county="14")

    assert response.status_code == HTTPStatus.OK
    assert [(total.label, total.value) for total in response.context["totals"]] == [("2026-W40", 100)]
    assert '<th scope="row">2026-W40</th><td class="number">100</td>' in response.content.decode()


def test_an_additive_county_row_wins_over_its_parts_and_parts_alone_are_summed_and_marked(metrics):
    imported(
        "14,,kurkkukipu,assessments_started,week,2026-W40,100",
        "14,suun-terveys,kurkkukipu,assessments_started,week,2026-W40,60",
        "14,joensuu,kurkkukipu,assessments_started,week,2026-W40,40",
        "14,suun-terveys,kurkkukipu,assessments_started,week,2026-W41,30",
        "14,joensuu,kurkkukipu,assessments_started,week,2026-W41,25",
        "08,,kurkkukipu,assessments_started,week,2026-W41,7",
    )

    assert weekly(metrics.started) == [("2026-W40", 100, False), ("2026-W41", 62, True)]


def test_distinct_users_over_a_range_are_shown_per_period_with_no_range_total(client, metrics):
    imported(*(f"14,,kurkkukipu,users,week,2026-W{week},{users}" for week, users in ((40, 50), (41, 60), (42, 55))))

    response = page(client, metric="users", period_type="week", start="2026-W40", end="2026-W42")

    assert [(total.label, total.value) for total in response.context["totals"]] == [
        ("2026-W40", 50),
        ("2026-W41", 60),
        ("2026-W42", 55),
    ]
    assert response.context["range_figure"] is None
    # 50 + 60 + 55 = 165 is shown nowhere; the metric chooser's options are left out of the check,
    # as factory_boy names a metric "Metric 165" when enough tests ran before this one.
    shown = re.sub(r"<option[^>]*>[^<]*</option>", "", response.content.decode())
    assert "165" not in shown
    assert "so the periods are not added up" in shown


def test_distinct_users_of_service_areas_alone_are_listed_per_area_not_summed(client, metrics):
    imported(
        "14,suun-terveys,kurkkukipu,users,week,2026-W40,60",
        "14,joensuu,kurkkukipu,users,week,2026-W40,40",
    )

    response = page(client, metric="users", period_type="week", county="14")

    assert [total.value for total in response.context["totals"]] == [None]
    assert [(part.area_code, part.value) for part in response.context["distinct_parts"]] == [
        ("joensuu", 40),
        ("suun-terveys", 60),
    ]
    assert "Service-area figures of distinct users are not added up" in response.content.decode()


def test_a_score_is_the_mean_weighted_by_responses_and_a_row_without_responses_weighs_one(client, metrics):
    imported(
        "14,,kurkkukipu,customer_feedback,week,2026-W40,4,30",
        "08,,kurkkukipu,customer_feedback,week,2026-W40,2,10",
        "08,,virtsatietulehdus,customer_feedback,week,2026-W40,5,",
        "14,,kurkkukipu,customer_feedback,week,2026-W41,3,5",
        header=f"{HEADER},responses",
    )

    # (4·30 + 2·10 + 5·1) / 41 = 145 / 41 = 3.54; the range: (145 + 15) / 46 = 3.48, shown with one decimal
    assert weekly(metrics.feedback) == [("2026-W40", 3.54, False), ("2026-W41", 3.0, False)]
    response = page(client, metric="customer_feedback", period_type="week")
    assert response.context["range_figure"].value == 3.48
    assert "Mean 3.5 on the scale 1 to 5 from 2026-W40 to 2026-W41, weighted by 46 responses." in (
        response.content.decode()
    )


def test_the_last_days_of_december_belong_to_the_next_iso_year(metrics):
    imported("14,,kurkkukipu,assessments_started,week,30.12.2024,9")

    assert weekly(metrics.started) == [("2025-W01", 9, False)]


def test_the_default_range_is_the_latest_26_weeks_read_in_the_query(metrics):
    imported(*(f"14,,kurkkukipu,assessments_started,week,2026-W{week:02d},{week}" for week in range(1, 41)))
    statistics = UsageStatistic.objects.filter(metric=metrics.started, period_type=PeriodType.WEEK)

    period_range = aggregation.shown_range(statistics, period_type=PeriodType.WEEK, start=None, end=None)

    # 2026-W40 begins on 28.9.2026; 25 weeks before it, 2026-W15 begins on 6.4.2026.
    assert (period_range.first, period_range.last) == (datetime.date(2026, 4, 6), datetime.date(2026, 9, 28))
    assert len(weekly(metrics.started, period_start__gte=period_range.first)) == 26


def test_the_week_containing_today_is_marked_incomplete(metrics):
    imported("14,,kurkkukipu,assessments_started,week,2026-W52,9", "14,,kurkkukipu,assessments_started,week,2026-W53,3")
    statistics = UsageStatistic.objects.filter(metric=metrics.started, period_type=PeriodType.WEEK)

    figures = aggregation.series(statistics, metric=metrics.started, period_type=PeriodType.WEEK, today=TODAY)

    assert [(figure.label, figure.incomplete) for figure in figures] == [("2026-W52", False), ("2026-W53", True)]


def test_per_1000_residents_of_one_county_states_the_population(client, metrics):
    metrics.north_karelia.population, metrics.north_karelia.population_year = 160_000, 2024
    metrics.north_karelia.save()
    imported("14,,kurkkukipu,assessments_started,week,2026-W40,400")

    response = page(client, period_type="week", county="14")

    # 400 / 160,000 × 1,000 = 2.5
    assert response.context["totals"][0].per_residents_shown == 2.5
    assert "the county had 160,000 residents on 31 December 2024" in response.content.decode()
