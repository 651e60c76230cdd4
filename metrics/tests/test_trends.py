import datetime

import pytest

from metrics import trends
from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("period_type", "day", "label"),
    [
        ("week", datetime.date(2024, 1, 29), "2024-W05"),
        ("week", datetime.date(2024, 12, 30), "2025-W01"),
        ("week", datetime.date(2021, 1, 4), "2021-W01"),
        ("month", datetime.date(2024, 5, 1), "2024-05"),
    ],
)
def test_period_label_uses_iso_weeks(period_type, day, label):
    assert trends.period_label(period_type, day) == label


def test_period_step_back_crosses_years():
    assert trends.period_step_back("month", datetime.date(2024, 2, 1), 3) == datetime.date(2023, 11, 1)
    assert trends.period_step_back("week", datetime.date(2024, 1, 8), 2) == datetime.date(2023, 12, 25)


def weekly_series(values, *, county=None, module=None, metric=None, start=datetime.date(2024, 1, 1)):
    county = county or WellbeingCountyFactory()
    module = module or ContentModuleFactory()
    metric = metric or MetricFactory(code="assessments_started")
    for index, value in enumerate(values):
        UsageStatisticFactory(
            county=county,
            module=module,
            metric=metric,
            period_type="week",
            period_start=start + datetime.timedelta(weeks=index),
            value=value,
        )
    return county, module


def test_totals_by_period_sums_counties_and_orders_by_time():
    metric = MetricFactory(code="assessments_started")
    weekly_series([10, 20], metric=metric)
    weekly_series([1, 2], metric=metric)

    totals = trends.totals_by_period(UsageStatistic.objects.all(), period_type="week")

    assert [(total.label, total.value) for total in totals] == [("2024-W01", 11), ("2024-W02", 22)]


def test_a_fall_of_more_than_a_fifth_is_declining():
    county, module = weekly_series([100, 100, 100, 100, 70, 70, 70, 70])

    declines = trends.declining_usage(UsageStatistic.objects.all(), period_type="week")

    assert [(decline.county, decline.module, decline.previous, decline.recent) for decline in declines] == [
        (county, module, 400, 280)
    ]
    assert declines[0].change_percent == -30


def test_a_small_dip_or_growth_is_not_declining():
    weekly_series([100, 100, 100, 100, 85, 85, 85, 85])
    weekly_series([10, 10, 10, 10, 50, 50, 50, 50])

    assert trends.declining_usage(UsageStatistic.objects.all(), period_type="week") == []


def test_no_statistics_means_no_declines():
    assert trends.declining_usage(UsageStatistic.objects.all(), period_type="month") == []


def test_bar_chart_scales_the_largest_bar_to_the_plot_height():
    totals = [
        trends.PeriodTotal(datetime.date(2024, 1, 1), "2024-01", 50),
        trends.PeriodTotal(datetime.date(2024, 2, 1), "2024-02", 100),
    ]

    chart = trends.bar_chart(totals, height=240)

    assert chart.bars[1].height == chart.plot_bottom - chart.plot_top
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)
    assert [value for _, value in chart.ticks] == [0, 50, 100]
