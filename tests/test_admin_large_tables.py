"""The admin's usage-statistics list costs the same on a national table as on a small one."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from metrics.admin import CappedCountPaginator
from metrics.models import PeriodType, UsageStatistic
from metrics.tests.factories import import_reference_data

pytestmark = pytest.mark.django_db

LIST_URL = "admin:metrics_usagestatistic_changelist"


def statistics_of(refs, weeks: int, *, first_week: int = 0) -> None:
    """`weeks` weeks of one content's figures in both counties, for both metrics."""
    monday = datetime.date(2020, 1, 6) + datetime.timedelta(weeks=first_week)
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=refs.uti,
            metric=metric,
            period_type=PeriodType.WEEK,
            period_start=monday + datetime.timedelta(weeks=week),
            value=week,
        )
        for week in range(weeks)
        for county in (refs.north_karelia, refs.pirkanmaa)
        for metric in (refs.started, refs.completed)
    )


def list_queries(admin_client, **filters) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(LIST_URL), filters)
    assert response.status_code == HTTPStatus.OK
    return len(queries), response


@pytest.mark.parametrize(
    "filters_of",
    [
        lambda refs: {},
        lambda refs: {"county__id__exact": refs.north_karelia.pk},
        lambda refs: {"metric__id__exact": refs.started.pk, "period_type__exact": PeriodType.WEEK},
    ],
    ids=["unfiltered", "county", "metric-and-period"],
)
def test_list_query_count_is_the_same_for_a_small_and_a_large_table(admin_client, filters_of):
    refs = import_reference_data()
    filters = filters_of(refs)
    statistics_of(refs, weeks=2)
    small, _response = list_queries(admin_client, **filters)
    statistics_of(refs, weeks=400, first_week=2)  # 1,600 more rows, many pages

    large, response = list_queries(admin_client, **filters)

    assert large == small
    assert len(response.context["cl"].result_list) == 100


def test_list_offers_filters_and_no_search_or_date_hierarchy(admin_client):
    refs = import_reference_data()
    statistics_of(refs, weeks=1)

    response = admin_client.get(reverse(LIST_URL))

    assertNotContains(response, 'id="searchbar"')
    assertNotContains(response, 'class="xfull"')  # the date hierarchy's bar
    filters = [spec.field_path for spec in response.context["cl"].filter_specs]
    assert filters == ["county", "module", "metric", "period_type"]


def test_a_county_filter_shows_only_that_countys_figures(admin_client):
    refs = import_reference_data()
    statistics_of(refs, weeks=3)

    response = admin_client.get(reverse(LIST_URL), {"county__id__exact": refs.pirkanmaa.pk})

    rows = response.context["cl"].result_list
    assert len(rows) == 6
    assert {row.county_id for row in rows} == {refs.pirkanmaa.pk}


def test_the_count_stops_at_its_cap_and_the_newest_figures_come_first(admin_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 150)
    refs = import_reference_data()
    statistics_of(refs, weeks=100)  # 400 rows

    response = admin_client.get(reverse(LIST_URL))

    changelist = response.context["cl"]
    assert changelist.result_count == 150
    assert changelist.paginator.num_pages == 2
    assert changelist.result_list[0].period_start == datetime.date(2020, 1, 6) + datetime.timedelta(weeks=99)
    assertContains(response, "150")


def test_the_list_is_ordered_by_an_indexed_ordering():
    model_admin = admin.site._registry[UsageStatistic]
    index_fields = {tuple(index.fields) for index in UsageStatistic._meta.indexes}

    assert model_admin.date_hierarchy is None
    assert not model_admin.search_fields
    assert tuple(model_admin.ordering) in index_fields
