"""A delete confirmation counts the rows in the deletion's way instead of listing each of them."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from common import admin_deletion
from metrics.models import Metric, UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def statistics_of(metric, count):
    county, module = WellbeingCountyFactory(), ContentModuleFactory()
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=module,
            metric=metric,
            period_type="week",
            period_start=datetime.date(2020, 1, 6) + datetime.timedelta(weeks=week),
            value=week,
        )
        for week in range(count)
    )


@pytest.mark.parametrize("count", [3, 1_200])
def test_deleting_a_metric_with_statistics_shows_their_count_not_the_rows(
    admin_client, count, django_assert_max_num_queries
):
    metric = MetricFactory(code="assessments_started")
    statistics_of(metric, count)
    a_row = str(UsageStatistic.objects.first())

    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse("admin:metrics_metric_delete", args=[metric.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response.context["protected"] == [f"Käyttötilastot: {count:,}".replace(",", "\xa0")]
    assert a_row not in response.text
    assert len(response.content) < 20_000
    # The deletion is refused, as before: the statistics protect their metric.
    admin_client.post(reverse("admin:metrics_metric_delete", args=[metric.pk]), {"post": "yes"})
    assert Metric.objects.filter(pk=metric.pk).exists()
    assert UsageStatistic.objects.count() == count


def test_a_metric_without_statistics_gets_djangos_own_confirmation_and_is_deleted(admin_client):
    metric = MetricFactory(code="unused")

    page = admin_client.get(reverse("admin:metrics_metric_delete", args=[metric.pk]))
    deleted = admin_client.post(reverse("admin:metrics_metric_delete", args=[metric.pk]), {"post": "yes"})

    assert page.context["protected"] == []
    assert deleted.status_code == HTTPStatus.FOUND
    assert not Metric.objects.filter(pk=metric.pk).exists()


def test_the_list_limit():
    assert admin_deletion.DELETION_LIST_MAX_ROWS == 1_000
