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
