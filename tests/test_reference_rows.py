"""Counties, contents and metrics are read once per data version for the pages the cache cannot answer, never stale."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from metrics.tests.factories import import_reference_data
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refs():
    return import_reference_data()


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return [query["sql"] for query in captured.captured_queries]


def _reads_of(queries, table):
    return sum(f'FROM "{table}"' in sql for sql in queries)


def test_a_second_filter_the_cache_has_not_seen_reads_no_county_content_or_metric(client, refs):
    first = _queries(client, "/en/statistics/?county=14&module=virtsatietulehdus&period_type=week")
    second = _queries(client, "/en/statistics/?county=08&module=kurkkukipu&period_type=week")
    series = _queries(client, "/api/series?county=08&content=kurkkukipu&metric=assessments_started")

    # The first reads each table once, for its check and its select; the next pages and calls not at all.
    for table in ("regions_wellbeingcounty", "processes_contentmodule", "metrics_metric"):
        assert _reads_of(first, table) == 1, table
        assert _reads_of(second, table) == 0, table
        assert _reads_of(series, table) == 0, table
    assert len(second) == len(first) - 3
    assert len(series) == 1


def test_a_county_saved_after_a_page_is_offered_and_accepted_on_the_next(client, refs):
    client.get("/en/statistics/?county=14")

    WellbeingCountyFactory(code="77", name_en="Test county of the day")

    assertContains(client.get("/en/statistics/?county=08"), '<option value="77">Test county of the day</option>')
    assert client.get("/api/series?county=77").status_code == HTTPStatus.OK


def test_an_unknown_code_is_refused_as_before(client, refs):
    client.get("/en/statistics/?county=14")

    page = client.get("/en/statistics/?county=99")
    series = client.get("/api/series?county=08&content=no-such-content")

    assertContains(page, "Select a valid choice. That choice is not one of the available choices.")
    assert series.status_code == HTTPStatus.BAD_REQUEST
    assert series.json()["parameter"] == "content"


def test_a_signed_in_editor_reads_them_on_every_page(admin_client, refs):
    admin_client.get("/en/statistics/?county=14")

    again = _queries(admin_client, "/en/statistics/?county=08")

    assert _reads_of(again, "regions_wellbeingcounty") >= 1
