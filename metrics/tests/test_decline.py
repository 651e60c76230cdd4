"""The decline rule: which series fell, by how much, and which are left out."""

import datetime

import pytest
from django.utils import translation

from metrics.decline import (
    DEFAULT_RULE,
    DeclineRule,
    decline_findings,
    decline_windows,
    declines,
    rule_description,
    windows_description,
)
from metrics.models import PeriodType
from metrics.tests.factories import FIRST_WEEK, TODAY, weekly
from processes.models import RolloutStatus
from processes.tests.factories import ContentModuleFactory, RolloutFactory

FALLING = [25, 25, 25, 25, 20, 20, 20, 20]  # 100 → 80: exactly 20 % down
STEADY = [25, 25, 25, 25, 25, 25, 24, 25]  # 100 → 99


def _found(refs, **kwargs):
    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY, **kwargs)
    return [
        (d.county.code, d.service_area.code if d.service_area else None, d.module.code, d.previous, d.recent)
        for d in found
    ]


def test_windows_end_at_the_last_complete_week_before_today():
    windows = decline_windows(period_type=PeriodType.WEEK, today=TODAY, window=4)

    assert windows.previous_start == FIRST_WEEK
    assert windows.recent_start == datetime.date(2026, 10, 26)
    assert windows.window_end == datetime.date(2026, 11, 16)
    with translation.override("en"):
        assert windows_description(windows) == "Compared: 2026-W40–2026-W43 against 2026-W44–2026-W47."


def test_month_windows_leave_the_current_month_out():
    windows = decline_windows(period_type=PeriodType.MONTH, today=datetime.date(2026, 1, 31), window=4)

    assert windows.previous_start == datetime.date(2025, 5, 1)
    assert windows.recent_start == datetime.date(2025, 9, 1)
    assert windows.window_end == datetime.date(2025, 12, 1)


def test_a_fall_of_exactly_the_threshold_is_flagged_and_one_just_short_is_not(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[25, 25, 25, 25, 21, 20, 20, 20])

    assert _found(refs) == [("14", None, "virtsatietulehdus", 100, 80)]


def test_a_steeper_fall_is_flagged_with_its_change_and_growth_or_a_small_dip_is_not(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[100] * 4 + [70] * 4)
    weekly(county=refs.north_karelia, module=refs.sore_throat, metric=refs.started, values=[100] * 4 + [85] * 4)
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[10] * 4 + [50] * 4)

    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY)

    assert _found(refs) == [("14", None, "virtsatietulehdus", 400, 280)]
    assert found[0].change_percent == -30


def test_no_statistics_means_no_declines(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)

    assert declines(period_type=PeriodType.MONTH, today=TODAY)[1] == []


def test_service_areas_and_the_whole_county_are_separate_series(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=STEADY)
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.uti,
        metric=refs.started,
        values=[30, 30, 30, 30, 10, 10, 10, 10],
    )

    _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY)

    assert _found(refs) == [("14", "suun-terveys", "virtsatietulehdus", 120, 40)]
    assert found[0].change_percent == -67


def test_the_current_incomplete_week_is_never_counted_as_a_fall(refs):
    # 100 → 100 in the complete weeks, then 1 so far in the week that is not over.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25] * 8 + [1])

    assert _found(refs) == []


def test_weeks_before_the_windows_do_not_count(refs):
    weekly(
        county=refs.north_karelia,
        module=refs.uti,
        metric=refs.started,
        values=[1000, 25, 25, 25, 25, 25, 25, 25, 25],
        first=FIRST_WEEK - datetime.timedelta(weeks=1),
    )

    assert _found(refs) == []


def test_tiny_volumes_are_not_flagged(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[12, 12, 12, 13, 0, 0, 0, 0])
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[12, 12, 13, 13, 0, 0, 0, 0])

    assert _found(refs) == [("08", None, "virtsatietulehdus", 50, 0)]


def test_a_content_whose_rollouts_have_all_ended_is_left_out(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(county=refs.north_karelia, module=refs.sore_throat, metric=refs.started, values=FALLING)
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=FALLING)
    ended = {"status": RolloutStatus.ENDED, "ended_on": datetime.date(2026, 10, 30)}
    RolloutFactory(county=refs.north_karelia, module=refs.uti, **ended)
    RolloutFactory(county=refs.north_karelia, module=refs.sore_throat, **ended)
    RolloutFactory(county=refs.north_karelia, module=refs.sore_throat, status=RolloutStatus.IN_USE)

    assert _found(refs) == [
        ("08", None, "virtsatietulehdus", 100, 80),
        ("14", None, "kurkkukipu", 100, 80),
    ]


def test_only_the_rules_metric_is_read(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.completed, values=FALLING)

    assert _found(refs) == []
    assert _found(refs, rule=DeclineRule(metric_code="assessments_completed")) == [
        ("14", None, "virtsatietulehdus", 100, 80)
    ]


