import datetime

import factory
from django.utils import timezone

from processes.models import (
    ContentKind,
    ContentModule,
    Phase,
    ProcessDescription,
    PublicationStatus,
    ResponsibleRole,
    Rollout,
    RolloutStatus,
    Step,
)
from regions.tests.factories import WellbeingCountyFactory


class ContentModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentModule
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sisalto-{n}")
    kind = ContentKind.SYMPTOM_ASSESSMENT
    name_fi = factory.Sequence(lambda n: f"Oirearvio {n}")
    name_sv = factory.Sequence(lambda n: f"Symtombedömning {n}")
    name_en = factory.Sequence(lambda n: f"Symptom assessment {n}")


class ProcessDescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessDescription

    title = factory.Sequence(lambda n: f"Omaolon käyttöönoton toimintamalli {n}")
    slug = factory.Sequence(lambda n: f"toimintamalli-{n}")
    county = factory.SubFactory(WellbeingCountyFactory)
    summary = "Vaiheittainen malli Omaolo-sisältöjen käyttöönottoon."
    goals = "Asukkaat saavat palvelun oikeaan aikaan."
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessDescriptionFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Vaihe {n}")
    goal = "Vaiheen tavoite."


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    phase = factory.SubFactory(PhaseFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Askel {n}")
    responsible_role = ResponsibleRole.MAIN_USER
    estimated_days = 5
    output = "Sovittu suunnitelma"
    checklist = "Nimeä vastuuhenkilö\nSovi aikataulu"


class RolloutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rollout

    county = factory.SubFactory(WellbeingCountyFactory)
    module = factory.SubFactory(ContentModuleFactory)
    status = RolloutStatus.IN_USE
    pilot_start = datetime.date(2024, 1, 8)
    go_live = datetime.date(2024, 3, 4)
