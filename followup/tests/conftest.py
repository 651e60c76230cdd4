import datetime

import pytest

from metrics.models import PeriodType
from metrics.tests.factories import UsageStatisticFactory, import_reference_data

# A Wednesday: week 2026-W48 (from Monday 23 November) is not over.
TODAY = datetime.date(2026, 11, 25)
# The eight complete weeks before it: 2026-W40 … W43 (earlier), W44 … W47 (recent).
FIRST_WEEK = datetime.date(2026, 9, 28)


@pytest.fixture
def refs(db):
    """Counties 14 (with an oral health service area) and 08, two contents, two metrics."""
    return import_reference_data()


def weekly(*, county, module, metric, values, service_area=None, first=FIRST_WEEK):
    """One statistics row per week from `first`, one per value."""
    for index, value in enumerate(values):
        UsageStatisticFactory(
            county=county,
            service_area=service_area,
            module=module,
            metric=metric,
            period_type=PeriodType.WEEK,
            period_start=first + datetime.timedelta(weeks=index),
            value=value,
        )