def test_a_county_filter_keeps_only_its_series(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=FALLING)

    assert _found(refs, county=refs.pirkanmaa) == [("08", None, "virtsatietulehdus", 100, 80)]


def test_a_content_filter_keeps_only_its_series(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(county=refs.north_karelia, module=refs.sore_throat, metric=refs.started, values=FALLING)

    assert _found(refs, module=refs.sore_throat) == [("14", None, "kurkkukipu", 100, 80)]


@pytest.mark.parametrize("series_count", [1, 20])
def test_the_rule_reads_a_fixed_number_of_queries(refs, django_assert_num_queries, series_count):
    weekly(
        county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=FALLING
    )
    for _series in range(series_count):
        weekly(county=refs.north_karelia, module=ContentModuleFactory(), metric=refs.started, values=FALLING)

    with django_assert_num_queries(4):
        _windows, found = declines(period_type=PeriodType.WEEK, today=TODAY)

    assert len(found) == series_count + 1


def test_the_rule_is_written_out_with_its_parameters():
    with translation.override("en"):
        description = rule_description(DEFAULT_RULE, metric_name="Assessments started")
    assert description == (
        "A content is flagged when its “Assessments started” per period in the last 4 complete periods fell by "
        "20 % or more from the 4 periods before, counted separately for the whole county and for each service "
        "area. Only periods that have figures are compared: a period not yet imported is missing, not zero. A "
        "content with no figures at all in the recent periods is listed as not reported, never as a fall. Nothing "
        "is flagged when the earlier periods had fewer than 50 in all. The current week or month is not over and "
        "is never compared. A content whose rollouts in the county have all ended is left out."
    )


# --- missing is not zero ---------------------------------------------------------------------
# TODAY is in 2026-W48: earlier window W40–W43, recent window W44–W47.


def _findings(**kwargs):
    _windows, found, silent = decline_findings(period_type=PeriodType.WEEK, today=TODAY, **kwargs)
    falls = [
        (
            d.county.code,
            d.service_area.code if d.service_area else None,
            d.module.code,
            d.previous,
            d.recent,
            d.previous_periods,
            d.recent_periods,
            d.change_percent,
        )
        for d in found
    ]
    silences = [
        (s.county.code, s.service_area.code if s.service_area else None, s.module.code, s.last_reported) for s in silent
    ]
    return falls, silences


def test_a_late_import_of_steady_use_is_not_a_fall(refs):
    # W46 and W47 not imported yet: the recent mean is 25 a week, as before (the old rule read 100 → 50, −50 %).
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25] * 6)

    assert _findings() == ([], [])


def test_a_late_import_still_shows_a_real_fall_in_the_weeks_it_has(refs):
    # Earlier 4 × 30 = 120 (30 a week); recent W44–W45 only, 2 × 15 = 30 (15 a week): −50 %.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[30, 30, 30, 30, 15, 15])

    assert _findings() == ([("14", None, "virtsatietulehdus", 120, 30, 4, 2, -50)], [])


def test_a_gap_of_one_week_inside_the_recent_window_is_not_a_fall(refs):
    # W45 missing: recent 3 × 25 = 75 over 3 weeks, 25 a week as before (the old rule read 100 → 75, −25 %).
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25, 25, 25, 25, 25, None, 25, 25])

    assert _findings() == ([], [])


def test_a_gap_of_one_week_inside_the_earlier_window_is_left_out_of_its_mean(refs):
    # W41 missing: earlier 75 over 3 weeks (25 a week), recent 80 over 4 (20 a week): (20 − 25) / 25 = −20 %.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25, None, 25, 25, 20, 20, 20, 20])

    assert _findings() == ([("14", None, "virtsatietulehdus", 75, 80, 3, 4, -20)], [])


def test_a_series_that_really_stops_is_not_reported_never_a_fall(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25, 25, 25, 25])
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.uti,
        metric=refs.started,
        values=[30, 30, 30],
    )
    # Stops after W44: its one recent week (30) is its mean as before, neither a fall nor silent.
    weekly(county=refs.pirkanmaa, module=refs.sore_throat, metric=refs.started, values=[30, 30, 30, 30, 30])
    # Too small to matter: 4 × 5 = 20 < 50.
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[5, 5, 5, 5])

    falls, silences = _findings()
    _windows, _found, silent = decline_findings(period_type=PeriodType.WEEK, today=TODAY)

    assert falls == []
    # The service area's last figures are for W42 (from 12.10.2026), the county's for W43 (from 19.10.2026).
    assert silences == [
        ("14", "suun-terveys", "virtsatietulehdus", datetime.date(2026, 10, 12)),
        ("14", None, "virtsatietulehdus", datetime.date(2026, 10, 19)),
    ]
    with translation.override("en"):
        assert silent[1].text == "Not reported since 10/26/2026: the last figures are for 2026-W43."
        assert silent[0].text == "Not reported since 10/19/2026: the last figures are for 2026-W42."
