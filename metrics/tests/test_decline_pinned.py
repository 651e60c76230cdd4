"""Bounds of the decline rule's windows that a mutation run showed no test pinned (docs/mutation.md).

Every series has a figure in each of the eight weeks compared, so each test reads one rule.
"""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone, translation

from metrics.decline import (
    DeclineRule,
    decline_findings,
    decline_report,
    decline_windows,
    declines,
    rule_description,
    rule_description_named,
)
from metrics.models import PeriodType
from metrics.tests.factories import FIRST_WEEK, TODAY, MetricFactory, UsageStatisticFactory, weekly
from regions.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db

FALLING = [25, 25, 25, 25, 20, 20, 20, 20]  # 100 → 80: exactly 20 % down


def _found(**kwargs):
    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY, **kwargs)
    return [
        (d.county.code, d.service_area.code if d.service_area else None, d.module.code, d.previous, d.recent)
        for d in found
    ]


def test_figures_of_the_current_week_never_count_on_the_declining_page(client, refs):
    # Nine weeks: the eight compared, then 50 so far in the week that is not over. Counted, the
    # 50 would lift the recent total to 130 and hide the fall of 100 → 80.
    first = decline_windows(period_type=PeriodType.WEEK, today=timezone.localdate(), window=4).previous_start
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[*FALLING, 50], first=first)

    response = client.get("/en/statistics/declining/")

    assert response.status_code == HTTPStatus.OK
    assert [(d.county.code, d.module.code, d.previous, d.recent) for d in response.context["declines"]] == [
        ("14", "virtsatietulehdus", 100, 80)
    ]


def test_the_current_week_is_left_out_on_its_monday_too(refs):
    # TODAY's week starts on Monday 23.11.2026: on that day it is already the current week.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[*FALLING, 50])
    monday = datetime.date(2026, 11, 23)

    _windows, found = declines(period_type=PeriodType.WEEK, today=monday)

    assert [(d.previous, d.recent) for d in found] == [(100, 80)]


def test_the_first_week_of_the_earlier_window_counts(refs):
    # 2026-W40 (the first week compared) holds 40: 40 + 20 + 20 + 20 = 100 → 80. Without it, 60 → 80.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[40, 20, 20, 20, 20, 20, 20, 20])

    assert _found() == [("14", None, "virtsatietulehdus", 100, 80)]


def test_the_first_recent_week_counts_in_the_recent_window_only(refs):
    # 2026-W44 (the first recent week) holds 35: earlier 25 × 4 = 100, recent 35 + 15 + 15 + 15 = 80.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25, 25, 25, 25, 35, 15, 15, 15])

    assert _found() == [("14", None, "virtsatietulehdus", 100, 80)]


def test_month_windows_compare_the_complete_months_before_the_current_one(refs):
    # Today 15.1.2027: earlier May–August 2026, recent September–December 2026; January is not over.
    months = [datetime.date(2026, month, 1) for month in range(5, 13)] + [datetime.date(2027, 1, 1)]
    for month, value in zip(months, [*FALLING, 500], strict=True):
        UsageStatisticFactory(
            county=refs.north_karelia,
            module=refs.uti,
            metric=refs.started,
            period_type=PeriodType.MONTH,
            period_start=month,
            value=value,
        )

    windows, found = declines(period_type=PeriodType.MONTH, today=datetime.date(2027, 1, 15))

    assert (windows.previous_start, windows.recent_start, windows.current_start) == (
        datetime.date(2026, 5, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2027, 1, 1),
    )
    assert [(d.previous, d.recent) for d in found] == [(100, 80)]


def test_declines_are_listed_steepest_first_then_by_county_content_and_the_whole_county_first(refs):
    thirty_down = [25, 25, 25, 25, 17, 18, 17, 18]  # 100 → 70
    for county, area, module, values in (
        (refs.north_karelia, refs.oral_health, refs.uti, FALLING),
        (refs.north_karelia, None, refs.uti, FALLING),
        (refs.north_karelia, None, refs.sore_throat, FALLING),
        (refs.pirkanmaa, None, refs.uti, FALLING),
        (refs.pirkanmaa, None, refs.sore_throat, thirty_down),
    ):
        weekly(county=county, service_area=area, module=module, metric=refs.started, values=values)

    assert _found() == [
        ("08", None, "kurkkukipu", 100, 70),
        ("08", None, "virtsatietulehdus", 100, 80),
        ("14", None, "kurkkukipu", 100, 80),
        ("14", None, "virtsatietulehdus", 100, 80),
        ("14", "suun-terveys", "virtsatietulehdus", 100, 80),
    ]


def test_a_change_is_rounded_to_whole_percent(refs):
    # 150 → 100: -33.3 % shown as -33; 150 → 115: -23.3 % shown as -23 (a threshold of 20 % flags both)
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[50, 50, 25, 25, 25, 25, 25, 25])
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[50, 50, 25, 25, 40, 25, 25, 25])

    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY)

    assert [(d.county.code, d.previous, d.recent, d.change_percent) for d in found] == [
        ("14", 150, 100, -33),
        ("08", 150, 115, -23),
    ]


