"""Rules of metrics/aggregation.py that a mutation run showed no test pinned (docs/mutation.md).

Each test pins one behaviour with hand-computed values, through the page or the API where one
shows it, else through the module's public function.
"""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from metrics import aggregation
from metrics.aggregation import Figure, PeriodRange
from metrics.models import CountyFigure, MetricKind, PeriodType, UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from regions.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db

W40 = datetime.date(2026, 9, 28)  # 2026-W40
W41 = datetime.date(2026, 10, 5)
W42 = datetime.date(2026, 10, 12)
W43 = datetime.date(2026, 10, 19)
# 1 June 2026 is a Monday: the start of 2026-W23 and of the month 2026-06.
JUNE_FIRST = datetime.date(2026, 6, 1)


@pytest.fixture
def world(refs):
    refs.joensuu = ServiceAreaFactory(county=refs.north_karelia, code="joensuu", name_fi="Joensuu")
    refs.users = MetricFactory(code="users", kind=MetricKind.DISTINCT)
    refs.feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    return refs


def row(world, value, *, county=None, area=None, module=None, metric=None, start=W40, **fields):
    return UsageStatisticFactory(
        county=county or world.north_karelia,
        service_area=area,
        module=module or world.uti,
        metric=metric or world.started,
        period_start=start,
        value=value,
        **fields,
    )


def page_totals(client, **params):
    """The statistics page's (period, value, made of parts) rows, in English."""
    with translation.override("en"):
        response = client.get(reverse("metrics:statistics"), params)
    assert response.status_code == HTTPStatus.OK
    return [(total.label, total.value, total.from_parts) for total in response.context["totals"]]


# --- a county's own row hides the service-area parts of its key, and only of its key ------------


def test_a_county_row_of_one_content_does_not_hide_the_parts_of_another_content(client, world):
    row(world, 100, module=world.uti)
    row(world, 60, module=world.uti, area=world.oral_health)  # hidden by the row above
    row(world, 7, module=world.sore_throat, area=world.oral_health)  # no county row of its own

    # 100 (the county's row of UTI) + 7 (the only figure of sore throat)
    assert page_totals(client, metric="assessments_started", period_type="week", county="14") == [
        ("2026-W40", 107, True)
    ]


def test_a_county_row_of_one_metric_does_not_hide_the_parts_of_another_metric(client, world):
    row(world, 100, metric=world.completed)
    row(world, 7, metric=world.started, area=world.oral_health)

    assert page_totals(client, metric="assessments_started", period_type="week", county="14") == [("2026-W40", 7, True)]
    assert page_totals(client, metric="assessments_completed", period_type="week", county="14") == [
        ("2026-W40", 100, False)
    ]


def test_a_county_row_of_a_month_does_not_hide_the_parts_of_a_week_starting_that_day(client, world):
    row(world, 100, period_type=PeriodType.MONTH, start=JUNE_FIRST)
    row(world, 7, period_type=PeriodType.WEEK, start=JUNE_FIRST, area=world.oral_health)

    assert page_totals(client, period_type="week", county="14") == [("2026-W23", 7, True)]
    assert page_totals(client, period_type="month", county="14") == [("2026-06", 100, False)]


def test_a_county_row_of_one_county_does_not_hide_the_parts_of_another_county(client, world):
    row(world, 100, county=world.pirkanmaa)
    row(world, 7, county=world.north_karelia, area=world.oral_health)

    assert page_totals(client, period_type="week", county="14") == [("2026-W40", 7, True)]
    # All counties: 100 (Pirkanmaa's own row) + 7 (North Karelia's part)
    assert page_totals(client, period_type="week") == [("2026-W40", 107, True)]


def test_a_county_row_of_one_week_does_not_hide_the_parts_of_the_next(client, world):
    row(world, 100, start=W40)
    row(world, 60, start=W40, area=world.oral_health)
    row(world, 7, start=W41, area=world.oral_health)

    assert page_totals(client, period_type="week", county="14") == [("2026-W40", 100, False), ("2026-W41", 7, True)]


# The same key in the rule the detail rows are read by (`counted`: the comparison's `by_county` and
# the rollout effect); the pages above read the county figures the database keeps.


