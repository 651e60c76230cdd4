import pytest
from django.utils import translation

from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "Lapin hyvinvointialue"), ("sv", "Lapplands välfärdsområde"), ("en", "Lapland wellbeing county")],
)
def test_name_follows_the_active_language(language, expected):
    county = WellbeingCountyFactory(
        name_fi="Lapin hyvinvointialue", name_sv="Lapplands välfärdsområde", name_en="Lapland wellbeing county"
    )

    with translation.override(language):
        assert county.name == expected
        assert str(county) == expected


def test_name_falls_back_to_finnish_when_the_translation_is_empty():
    county = WellbeingCountyFactory(name_fi="Kainuun hyvinvointialue", name_sv="", name_en="")

    with translation.override("sv"):
        assert county.name == "Kainuun hyvinvointialue"
