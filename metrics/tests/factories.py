import datetime

import factory

from metrics.models import Metric, PeriodType, UsageStatistic
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"metric_{n}")
    name_fi = factory.Sequence(lambda n: f"Mittari {n}")
    name_sv = factory.Sequence(lambda n: f"Mätare {n}")
    name_en = factory.Sequence(lambda n: f"Metric {n}")


class UsageStatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageStatistic

    county = factory.SubFactory(WellbeingCountyFactory)
    module = factory.SubFactory(ContentModuleFactory)
    metric = factory.SubFactory(MetricFactory)
    period_type = PeriodType.WEEK
    period_start = datetime.date(2024, 1, 1)
    value = 10