def test_counted_keeps_the_part_of_another_content_beside_a_county_row(world):
    row(world, 100, module=world.uti)
    row(world, 7, module=world.sore_throat, area=world.oral_health)

    figures = aggregation.by_county(UsageStatistic.objects.all(), metric=world.started)

    # 100 (the county row of UTI) + 7 (sore throat's only figure, a part)
    assert figures == {world.north_karelia.pk: Figure(total=107, weight=2, parts=1, kind=MetricKind.ADDITIVE)}


def test_counted_keeps_the_part_of_a_metric_beside_another_metrics_county_row(world):
    row(world, 100, metric=world.completed)
    row(world, 7, metric=world.started, area=world.oral_health)

    figures = aggregation.by_county(UsageStatistic.objects.filter(metric=world.started), metric=world.started)

    assert figures == {world.north_karelia.pk: Figure(total=7, weight=1, parts=1, kind=MetricKind.ADDITIVE)}


def test_counted_keeps_the_part_of_a_week_beside_the_county_row_of_the_month_starting_that_day(world):
    row(world, 100, period_type=PeriodType.MONTH, start=JUNE_FIRST)
    row(world, 7, period_type=PeriodType.WEEK, start=JUNE_FIRST, area=world.oral_health)

    weeks = UsageStatistic.objects.filter(period_type=PeriodType.WEEK)
    figures = aggregation.by_county(weeks, metric=world.started)

    assert figures == {world.north_karelia.pk: Figure(total=7, weight=1, parts=1, kind=MetricKind.ADDITIVE)}


# --- by_county: the range's figure of each county -----------------------------------------------------


def test_by_county_sums_an_additive_count_over_the_range_with_parts_only_where_no_county_row(world):
    row(world, 100, start=W40)
    row(world, 60, start=W40, area=world.oral_health)  # hidden: the county row of W40 wins
    row(world, 30, start=W41, area=world.oral_health)
    row(world, 25, start=W41, area=world.joensuu)
    row(world, 7, start=W41, county=world.pirkanmaa)

    figures = aggregation.by_county(UsageStatistic.objects.all(), metric=world.started)

    # North Karelia: 100 + 30 + 25 = 155 from three rows, two of them parts; Pirkanmaa: its own 7
    assert figures == {
        world.north_karelia.pk: Figure(total=155, weight=3, parts=2, kind=MetricKind.ADDITIVE),
        world.pirkanmaa.pk: Figure(total=7, weight=1, parts=0, kind=MetricKind.ADDITIVE),
    }
    assert figures[world.north_karelia.pk].from_parts is True
    assert figures[world.pirkanmaa.pk].from_parts is False


def test_by_county_gives_a_distinct_count_as_the_mean_of_its_county_periods_and_leaves_parts_out(world):
    for start, users in ((W40, 10), (W41, 10), (W42, 12)):
        row(world, users, metric=world.users, start=start)
    row(world, 5, metric=world.users, start=W40, area=world.oral_health)  # hidden by the county row
    row(world, 99, metric=world.users, start=W43, area=world.oral_health)  # a part alone: not added, not a period
    row(world, 40, metric=world.users, start=W40, county=world.pirkanmaa, area=None)
    row(world, 8, metric=world.users, start=W41, county=world.pirkanmaa, area=None)

    figures = aggregation.by_county(UsageStatistic.objects.all(), metric=world.users)

    # North Karelia: (10 + 10 + 12) / 3 periods = 10.666… shown as 10.7; Pirkanmaa: (40 + 8) / 2 = 24.0
    north_karelia, pirkanmaa = figures[world.north_karelia.pk], figures[world.pirkanmaa.pk]
    assert (north_karelia.value, north_karelia.parts, north_karelia.parts_left_out) == (10.7, 1, True)
    assert (pirkanmaa.value, pirkanmaa.parts, pirkanmaa.parts_left_out) == (24.0, 0, False)


def test_by_county_divides_a_distinct_count_by_its_periods_not_by_its_rows(world):
    # Two contents in 2026-W40 (10 + 20) and one in W41 (30): across contents the figures add up,
    # so the mean per period is 60 / 2 periods = 30.0, not 60 / 3 rows.
    row(world, 10, metric=world.users, module=world.uti, start=W40)
    row(world, 20, metric=world.users, module=world.sore_throat, start=W40)
    row(world, 30, metric=world.users, module=world.uti, start=W41)

    figure = aggregation.by_county(UsageStatistic.objects.all(), metric=world.users)[world.north_karelia.pk]

    assert figure.value == 30.0


