"""A long note of a figures table is written once below it; each row it applies to says so in a word."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.tests.factories import import_reference_data, weekly

pytestmark = pytest.mark.django_db

ADDED_UP = "Includes service-area figures added up where the county has no figure of its own."


@pytest.fixture
def world():
    return import_reference_data()


@pytest.fixture
def area_figures(world):
    """Four weeks of North Karelia's oral health service area, without a figure of the county's own."""
    weekly(
        county=world.north_karelia,
        service_area=world.oral_health,
        module=world.uti,
        metric=world.started,
        values=[5, 6, 7, 8],
    )
    return world


def test_the_statistics_table_marks_each_row_and_explains_once(client, area_figures):
    with translation.override("en"):
        url = reverse("metrics:statistics")
    query = {"county": area_figures.north_karelia.code, "period_type": "week", "module": "virtsatietulehdus"}
    response = client.get(url, query)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert content.count(ADDED_UP) == 1
    assert content.count("<td>areas added up</td>") == 4
    assert content.count("<dt>areas added up</dt>") == 1


def test_the_comparison_explains_once(client, area_figures):
    with translation.override("en"):
        url = reverse("metrics:comparison")
    response = client.get(url, {"period_type": "week", "module": "virtsatietulehdus"})

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count(ADDED_UP) == 1


def test_a_table_without_such_rows_has_no_notes(client, world):
    weekly(county=world.north_karelia, module=world.uti, metric=world.started, values=[5, 6])
    with translation.override("en"):
        url = reverse("metrics:statistics")
    response = client.get(url, {"county": world.north_karelia.code, "period_type": "week"})

    assert ADDED_UP not in response.content.decode()
    assert 'class="note chart-notes"' not in response.content.decode()
