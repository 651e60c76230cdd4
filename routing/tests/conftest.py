"""Two counties with an editor each, a publisher, and the outcomes of a symptom assessment."""

import pytest
from django.test import Client

from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.permissions import editor_group_ensure
from regions.tests.factories import WellbeingCountyFactory
from routing.choices import UnitType, Urgency
from routing.models import ReceivingUnit
from routing.tests.factories import OutcomeFactory


@pytest.fixture
def kainuu(db):
    return WellbeingCountyFactory(code="18", name_fi="Kainuun hyvinvointialue", slug="kainuu")


@pytest.fixture
def lapland(db):
    return WellbeingCountyFactory(code="21", name_fi="Lapin hyvinvointialue", slug="lappi")


@pytest.fixture
def outcomes(db):
    return {
        "urgent": OutcomeFactory(code="urgent", urgency=Urgency.URGENT, name_fi="Kiireellinen", order=1),
        "non-urgent": OutcomeFactory(code="non-urgent", order=2),
    }


@pytest.fixture
def helpline(db):
    return ReceivingUnit.objects.create(
        county=None, code="116117", unit_type=UnitType.MEDICAL_HELPLINE, name_fi="Päivystysapu 116117"
    )


@pytest.fixture
def contents(db):
    return {
        "kurkkukipu": ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu", name_en="Sore throat"),
        "yska": ContentModuleFactory(code="yska", name_fi="Yskä", name_en="Cough"),
        "omaishoidon-tuki": ContentModuleFactory(
            code="omaishoidon-tuki", name_fi="Omaishoidon tuki", kind="service_assessment"
        ),
    }


@pytest.fixture
def deployed(kainuu, lapland, contents):
    for county in (kainuu, lapland):
        for module in contents.values():
            RolloutFactory(county=county, module=module)


def _staff(django_user_model, username, county, *, publisher=False):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    (county.publishers if publisher else county.editors).add(user)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def kainuu_editor(django_user_model, kainuu):
    return _staff(django_user_model, "kainuu-editori", kainuu)


@pytest.fixture
def kainuu_publisher(django_user_model, kainuu):
    return _staff(django_user_model, "kainuu-julkaisija", kainuu, publisher=True)


@pytest.fixture
def lapland_editor(django_user_model, lapland):
    return _staff(django_user_model, "lappi-editori", lapland)