def test_by_county_of_a_distinct_count_with_only_service_area_rows_has_no_figure(world):
    row(world, 60, metric=world.users, area=world.oral_health)
    row(world, 40, metric=world.users, area=world.joensuu)

    figure = aggregation.by_county(UsageStatistic.objects.all(), metric=world.users)[world.north_karelia.pk]

    assert (figure.value, figure.parts_left_out, figure.per_residents(150_000)) == (None, True, None)


def test_by_county_gives_a_score_as_the_mean_weighted_by_responses(world):
    row(world, Decimal(4), metric=world.feedback, start=W40, responses=30)
    row(world, Decimal(3), metric=world.feedback, start=W41, responses=10)
    row(world, Decimal(2), metric=world.feedback, start=W40, county=world.pirkanmaa, responses=None)

    figures = aggregation.by_county(UsageStatistic.objects.all(), metric=world.feedback)

    # North Karelia: (4·30 + 3·10) / 40 = 150 / 40 = 3.75; Pirkanmaa: one row without responses weighs 1
    assert figures[world.north_karelia.pk] == Figure(total=150.0, weight=40, parts=0, kind=MetricKind.SCORE)
    assert figures[world.north_karelia.pk].value == 3.75
    assert figures[world.pirkanmaa.pk].value == 2.0


# --- the series of one service area in the API ------------------------------------------------------


def _api_points(client, **params):
    response = client.get("/api/series", params, headers={"accept-language": "en"})
    assert response.status_code == HTTPStatus.OK
    return [(point["period"], point["value"]) for point in response.json()["points"]]


def test_the_api_series_of_a_service_area_of_a_distinct_metric_is_that_areas_figure(client, world):
    row(world, 100, metric=world.users)
    row(world, 60, metric=world.users, area=world.oral_health)
    row(world, 40, metric=world.users, area=world.joensuu)

    area = {"metric": "users", "county": "14", "end": "2026-W40", "periods": 1}
    assert _api_points(client, **area, service_area="suun-terveys") == [("2026-W40", 60)]
    assert _api_points(client, **area, service_area="joensuu") == [("2026-W40", 40)]
    assert _api_points(client, **area) == [("2026-W40", 100)]


def test_the_api_series_of_a_service_area_of_a_score_is_its_weighted_mean(client, world):
    row(world, Decimal(4), metric=world.feedback, area=world.oral_health, module=world.uti, responses=10)
    row(world, Decimal(2), metric=world.feedback, area=world.oral_health, module=world.sore_throat, responses=30)

    # (4·10 + 2·30) / 40 = 2.5
    assert _api_points(
        client, metric="customer_feedback", county="14", service_area="suun-terveys", end="2026-W40", periods=1
    ) == [("2026-W40", 2.5)]


# --- the range shown ---------------------------------------------------------------------------


def _weeks(world):
    row(world, 1, start=datetime.date.fromisocalendar(2026, 10, 1))
    row(world, 1, start=W40)
    return UsageStatistic.objects.filter(period_type=PeriodType.WEEK)


def test_a_range_with_only_a_start_ends_at_the_latest_figure(world):
    statistics = _weeks(world)

    period_range = aggregation.shown_range(
        statistics, period_type=PeriodType.WEEK, start=datetime.date(2026, 7, 20), end=None
    )

    assert period_range == PeriodRange(datetime.date(2026, 7, 20), W40)  # 2026-W30 to 2026-W40


def test_a_range_starting_after_the_latest_figure_is_that_one_period(world):
    statistics = _weeks(world)

    period_range = aggregation.shown_range(
        statistics, period_type=PeriodType.WEEK, start=datetime.date(2026, 11, 2), end=None
    )

    assert period_range == PeriodRange(datetime.date(2026, 11, 2), datetime.date(2026, 11, 2))  # 2026-W45 alone


