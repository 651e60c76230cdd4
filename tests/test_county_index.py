"""The county index at counties/: every county, its brand, population and rollouts by status."""

import datetime
from http import HTTPStatus

import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains

from processes.models import RolloutStatus
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.models import WellbeingCounty

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties():
    call_command("load_reference_data", verbosity=0)
    north_karelia = WellbeingCounty.objects.get(code="14")
    for status in (RolloutStatus.IN_USE, RolloutStatus.IN_USE, RolloutStatus.PILOTING, RolloutStatus.ENDED):
        RolloutFactory(
            county=north_karelia,
            module=ContentModuleFactory(),
            status=status,
            ended_on=datetime.date(2024, 6, 30) if status == RolloutStatus.ENDED else None,
        )
    return WellbeingCounty.objects.order_by("code")


def test_every_county_is_listed_with_a_link_to_its_page(client, counties):
    response = client.get("/en/counties/")

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('<th scope="row"><a href="/en/counties/') == counties.count() == 22
    assertContains(
        response,
        '<th scope="row"><a href="/en/counties/14/">North Karelia wellbeing services county</a></th>',
        html=True,
    )


def test_brand_population_and_rollouts_by_status_in_words(client, counties):
    response = client.get("/en/counties/")

    north_karelia = WellbeingCounty.objects.get(code="14")
    population = f"{north_karelia.population:,}"
    assertContains(
        response,
        f"""<tr><th scope="row"><a href="/en/counties/14/">North Karelia wellbeing services county</a></th>
        <td><span lang="fi">Siun sote</span></td><td class="number">{population}</td>
        <td class="number">2</td><td class="number">1</td><td class="number">0</td><td class="number">1</td></tr>""",
        html=True,
    )
    for label in ("In use", "Piloting", "Planned", "Ended"):
        assertContains(response, f'<span class="status-shape" aria-hidden="true"></span>{label}</span>')


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_navigation_links_to_the_index_and_marks_it_current(client, counties, language):
    response = client.get(f"/{language}/counties/")

    assertContains(response, f'href="/{language}/counties/" aria-current="page"')
