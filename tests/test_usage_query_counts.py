"""The usage pages run a fixed number of queries, whatever the length of the history."""

import datetime
from http import HTTPStatus

import pytest

from metrics.models import MetricKind, UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.models import RolloutStatus
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.models import WellbeingCounty
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory
from tests.conftest import rolled_back_after_module

pytestmark = pytest.mark.django_db

FIRST_WEEK = datetime.date(2020, 1, 6)


@pytest.fixture(scope="module", params=[10, 150], ids=lambda weeks: f"{weeks}-weeks")
def history(request, django_db_setup, django_db_blocker):
    """Three counties with service areas, two contents deployed, weekly usage and feedback for `weeks` weeks."""
    with rolled_back_after_module(django_db_blocker):
        yield _history_of(request.param)


def _history_of(weeks):
    started = MetricFactory(code="assessments_started")
    users = MetricFactory(code="users", kind=MetricKind.DISTINCT)
    feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    modules = [ContentModuleFactory(code="kurkkukipu"), ContentModuleFactory()]
    rows = []
    for number, code in enumerate(("12", "07", "21")):
        county = WellbeingCountyFactory(code=code, population=100_000 * (number + 1), population_year=2024)
        area = ServiceAreaFactory(county=county)
        for module in modules:
            RolloutFactory(
                county=county, module=module, status=RolloutStatus.IN_USE, pilot_start=None, go_live=FIRST_WEEK
            )
            for week in range(weeks):
                start = FIRST_WEEK + datetime.timedelta(weeks=week)
                for metric, value in ((started, 100), (users, 40), (feedback, 4)):
                    rows.append(
                        UsageStatistic(
                            county=county,
                            module=module,
                            metric=metric,
                            period_type="week",
                            period_start=start,
                            value=value,
                            responses=10,
                        )
                    )
                    rows.append(
                        UsageStatistic(
                            county=county,
                            service_area=area,
                            module=module,
                            metric=metric,
                            period_type="week",
                            period_start=start,
                            value=value,
                        )
                    )
    UsageStatistic.objects.bulk_create(rows)
    return WellbeingCounty.objects.get(code="12")


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/fi/statistics/?period_type=week&county=12", 12),
        ("/fi/statistics/?period_type=week&county=12&module=kurkkukipu&metric=users", 12),
        ("/fi/statistics/?period_type=week&metric=customer_feedback", 11),
        ("/fi/statistics/compare/?period_type=week&module=kurkkukipu", 9),
        ("/sv/statistics/compare/?period_type=week&metric=users", 8),
        ("/fi/statistics/adoption/?module=kurkkukipu", 9),
        ("/en/statistics/adoption/", 10),
        ("/fi/counties/12/?weeks=4", 10),
        # An export reads the four code tables (county, service area, content, metric) once
        # to sort its rows on their places, instead of joining them to every row.
        ("/fi/statistics/export.csv?period_type=week&metric=customer_feedback", 8),
        ("/fi/statistics/export.xlsx?period_type=week&county=12", 9),
    ],
)
def test_usage_page_query_count_does_not_grow_with_history(
    client, history, django_assert_max_num_queries, path, max_queries
):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    assert response.status_code == HTTPStatus.OK
