import datetime
from types import SimpleNamespace

import factory

from metrics.models import Metric, PeriodType, UsageStatistic
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

# A Wednesday: week 2026-W48 (from Monday 23 November) is not over.
TODAY = datetime.date(2026, 11, 25)
# The eight complete weeks before it: 2026-W40 … W43 (earlier), W44 … W47 (recent).
FIRST_WEEK = datetime.date(2026, 9, 28)


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


def import_reference_data() -> SimpleNamespace:
    """Two counties, a service area, two contents and two metrics."""
    north_karelia = WellbeingCountyFactory(north_karelia=True)
    pirkanmaa = WellbeingCountyFactory(pirkanmaa=True)
    return SimpleNamespace(
        north_karelia=north_karelia,
        pirkanmaa=pirkanmaa,
        oral_health=ServiceAreaFactory(county=north_karelia, code="suun-terveys", name_fi="Suun terveydenhuolto"),
        uti=ContentModuleFactory(code="virtsatietulehdus", name_fi="Virtsatietulehdus"),
        sore_throat=ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu"),
        started=MetricFactory(
            code="assessments_started",
            name_fi="Aloitetut arviot",
            name_sv="Påbörjade bedömningar",
            name_en="Assessments started",
        ),
        completed=MetricFactory(code="assessments_completed"),
    )


def weekly(*, county, module, metric, values, service_area=None, first=FIRST_WEEK):
    """One statistics row per week from `first`, one per value; a None is a week without figures."""
    for index, value in enumerate(values):
        if value is None:
            continue
        UsageStatisticFactory(
            county=county,
            service_area=service_area,
            module=module,
            metric=metric,
            period_type=PeriodType.WEEK,
            period_start=first + datetime.timedelta(weeks=index),
            value=value,
        )