def test_a_range_with_only_an_end_is_the_26_weeks_up_to_it(client, world):
    _weeks(world)
    end = datetime.date(2026, 5, 11)  # 2026-W20

    period_range = aggregation.shown_range(
        UsageStatistic.objects.filter(period_type=PeriodType.WEEK), period_type=PeriodType.WEEK, start=None, end=end
    )

    # 25 weeks before 11.5.2026: 17.11.2025, the start of 2025-W47
    assert period_range == PeriodRange(datetime.date(2025, 11, 17), end)
    with translation.override("en"):
        response = client.get(reverse("metrics:statistics"), {"period_type": "week", "end": "2026-W20"})
    assert response.context["period_range"] == period_range
    assert [total.label for total in response.context["totals"]] == ["2026-W10"]


def test_the_default_range_of_months_is_the_latest_12_months(world):
    row(world, 1, period_type=PeriodType.MONTH, start=datetime.date(2026, 10, 1))

    period_range = aggregation.shown_range(
        UsageStatistic.objects.all(), period_type=PeriodType.MONTH, start=None, end=None
    )

    assert period_range == PeriodRange(datetime.date(2025, 11, 1), datetime.date(2026, 10, 1))


def test_a_selection_without_figures_has_no_range_and_a_range_covers_its_bounds(world):
    assert aggregation.shown_range(UsageStatistic.objects.all(), period_type=PeriodType.WEEK, start=None, end=None) is (
        None
    )
    period_range = PeriodRange(W40, W42)
    assert [period_range.covers(day) for day in (W40 - datetime.timedelta(days=1), W40, W42, W43)] == [
        False,
        True,
        True,
        False,
    ]


# --- figures per 1,000 residents, and the current period ------------------------------------------


def test_a_score_has_no_figure_per_1000_residents(client, world):
    row(world, Decimal(4), metric=world.feedback, responses=10)
    statistics = UsageStatistic.objects.filter(metric=world.feedback)

    figures = aggregation.series(
        statistics, metric=world.feedback, period_type=PeriodType.WEEK, today=W43, population=160_000
    )

    assert [(figure.value, figure.per_residents_shown) for figure in figures] == [(4.0, None)]
    with translation.override("en"):
        response = client.get(
            reverse("metrics:statistics"), {"metric": "customer_feedback", "period_type": "week", "county": "14"}
        )
    assert response.context["per_residents"] is False
    assert "per 1,000 residents" not in response.content.decode()


def test_a_count_per_1000_residents_is_rounded_to_two_decimals_and_needs_a_population(world):
    row(world, 500)
    statistics = UsageStatistic.objects.filter(metric=world.started)

    with_population, without = (
        aggregation.series(statistics, metric=world.started, period_type=PeriodType.WEEK, today=W43, population=p)[0]
        for p in (150_000, None)
    )

    # 500 / 150,000 × 1,000 = 3.333…
    assert (with_population.per_residents_shown, without.per_residents_shown) == (3.33, None)


def test_the_current_month_starts_on_its_first_day_and_is_marked_incomplete(world):
    for start in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)):
        row(world, 5, period_type=PeriodType.MONTH, start=start)
    statistics = UsageStatistic.objects.filter(period_type=PeriodType.MONTH)

    for today in (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)):
        figures = aggregation.series(statistics, metric=world.started, period_type=PeriodType.MONTH, today=today)
        assert [(figure.period_start, figure.label, figure.incomplete) for figure in figures] == [
            (datetime.date(2026, 10, 1), "2026-10", False),
            (datetime.date(2026, 11, 1), "2026-11", True),
        ]
    assert aggregation.current_period_start(PeriodType.MONTH, datetime.date(2026, 11, 25)) == datetime.date(2026, 11, 1)
    # A week starts on its Monday: Wednesday 25.11.2026 is in the week from Monday 23.11.
    assert aggregation.current_period_start(PeriodType.WEEK, datetime.date(2026, 11, 25)) == datetime.date(2026, 11, 23)


def test_the_page_shows_only_the_periods_of_its_range(client, world):
    # 30 weeks of figures, 2026-W11 … W40: the default range is the latest 26, W15 … W40.
    for week in range(11, 41):
        row(world, week, start=datetime.date.fromisocalendar(2026, week, 1))

    totals = page_totals(client, period_type="week", county="14")

    assert (len(totals), totals[0], totals[-1]) == (26, ("2026-W15", 15, False), ("2026-W40", 40, False))


def test_in_range_keeps_the_periods_from_the_first_to_the_last_inclusive(world):
    for start in (W40, W41, W42, W43):
        row(world, 1, start=start)

    kept = aggregation.in_range(UsageStatistic.objects.all(), PeriodRange(W41, W42))

    assert sorted(kept.values_list("period_start", flat=True)) == [W41, W42]


