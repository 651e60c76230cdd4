import datetime

import factory
from django.utils import timezone

from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory
from routing.choices import Channel, TargetKind, UnitType, Urgency, WindowKind
from routing.models import OpeningHours, Outcome, ReceivingUnit, Route


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome
        django_get_or_create = ("code",)

    code = "non-urgent"
    content_kind = "symptom_assessment"
    urgency = Urgency.NON_URGENT
    name_fi = "Kiireetön"
    name_sv = "Icke brådskande"
    name_en = "Non-urgent"


class ReceivingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceivingUnit

    county = factory.SubFactory(WellbeingCountyFactory)
    code = factory.Sequence(lambda n: f"yksikko-{n}")
    unit_type = UnitType.HEALTH_STATION
    name_fi = factory.Sequence(lambda n: f"Terveysasema {n}")
    name_sv = factory.Sequence(lambda n: f"Hälsostation {n}")
    name_en = factory.Sequence(lambda n: f"Health station {n}")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    unit = factory.SubFactory(ReceivingUnitFactory)
    weekday = 1
    opens = datetime.time(8)
    closes = datetime.time(16)


class RouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Route

    county = factory.SubFactory(WellbeingCountyFactory)
    module = factory.SubFactory(ContentModuleFactory)
    outcome = factory.SubFactory(OutcomeFactory)
    window_kind = WindowKind.ALWAYS
    channel = Channel.WORK_QUEUE
    receiving_unit = factory.SubFactory(ReceivingUnitFactory, county=factory.SelfAttribute("..county"))
    roles = factory.LazyFunction(lambda: ["nurse"])
    languages = factory.LazyFunction(lambda: ["fi"])
    handled_in_unit_hours = True
    target_kind = TargetKind.SAME_WORKING_DAY
    valid_from = datetime.date(2025, 1, 1)
    verified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