def test_the_report_names_the_rules_metric_and_the_weeks_compared(refs):
    refs.started.name_en = "Assessments started"
    refs.started.save()
    other = MetricFactory(code="users", name_en="Users")
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)

    with translation.override("en"):
        for given in (None, other, refs.started):
            report = decline_report(period_type=PeriodType.WEEK, today=TODAY, metric=given)
            assert "its “Assessments started” per period in the last 4 complete periods" in report.rule_text
            assert report.windows_text == "Compared: 2026-W40–2026-W43 against 2026-W44–2026-W47."
            assert [(d.previous, d.recent) for d in report.declines] == [(100, 80)]
        unknown = decline_report(period_type=PeriodType.WEEK, today=TODAY, rule=DeclineRule(metric_code="nothing"))
    assert "its “nothing” per period in the last 4" in unknown.rule_text
    assert unknown.declines == []
    assert unknown.windows.previous_start == FIRST_WEEK


def test_weekly_windows_read_only_weekly_figures(refs):
    # A month row starting 1.11.2026 falls inside the recent weeks' dates: read, it would lift 80 to 580.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    UsageStatisticFactory(
        county=refs.north_karelia,
        module=refs.uti,
        metric=refs.started,
        period_type=PeriodType.MONTH,
        period_start=datetime.date(2026, 11, 1),
        value=500,
    )

    assert _found() == [("14", None, "virtsatietulehdus", 100, 80)]


def test_a_fall_with_one_recent_week_reported_is_a_decline(refs):
    # Earlier 4 × 25 = 100 (25 a week); recent only 2026-W47 with 15: 15 a week, 40 % down.
    weekly(
        county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25, 25, 25, 25, None, None, None, 15]
    )

    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY)

    assert [(d.previous, d.recent, d.previous_periods, d.recent_periods, d.change_percent) for d in found] == [
        (100, 15, 4, 1, -40)
    ]


def _second_area(refs):
    # Created after suun-terveys (a higher key), but its code sorts first: "1-" < "XXXX" < "suun-".
    return ServiceAreaFactory(county=refs.north_karelia, code="1-keski", name_fi="Keski")


def test_equal_falls_list_the_whole_county_first_then_its_service_areas_by_code(refs):
    central = _second_area(refs)
    for area in (None, refs.oral_health, central):
        weekly(county=refs.north_karelia, service_area=area, module=refs.uti, metric=refs.started, values=FALLING)

    assert _found() == [
        ("14", None, "virtsatietulehdus", 100, 80),
        ("14", "1-keski", "virtsatietulehdus", 100, 80),
        ("14", "suun-terveys", "virtsatietulehdus", 100, 80),
    ]


def test_series_not_reported_since_the_same_week_list_the_whole_county_first_then_its_areas_by_code(refs):
    central = _second_area(refs)
    for area in (None, refs.oral_health, central):
        weekly(county=refs.north_karelia, service_area=area, module=refs.uti, metric=refs.started, values=[25] * 4)

    _windows, found, silent = decline_findings(period_type=PeriodType.WEEK, today=TODAY)

    assert found == []
    assert [(s.service_area.code if s.service_area else None, s.last_reported) for s in silent] == [
        (None, datetime.date(2026, 10, 19)),
        ("1-keski", datetime.date(2026, 10, 19)),
        ("suun-terveys", datetime.date(2026, 10, 19)),
    ]


def test_a_decline_carries_the_rules_window(refs):
    # A window of 3 weeks: earlier 12.10.–1.11. (30 a week), recent 2.11.–22.11. with two weeks
    # reported (20 a week): 33 % down, 2 of 3 recent weeks reported.
    weekly(
        county=refs.north_karelia,
        module=refs.uti,
        metric=refs.started,
        values=[30, 30, 30, 20, 20, None],
        first=datetime.date(2026, 10, 12),
    )

    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY, rule=DeclineRule(window=3))

    assert [(d.previous, d.recent, d.recent_periods, d.window, d.change_percent) for d in found] == [
        (90, 40, 2, 3, -33)
    ]


def test_the_report_of_one_county_or_one_content_lists_only_its_declines(refs):
    for county in (refs.north_karelia, refs.pirkanmaa):
        for module in (refs.uti, refs.sore_throat):
            weekly(county=county, module=module, metric=refs.started, values=FALLING)

    def listed(**kwargs):
        report = decline_report(period_type=PeriodType.WEEK, today=TODAY, **kwargs)
        return [(d.county.code, d.module.code) for d in report.declines]

    assert listed(county=refs.pirkanmaa) == [("08", "kurkkukipu"), ("08", "virtsatietulehdus")]
    assert listed(module=refs.uti) == [("08", "virtsatietulehdus"), ("14", "virtsatietulehdus")]
    assert listed(county=refs.north_karelia, module=refs.sore_throat) == [("14", "kurkkukipu")]


def test_the_rule_without_a_metric_name_names_the_metric_code():
    with translation.override("en"):
        text = rule_description(DeclineRule(window=6, threshold_percent=25, minimum_volume=40))

    assert "its “assessments_started” per period in the last 6 complete periods fell by 25 % or more" in text
    assert "fewer than 40 in all" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "”Aloitetut arviot”"), ("sv", "”Påbörjade bedömningar”"), ("en", "“Assessments started”")],
)
def test_the_rule_names_its_metric_in_the_active_language(refs, language, expected):
    with translation.override(language):
        text = rule_description_named()

    assert expected in text
    assert "assessments_started" not in text
