"""Values as readers see them: counts whole (never 12,00), scores with one decimal in the reader's language."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.models import MetricKind
from metrics.tests.factories import MetricFactory, UsageStatisticFactory

pytestmark = pytest.mark.django_db

FIRST_WEEK = datetime.date(2026, 9, 28)  # 2026-W40


@pytest.fixture
def scores(refs):
    """Decimal feedback means of two weeks, one with two counties, beside a count."""
    feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    for county, week, value, responses in (
        (refs.north_karelia, 0, Decimal("4.3"), 30),
        (refs.pirkanmaa, 0, Decimal("3.9"), 10),
        (refs.north_karelia, 1, Decimal("4.65"), 20),
    ):
        UsageStatisticFactory(
            county=county,
            module=refs.uti,
            metric=feedback,
            period_start=FIRST_WEEK + datetime.timedelta(weeks=week),
            value=value,
            responses=responses,
        )
    UsageStatisticFactory(
        county=refs.north_karelia, module=refs.uti, metric=refs.started, period_start=FIRST_WEEK, value=12
    )
    return feedback


def statistics_page(client, language, **params):
    with translation.override(language):
        response = client.get(reverse("metrics:statistics"), {"period_type": "week", **params})
    assert response.status_code == HTTPStatus.OK
    return response


@pytest.mark.parametrize(
    ("language", "first", "second"), [("fi", "4,2", "4,7"), ("sv", "4,2", "4,7"), ("en", "4.2", "4.7")]
)
def test_the_statistics_page_shows_the_weighted_mean_of_decimal_scores_with_one_decimal(
    client, scores, language, first, second
):
    response = statistics_page(client, language, metric="customer_feedback")

    # 2026-W40: (4.3·30 + 3.9·10) / 40 = 4.2; 2026-W41: 4.65; the range: (168 + 93) / 60 = 4.35
    assert [(total.label, total.value) for total in response.context["totals"]] == [
        ("2026-W40", 4.2),
        ("2026-W41", 4.65),
    ]
    assert response.context["range_figure"].value == 4.35
    html = response.content.decode()
    assert f'<td class="number">{first}</td>' in html
    assert f'<td class="number">{second}</td>' in html
    assert f"<title>2026-W40: {first}</title>" in html


def test_the_statistics_page_in_english_states_the_range_mean(client, scores):
    response = statistics_page(client, "en", metric="customer_feedback")

    assert "Mean 4.4 on the scale 1 to 5 from 2026-W40 to 2026-W41, weighted by 60 responses." in (
        response.content.decode()
    )


def test_a_count_is_shown_whole(client, scores):
    response = statistics_page(client, "fi")

    html = response.content.decode()
    assert '<td class="number">12</td>' in html
    assert "12,00" not in html


def test_the_comparison_ranks_counties_by_their_mean_with_one_decimal(client, scores):
    with translation.override("sv"):
        response = client.get(
            reverse("metrics:comparison"), {"metric": "customer_feedback", "period_type": "week", "start": "2026-W40"}
        )

    assert response.status_code == HTTPStatus.OK
    assert [(row.county.code, row.figure.value) for row in response.context["ranking"].ranked] == [
        ("14", 4.44),
        ("08", 3.9),
    ]
    html = response.content.decode()
    assert '<td class="number">4,4</td>' in html
    assert '<td class="number">3,9</td>' in html


def test_the_admin_list_shows_a_count_whole_and_a_score_with_one_decimal(admin_client, scores):
    with translation.override("fi"):
        response = admin_client.get(reverse("admin:metrics_usagestatistic_changelist"))

    assert response.status_code == HTTPStatus.OK
    cells = response.content.decode().split('class="field-shown_value">')[1:]
    assert sorted(cell.split("<")[0] for cell in cells) == ["12", "3,9", "4,3", "4,7"]
