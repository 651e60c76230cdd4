import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import PublicationStatus, RolloutStatus
from processes.tests.factories import ContentModuleFactory, ProcessDescriptionFactory, RolloutFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def county_url(code, language="en"):
    with override(language):
        return reverse("county_detail", kwargs={"code": code})


@pytest.fixture
def north_karelia():
    county = WellbeingCountyFactory(
        code="12",
        name_fi="Pohjois-Karjalan hyvinvointialue",
        name_sv="Norra Karelens välfärdsområde",
        name_en="North Karelia wellbeing services county",
        brand="Siun sote",
        population=162540,
        population_year=2022,
    )
    ServiceAreaFactory(county=county, name_en="Oral health care")
    return county


def test_county_page_shows_name_brand_population_and_service_areas(client, north_karelia):
    response = client.get(county_url("12"))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<h1>North Karelia wellbeing services county</h1>", html=True)
    assertContains(response, '<dd lang="fi">Siun sote</dd>', html=True)
    assertContains(response, "<dd>162,540 (31 December 2022)</dd>", html=True)
    assertContains(response, "<li>Oral health care</li>", html=True)


def test_every_rollout_is_listed_with_status_in_words_and_shape(client, north_karelia):
    RolloutFactory(
        county=north_karelia, module=ContentModuleFactory(name_en="Sore throat"), status=RolloutStatus.IN_USE
    )
    RolloutFactory(
        county=north_karelia,
        module=ContentModuleFactory(name_en="Back pain"),
        status=RolloutStatus.ENDED,
        ended_on=datetime.date(2024, 6, 30),
    )

    response = client.get(county_url("12"))

    assertContains(response, "Sore throat</a>")
    assertContains(response, "Back pain</a>")
    assertContains(
        response,
        '<span class="status status-in_use"><span class="status-shape" aria-hidden="true"></span>In use</span>',
    )
    assertContains(
        response, '<span class="status status-ended"><span class="status-shape" aria-hidden="true"></span>Ended</span>'
    )
    assertContains(response, '(<time datetime="2024-06-30">30.6.2024</time>)')
    assertContains(response, "<td>whole county</td>", html=True)


def test_only_the_countys_published_descriptions_are_listed(client, north_karelia):
    ProcessDescriptionFactory(county=north_karelia, title="Siun soten malli")
    ProcessDescriptionFactory(
        county=north_karelia, title="Luonnosmalli", status=PublicationStatus.DRAFT, published_at=None
    )
    ProcessDescriptionFactory(county=WellbeingCountyFactory(code="07"), title="Päijät-Hämeen malli")

    response = client.get(county_url("12"))

    assertContains(response, "Siun soten malli")
    assertNotContains(response, "Luonnosmalli")
    assertNotContains(response, "Päijät-Hämeen malli")


def test_county_without_rollouts_says_so(client, north_karelia):
    assertContains(client.get(county_url("12")), "The county has no rollouts recorded.")


def test_unknown_county_is_not_found(client):
    assert client.get(county_url("99")).status_code == HTTPStatus.NOT_FOUND


def test_county_page_links_to_the_countys_usage_statistics(client, north_karelia):
    assertContains(
        client.get(county_url("12")),
        '<a href="/en/statistics/?county=12">Usage statistics of the county</a>',
        html=True,
    )


def test_current_phase_of_a_draft_guide_is_not_shown(client, north_karelia):
    draft = ProcessDescriptionFactory(county=north_karelia, status=PublicationStatus.DRAFT, published_at=None)
    phase = draft.phases.create(order=1, title="Suunnittelu")
    RolloutFactory(county=north_karelia, process=draft, current_phase=phase, status=RolloutStatus.PLANNED)

    response = client.get(county_url("12"))

    assertNotContains(response, "Suunnittelu")
    assertNotContains(response, f"/processes/{draft.slug}/")


def test_county_page_charts_the_last_twelve_months_of_use(client, north_karelia):
    from metrics.tests.factories import MetricFactory, UsageStatisticFactory

    started = MetricFactory(code="assessments_started", name_en="Assessments started")
    module = ContentModuleFactory()
    for month in range(1, 14):
        UsageStatisticFactory(
            county=north_karelia,
            module=module,
            metric=started,
            period_type="month",
            period_start=datetime.date(2023 + month // 13, (month - 1) % 12 + 1, 1),
            value=1000 + month,
        )

    response = client.get(county_url("12"))

    assert response.context["usage"][0].label == "2023-02"
    assert len(response.context["usage"]) == 12
    assertContains(response, '<figure class="chart">', count=1)
    assertContains(response, '<svg role="img"', count=2)  # the wide drawing and the narrow one for phones
    assertContains(response, '<th scope="row">2024-01</th><td class="number">1,013</td>', html=True)


def test_county_without_statistics_says_so(client, north_karelia):
    response = client.get(county_url("12"))

    assertContains(response, "No usage statistics have been imported for the county.")
    assertNotContains(response, "<svg")
