"""Public pages are cached for anonymous visitors and never stale: every import, save and delete shows at once."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import csv_text, upload
from omaolo_portal.caching import PAGE_KEY_PREFIX, data_version
from processes.models import PublicationStatus
from processes.tests.factories import ContentModuleFactory, ProcessDescriptionFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db

STATISTICS = "/en/statistics/?metric=assessments_started&period_type=week"


def cached_pages() -> int:
    """How many pages the (local-memory) cache holds."""
    return sum(PAGE_KEY_PREFIX in key for key in cache._cache)


@pytest.fixture
def refs():
    return import_reference_data()


def test_a_repeated_page_is_answered_from_the_cache_without_a_query(client, django_assert_max_num_queries):
    ContentModuleFactory(name_en="Sore throat")
    first = client.get("/en/modules/")

    with django_assert_max_num_queries(0):
        second = client.get("/en/modules/")

    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content
    assertContains(second, "Sore throat")
    assert second["Content-Security-Policy"]


def test_each_language_and_query_string_is_a_page_of_its_own(client):
    ContentModuleFactory(name_fi="Kurkkukipu", name_en="Sore throat")

    assertContains(client.get("/en/modules/"), "Sore throat")
    assertContains(client.get("/fi/modules/"), "Kurkkukipu")
    assert cached_pages() == 2


def test_an_import_shows_on_the_next_request(client, refs):
    first = usage_import(
        file=upload(csv_text(f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,4321")),
        user=TRUSTED_OPERATOR,
    )
    assert first.ok
    assertContains(client.get(STATISTICS), "4,321")

    result = usage_import(
        file=upload(csv_text(f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,9876")),
        user=TRUSTED_OPERATOR,
    )

    assert result.ok
    assertContains(client.get(STATISTICS), "9,876")


def test_an_admin_save_shows_on_the_next_request(client, admin_client, refs):
    assertContains(client.get(STATISTICS), refs.started.name_en)
    change_url = reverse("admin:metrics_metric_change", args=[refs.started.pk])

    response = admin_client.post(
        change_url,
        {
            "code": "assessments_started",
            "name_fi": "Aloitetut arviot",
            "name_sv": "Påbörjade bedömningar",
            "name_en": "Assessments begun",
            "description_fi": "",
            "description_sv": "",
            "description_en": "",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assertContains(client.get(STATISTICS), "Assessments begun")


def test_an_admin_delete_shows_on_the_next_request(client, admin_client):
    module = ContentModuleFactory(name_en="Sore throat")
    assertContains(client.get("/en/modules/"), "Sore throat")

    response = admin_client.post(reverse("admin:processes_contentmodule_delete", args=[module.pk]), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assertNotContains(client.get("/en/modules/"), "Sore throat")


def test_a_change_to_a_many_to_many_relation_bumps_the_data_version(django_user_model):
    county = WellbeingCountyFactory()
    before = data_version()

    county.editors.add(django_user_model.objects.create_user("editor"))

    assert data_version() > before


def test_an_editors_preview_is_never_cached_nor_served_from_the_cache(client, django_user_model):
    county = WellbeingCountyFactory()
    draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
    editor = django_user_model.objects.create_user("paakayttaja", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_processdescription"))
    county.editors.add(editor)
    client.force_login(editor)

    preview = client.get(draft.get_absolute_url())
    client.logout()
    anonymous = client.get(draft.get_absolute_url())

    assertContains(preview, "preview-banner")
    assert anonymous.status_code == HTTPStatus.NOT_FOUND
    assert cached_pages() == 0


def test_a_logged_in_users_page_is_neither_stored_nor_answered_from_the_cache(client, admin_client):
    ContentModuleFactory(name_en="Sore throat")
    client.get("/en/modules/")
    assert cached_pages() == 1

    response = admin_client.get("/en/modules/")

    assert response.status_code == HTTPStatus.OK
    assert "sessionid" in admin_client.cookies
    assert response.wsgi_request.user.is_authenticated
    assert cached_pages() == 1
    ContentModuleFactory(name_en="Kidney stones")
    assertContains(admin_client.get("/en/modules/"), "Kidney stones")
    assert cached_pages() == 1


def test_a_page_that_is_not_found_is_not_cached(client):
    assert client.get("/en/processes/no-such-guide/").status_code == HTTPStatus.NOT_FOUND

    assert cached_pages() == 0


def test_a_download_is_not_cached(client, refs):
    response = client.get("/en/statistics/export.csv?metric=assessments_started&period_type=week")

    assert response.status_code == HTTPStatus.OK
    assert cached_pages() == 0


def test_the_api_is_cached_and_an_import_shows_on_its_next_answer(client, refs, django_assert_max_num_queries):
    series = "/api/series?county=14&content=virtsatietulehdus&end=2024-W05&periods=1"
    assert client.get(series).json()["points"] == []
    with django_assert_max_num_queries(0):
        assert client.get(series).json()["points"] == []

    usage_import(
        file=upload(csv_text("14,,virtsatietulehdus,assessments_started,week,2024-W05,42")),
        user=TRUSTED_OPERATOR,
        dry_run=False,
    )

    assert [point["value"] for point in client.get(series).json()["points"]] == [42]


# --- keys that a client cannot vary -----------------------------------------------------------


def test_a_parameter_the_page_does_not_read_makes_no_other_entry(client, django_assert_max_num_queries):
    ContentModuleFactory(name_en="Sore throat")
    assertContains(client.get("/en/modules/"), "Sore throat")

    with django_assert_max_num_queries(0):
        tracked = client.get("/en/modules/", {"utm_source": "uutiskirje", "x": "1"})

    assertContains(tracked, "Sore throat")
    assert cached_pages() == 1


def test_the_query_is_normalised_before_the_page_and_its_key(client, refs, django_assert_max_num_queries):
    first = client.get("/en/statistics/?period_type=week&metric=assessments_started")

    with django_assert_max_num_queries(0):
        reordered = client.get("/en/statistics/?metric=assessments_started&county=&period_type=week&unused=1")

    assert reordered.status_code == HTTPStatus.OK
    assert reordered.content == first.content
    assertContains(first, 'href="/fi/statistics/?metric=assessments_started&amp;period_type=week" lang="fi"')
    assert cached_pages() == 1


def test_the_api_drops_unknown_parameters_and_refuses_empty_values(client, refs, django_assert_max_num_queries):
    series = "/api/series?county=14&content=virtsatietulehdus&end=2024-W05&periods=1"
    assert client.get(series).json()["points"] == []

    with django_assert_max_num_queries(0):
        varied = client.get("/api/series?periods=1&cachebuster=12345&end=2024-W05&content=virtsatietulehdus&county=14")
    empty = client.get(f"{series}&service_area=")

    assert varied.status_code == HTTPStatus.OK
    assert varied.json()["points"] == []
    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert empty.json()["parameter"] == "service_area"
    assert cached_pages() == 1


def test_a_session_cookie_without_a_session_does_not_skip_the_cache(client, django_assert_num_queries):
    ContentModuleFactory(name_en="Sore throat")
    assertContains(client.get("/en/modules/"), "Sore throat")
    client.cookies["sessionid"] = "x"
    with django_assert_num_queries(0):
        too_short = client.get("/en/modules/")
    client.cookies["sessionid"] = "k" * 32

    # One query: the session store is asked whether the session exists.
    with django_assert_num_queries(1):
        made_up = client.get("/en/modules/")

    assertContains(too_short, "Sore throat")
    assertContains(made_up, "Sore throat")
    assert cached_pages() == 1


@override_settings(PUBLIC_PAGE_CACHE_VARIANTS=3)
def test_at_most_the_cap_of_variants_of_one_page_is_stored_per_data_version(client, refs):
    months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    answers = [client.get("/en/statistics/", {"period_type": "month", "start": month}) for month in months]

    assert [answer.status_code for answer in answers] == [HTTPStatus.OK] * 5
    assert cached_pages() == 3
    assertContains(client.get("/en/modules/"), "Omaolo")
    assert cached_pages() == 4

    refs.started.save()
    client.get("/en/statistics/", {"period_type": "month", "start": "2024-05"})

    assert cached_pages() == 5