def test_by_county_reads_a_distinct_count_from_county_figures_as_from_the_statistics(world):
    # The same rows as above, read from the county figures the database keeps (as the pages read
    # them): North Karelia (10 + 10 + 12) / 3 periods = 10.7, its W43 part alone neither added
    # nor a period; Pirkanmaa (40 + 8) / 2 = 24.0.
    for start, users in ((W40, 10), (W41, 10), (W42, 12)):
        row(world, users, metric=world.users, start=start)
    row(world, 5, metric=world.users, start=W40, area=world.oral_health)
    row(world, 99, metric=world.users, start=W43, area=world.oral_health)
    row(world, 40, metric=world.users, start=W40, county=world.pirkanmaa, area=None)
    row(world, 8, metric=world.users, start=W41, county=world.pirkanmaa, area=None)

    figures = aggregation.by_county(CountyFigure.objects.filter(metric=world.users), metric=world.users)

    north_karelia, pirkanmaa = figures[world.north_karelia.pk], figures[world.pirkanmaa.pk]
    assert (north_karelia.value, north_karelia.parts_left_out) == (10.7, True)
    assert (pirkanmaa.value, pirkanmaa.parts_left_out) == (24.0, False)


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("fi", ["Joensuu", "Suun terveydenhuolto"]),
        ("sv", ["Joensuu sv", "Munhälsovård"]),
        ("en", ["Joensuu en", "Oral health"]),
    ],
)
def test_distinct_parts_lists_each_areas_figure_by_period_then_area_code_in_the_active_language(world, language, names):
    world.oral_health.name_sv, world.oral_health.name_en = "Munhälsovård", "Oral health"
    world.oral_health.save()
    world.joensuu.name_sv, world.joensuu.name_en = "Joensuu sv", "Joensuu en"
    world.joensuu.save()
    # suun-terveys (the older key) is written first; "joensuu" sorts before it by code.
    for start, oral, joensuu in ((W41, 7, 3), (W40, 60, 40)):
        row(world, oral, metric=world.users, start=start, area=world.oral_health)
        row(world, joensuu, metric=world.users, start=start, area=world.joensuu)
    row(world, 500, metric=world.users, start=W40, county=world.pirkanmaa, area=None)  # a county row: not a part

    with translation.override(language):
        parts = aggregation.distinct_parts(
            UsageStatistic.objects.filter(metric=world.users), period_type=PeriodType.WEEK
        )

    joensuu, oral = names
    assert [(p.area_code, p.area_name, p.period_start, p.label, p.value) for p in parts] == [
        ("joensuu", joensuu, W40, "2026-W40", 40),
        ("suun-terveys", oral, W40, "2026-W40", 60),
        ("joensuu", joensuu, W41, "2026-W41", 3),
        ("suun-terveys", oral, W41, "2026-W41", 7),
    ]


def test_a_ranges_figure_adds_up_the_parts_of_its_periods(world):
    # W40 made of 2 service-area rows (60 + 40), W41 a county row (30) with none: 130 from 2 parts.
    figures = [
        aggregation.PeriodFigure(total=100, weight=2, parts=2, kind=MetricKind.ADDITIVE, period_start=W40),
        aggregation.PeriodFigure(total=30, weight=1, parts=0, kind=MetricKind.ADDITIVE, period_start=W41),
        aggregation.PeriodFigure(total=None, weight=0, parts=0, kind=MetricKind.ADDITIVE, period_start=W42),
    ]

    figure = aggregation.range_figure(figures, kind=MetricKind.ADDITIVE)

    assert (figure.value, figure.weight, figure.parts, figure.from_parts) == (130, 3, 2, True)


def test_a_score_whose_rows_have_no_responses_has_no_figure_not_zero(world):
    # An import may give a score 0 responses ("0" in the responses column): 4 × 0 = 0 over a weight
    # of 0 is no mean at all, never a mean of 0.
    row(world, Decimal(4), metric=world.feedback, start=W40, responses=0)

    figure = aggregation.by_county(UsageStatistic.objects.all(), metric=world.feedback)[world.north_karelia.pk]

    assert (figure.weight, figure.value) == (0, None)
