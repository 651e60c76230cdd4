from io import StringIO

import pytest
from django.core.management import call_command

from metrics.models import Metric
from processes.models import ContentModule
from regions.models import WellbeingCounty

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_loads_the_22_counties_with_official_codes_and_populations():
    load()

    assert WellbeingCounty.objects.count() == 22
    assert sorted(WellbeingCounty.objects.values_list("code", flat=True)) == [f"{n:02d}" for n in range(1, 22)] + ["90"]
    north_karelia = WellbeingCounty.objects.get(code="14")
    assert north_karelia.name_fi == "Pohjois-Karjalan hyvinvointialue"
    assert north_karelia.brand == "Siun sote"
    assert north_karelia.population_year == 2024
    total = sum(WellbeingCounty.objects.values_list("population", flat=True))
    assert total == 5_605_317


def test_loads_contents_and_metrics():
    load()

    assert ContentModule.objects.count() == 27  # 26 and the men's urinary or genital symptom assessment
    assert ContentModule.objects.get(code="virtsatietulehdus").kind == "symptom_assessment"
    assert set(Metric.objects.values_list("code", flat=True)) >= {"assessments_started", "assessments_completed"}


def test_second_load_changes_nothing():
    first = load()
    second = load()

    assert "counties: 22 created, 0 updated" in first
    assert "counties: 0 created, 0 updated" in second
    assert "content modules: 0 created, 0 updated" in second
    assert WellbeingCounty.objects.count() == 22


def test_load_restores_an_edited_population():
    load()
    WellbeingCounty.objects.filter(code="09").update(population=1)

    output = load()

    assert "counties: 0 created, 1 updated" in output
    assert WellbeingCounty.objects.get(code="09").population != 1
