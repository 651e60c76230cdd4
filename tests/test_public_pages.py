import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from processes.models import PublicationStatus, RolloutStatus
from processes.tests.factories import ContentModuleFactory, ProcessDescriptionFactory, RolloutFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("accept_language", "expected"), [("", "/fi/"), ("sv-FI,sv;q=0.9", "/sv/"), ("en", "/en/")])
def test_the_root_address_goes_to_the_browsers_language_finnish_by_default(client, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language} if accept_language else {})

    assertRedirects(response, expected, status_code=HTTPStatus.FOUND)


def test_home_shows_every_county_with_rollout_counts_by_status(client):
    county = WellbeingCountyFactory(code="12", name_en="North Karelia wellbeing services county")
    WellbeingCountyFactory(code="07", name_en="Päijät-Häme wellbeing services county")
    for status in [RolloutStatus.IN_USE, RolloutStatus.IN_USE, RolloutStatus.PILOTING, RolloutStatus.PLANNED]:
        RolloutFactory(county=county, module=ContentModuleFactory(), status=status)

    response = client.get("/en/")

    assert response.status_code == HTTPStatus.OK
    assertContains(
        response,
        '<tr><th scope="row"><a href="/en/counties/12/">North Karelia wellbeing services county</a></th>'
        '<td class="number">2</td><td class="number">1</td><td class="number">1</td><td class="number">0</td></tr>',
        html=True,
    )
    assertContains(response, "Päijät-Häme wellbeing services county</a>")
    assertContains(
        response,
        '<th scope="col" class="number"><span class="status status-in_use">'
        '<span class="status-shape" aria-hidden="true"></span>In use</span></th>',
        html=True,
    )


def test_home_lists_the_latest_published_descriptions_only(client):
    county = WellbeingCountyFactory(code="12")
    ProcessDescriptionFactory(county=county, title="Julkaistu malli")
    ProcessDescriptionFactory(county=county, title="Luonnosmalli", status=PublicationStatus.DRAFT, published_at=None)
    ProcessDescriptionFactory(
        county=county, title="Huomenna julkaistava", published_at=timezone.now() + datetime.timedelta(days=1)
    )

    response = client.get("/en/")

    assertContains(response, "Julkaistu malli</a>")
    assertNotContains(response, "Luonnosmalli")
    assertNotContains(response, "Huomenna julkaistava")


def test_home_has_a_labelled_search_box_that_searches_process_descriptions(client):
    response = client.get("/en/")

    assertContains(response, '<form class="search-form" role="search" method="get" action="/en/processes/">')
    assertContains(response, '<label for="home-search">Search process descriptions</label>', html=True)
    assertContains(response, '<input type="search" id="home-search" name="q">', html=True)


@pytest.mark.parametrize("path", ["/fi/", "/sv/processes/", "/en/modules/", "/fi/accessibility/"])
def test_every_page_has_a_skip_link_landmarks_and_one_h1(client, path):
    content = client.get(path).content.decode()

    assert '<a class="skip-link" href="#main">' in content
    assert '<main id="main"' in content
    assert "<header" in content
    assert "<footer" in content
    assert content.count("<h1") == 1


@pytest.mark.parametrize(("language", "lang"), [("fi", "fi"), ("sv", "sv"), ("en", "en")])
def test_the_page_language_is_declared(client, language, lang):
    assertContains(client.get(f"/{language}/"), f'<html lang="{lang}">')


def test_the_language_switcher_links_to_the_same_page_in_the_other_languages(client):
    ProcessDescriptionFactory(slug="opas", county=WellbeingCountyFactory(code="12"))

    response = client.get("/sv/processes/opas/")

    assertContains(response, '<a href="/fi/processes/opas/" lang="fi" hreflang="fi">suomi</a>', html=True)
    assertContains(
        response, '<a href="/sv/processes/opas/" lang="sv" hreflang="sv" aria-current="true">svenska</a>', html=True
    )
    assertContains(response, '<a href="/en/processes/opas/" lang="en" hreflang="en">English</a>', html=True)


def test_the_language_switcher_keeps_the_search(client):
    response = client.get("/fi/processes/", {"q": "pilotti", "county": "12"})

    # The query in its normalised order (omaolo_portal.caching): parameters sorted by name.
    assertContains(response, 'href="/en/processes/?county=12&amp;q=pilotti" lang="en"')


def test_accessibility_statement_names_the_law_and_the_supervisor(client):
    response = client.get("/en/accessibility/")

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<h1>Accessibility statement</h1>", html=True)
    assertContains(response, "Act on the Provision of Digital Services (306/2019)")
    assertContains(response, "Regional State Administrative Agency for Southern Finland")


def test_pages_carry_a_content_security_policy_without_inline_allowances(client):
    policy = client.get("/fi/").headers["Content-Security-Policy"]

    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy


def test_a_missing_page_explains_itself_in_the_portal_layout(client):
    response = client.get("/en/processes/ei-ole/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assertContains(response, "<h1>Page not found</h1>", html=True, status_code=HTTPStatus.NOT_FOUND)
    assertContains(response, '<a class="skip-link" href="#main">', status_code=HTTPStatus.NOT_FOUND)


def test_the_language_switcher_of_a_missing_page_keeps_the_address(client):
    response = client.get("/sv/ei-ole-sivua/")

    assertContains(
        response,
        '<a href="/fi/ei-ole-sivua/" lang="fi" hreflang="fi">suomi</a>',
        html=True,
        status_code=HTTPStatus.NOT_FOUND,
    )
