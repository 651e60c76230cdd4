import datetime

import pytest

from metrics import trends
from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


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
