import datetime

import pytest
from django.db import IntegrityError, transaction

from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    county = WellbeingCountyFactory()
    return {
        "county": county,
        "module": ContentModuleFactory(),
        "metric": MetricFactory(),
        "period_type": "week",
        "period_start": datetime.date(2024, 1, 29),
    }


def test_same_key_without_service_area_cannot_be_stored_twice(key):
    UsageStatisticFactory(**key, service_area=None, value=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatisticFactory(**key, service_area=None, value=6)

    assert UsageStatistic.objects.get().value == 5


def test_same_key_with_service_area_cannot_be_stored_twice(key):
    area = ServiceAreaFactory(county=key["county"])
    UsageStatisticFactory(**key, service_area=area)

    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatisticFactory(**key, service_area=area)


def test_county_figure_and_service_area_figure_coexist(key):
    area = ServiceAreaFactory(county=key["county"])

    UsageStatisticFactory(**key, service_area=None, value=100)
    UsageStatisticFactory(**key, service_area=area, value=40)

    assert UsageStatistic.objects.count() == 2


def test_negative_value_is_refused(key):
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatisticFactory(**key, value=-1)
