import factory

from regions.models import Municipality, ServiceArea, WellbeingCounty


class WellbeingCountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WellbeingCounty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{30 + n % 60:02d}")
    name_fi = factory.Sequence(lambda n: f"Testialueen hyvinvointialue {n}")
    name_sv = factory.Sequence(lambda n: f"Testområdets välfärdsområde {n}")
    name_en = factory.Sequence(lambda n: f"Test wellbeing services county {n}")
    population = 150000
    population_year = 2024
    slug = factory.Sequence(lambda n: f"test-county-{n}")

    class Params:
        north_karelia = factory.Trait(
            code="14",
            name_fi="Pohjois-Karjalan hyvinvointialue",
            name_sv="Norra Karelens välfärdsområde",
            brand="Siun sote",
        )
        pirkanmaa = factory.Trait(code="08", name_fi="Pirkanmaan hyvinvointialue", name_sv="Birkalands välfärdsområde")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"{900 + n % 100:03d}")
    name_fi = factory.Sequence(lambda n: f"Testikunta {n}")
    county = factory.SubFactory(WellbeingCountyFactory)


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    county = factory.SubFactory(WellbeingCountyFactory)
    code = factory.Sequence(lambda n: f"palvelualue-{n}")
    name_fi = factory.Sequence(lambda n: f"Palvelualue {n}")
    name_sv = factory.Sequence(lambda n: f"Serviceområde {n}")
    name_en = factory.Sequence(lambda n: f"Service area {n}")
