"""What the public must not see: a draft's phases, links that leave the site, a wrong example for editors."""

import datetime
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from common.csv_rows import REFERENCE_DATA_DIR, read_rows
from processes.models import PublicationStatus, RolloutStatus
from processes.tests.factories import ContentModuleFactory, PhaseFactory, ProcessDescriptionFactory, RolloutFactory
from regions.models import WellbeingCounty
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    "draft": {"status": PublicationStatus.DRAFT, "published_at": None},
    "archived": {"status": PublicationStatus.ARCHIVED},
    "scheduled": {"published_at": timezone.now() + datetime.timedelta(days=1)},
}


@pytest.fixture
def county():
    return WellbeingCountyFactory(code="14", name_fi="Pohjois-Karjalan hyvinvointialue")


@pytest.fixture
def module():
    return ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")


def rollout_following(county, module, **guide_fields):
    guide = ProcessDescriptionFactory(county=county, slug="opas", **guide_fields)
    phase = PhaseFactory(process=guide, order=1, title="Salainen suunnitteluvaihe")
    RolloutFactory(county=county, module=module, process=guide, current_phase=phase, status=RolloutStatus.PILOTING)
    return guide, phase


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("page", ["/en/counties/14/", "/en/modules/kurkkukipu/"])
def test_the_current_phase_of_an_unpublished_guide_is_never_shown(client, county, module, state, page):
    rollout_following(county, module, **UNPUBLISHED[state])

    response = client.get(page)

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Piloting")
    assertNotContains(response, "Salainen suunnitteluvaihe")
    assertNotContains(response, "/processes/opas/")


@pytest.mark.parametrize("page", ["/en/counties/14/", "/en/modules/kurkkukipu/"])
def test_the_current_phase_of_a_published_guide_links_into_the_guide(client, county, module, page):
    _guide, phase = rollout_following(county, module)

    response = client.get(page)

    assertContains(
        response,
        f'<a href="/en/processes/opas/#phase-{phase.pk}" lang="fi">Salainen suunnitteluvaihe</a>',
        html=True,
    )


def test_a_phase_of_a_draft_is_hidden_even_when_the_rollout_follows_a_published_guide(client, county, module):
    published = ProcessDescriptionFactory(county=county, slug="julkinen")
    draft = ProcessDescriptionFactory(county=county, slug="luonnos", status=PublicationStatus.DRAFT, published_at=None)
    draft_phase = PhaseFactory(process=draft, title="Luonnoksen vaihe")
    # Saved past the form's check, as an import or a script could.
    RolloutFactory(county=county, module=module, process=published, current_phase=draft_phase)

    response = client.get("/en/counties/14/")

    assertNotContains(response, "Luonnoksen vaihe")


def language_hrefs(response) -> list[str]:
    switcher = response.content.decode().split('<nav class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    alternates = re.findall(r'<link rel="alternate" hreflang="\w+" href="([^"]*)"', response.content.decode())
    return re.findall(r'href="([^"]*)"', switcher) + alternates


def get_raw_path(client, path, **headers):
    """A request whose path is exactly `path`, as a browser or curl sends `GET //evil.example/x`.

    The test client would read `//host/…` as a host and a path, so PATH_INFO is set directly.
    """
    return client.get("/", PATH_INFO=path, headers=headers)


OFF_SITE_PATHS = [
    "//evil.example/x",
    "/\\evil.example/x",
    "///evil.example/",
    "/http://evil.example/",
    "/fi//evil.example/x",
]


@pytest.mark.parametrize("path", OFF_SITE_PATHS)
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_language_links_of_a_missing_page_stay_on_the_site(client, path, language):
    response = get_raw_path(client, path, accept_language=language)

    assert response.status_code == HTTPStatus.NOT_FOUND
    hrefs = language_hrefs(response)
    assert len(hrefs) == 5
    for href in hrefs:
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc) == ("", ""), href
        assert href.startswith("/") and href[1:2] not in ("/", "\\"), href


def test_the_language_links_of_an_off_site_address_lead_to_each_languages_home(client):
    response = get_raw_path(client, "//evil.example/x", accept_language="sv")

    assertContains(
        response, '<a href="/fi/" lang="fi" hreflang="fi">suomi</a>', html=True, status_code=HTTPStatus.NOT_FOUND
    )
    assertContains(
        response, '<a href="/en/" lang="en" hreflang="en">English</a>', html=True, status_code=HTTPStatus.NOT_FOUND
    )
    assertNotContains(response, "evil.example", status_code=HTTPStatus.NOT_FOUND)


def test_the_language_links_of_a_missing_page_under_a_prefix_keep_its_path(client):
    response = get_raw_path(client, "/sv//evil.example/x")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "/fi//evil.example/x" in language_hrefs(response)


def test_the_county_code_help_text_names_north_karelias_real_code():
    north_karelia = next(
        row for row in read_rows(REFERENCE_DATA_DIR / "counties.csv") if row["name_en"].startswith("North Karelia")
    )

    with translation.override("en"):
        help_text = str(WellbeingCounty._meta.get_field("code").help_text)

    assert f"e.g. {north_karelia['code']} for North Karelia" in help_text
