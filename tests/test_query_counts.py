"""Each public page runs a fixed number of queries, whether the county has 5 or 50 of everything."""

from http import HTTPStatus

import pytest

from tests.conftest import rolled_back_after_module
from tests.data import build_portal

pytestmark = pytest.mark.django_db

SIZES = [5, 50]


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size}-of-each")
def portal(request, django_db_setup, django_db_blocker):
    with rolled_back_after_module(django_db_blocker):
        yield build_portal(request.param)


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/fi/", 2),
        ("/fi/processes/", 4),
        ("/fi/processes/kayttoonotto/", 7),
        ("/fi/counties/12/", 10),
        ("/fi/counties/", 1),
        ("/fi/modules/", 1),
        ("/fi/accessibility/", 0),
    ],
)
def test_page_query_count_does_not_grow_with_data(client, portal, django_assert_max_num_queries, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)

    assert response.status_code == HTTPStatus.OK


def test_filtered_search_query_count_does_not_grow_with_data(client, portal, django_assert_max_num_queries):
    # PostgreSQL writes the passages in the list's query; SQLite reads the page's phases and steps (2 more).
    with django_assert_max_num_queries(8):
        response = client.get(
            "/fi/processes/",
            {"q": "käyttöönoton", "county": "12", "module": portal.module.code, "stage": "in_development"},
        )

    assert response.status_code == HTTPStatus.OK
    assert portal.guide.title in response.content.decode()


def test_content_page_query_count_does_not_grow_with_data(client, portal, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"/fi/modules/{portal.module.code}/")

    assert response.status_code == HTTPStatus.OK


def test_guide_shows_every_phase_and_the_county_every_rollout(client, portal):
    guide = client.get("/fi/processes/kayttoonotto/").content.decode()
    county = client.get("/fi/counties/12/").content.decode()

    assert guide.count('<section class="phase"') == len(portal.guide.phases.all())
    assert county.count('<span class="status-shape"') == len(portal.rollouts)
