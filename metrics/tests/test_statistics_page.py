import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from metrics.aggregation import current_period_start
from metrics.decline import decline_windows
from metrics.filters import START_AFTER_END
from metrics.models import PeriodType, UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory, weekly
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statistics():
    """Weekly and monthly figures for two counties."""
    started = MetricFactory(code="assessments_started", name_fi="Aloitetut arviot", name_en="Assessments started")
    module = ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")
    lapland = WellbeingCountyFactory(code="21", name_fi="Lapin hyvinvointialue")
    kainuu = WellbeingCountyFactory(code="20", name_fi="Kainuun hyvinvointialue")
    for week in range(8):
        for county, value in ((lapland, 100 if week < 4 else 50), (kainuu, 10)):
            UsageStatisticFactory(
                county=county,
                module=module,
                metric=started,
                period_type="week",
                period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
                value=value,
            )
    UsageStatisticFactory(
        county=lapland,
        module=module,
        metric=started,
        period_type="month",
        period_start=datetime.date(2024, 1, 1),
        value=1234,
    )
    return {"lapland": lapland, "kainuu": kainuu, "module": module, "metric": started}


def get(client, **params):
    with translation.override("en"):
        return client.get(reverse("metrics:statistics"), params)


def test_monthly_figures_by_default(client, statistics):
    response = get(client)

    assert response.status_code == HTTPStatus.OK
    assert [(total.label, total.value) for total in response.context["totals"]] == [("2024-01", 1234)]


def test_weekly_totals_of_all_counties_in_chart_and_table(client, statistics):
    response = get(client, period_type="week")

    content = response.content.decode()
    assert [total.value for total in response.context["totals"]] == [110] * 4 + [60] * 4
    assert '<svg role="img"' in content
    assert '<th scope="row">2024-W01</th><td class="number">110</td>' in content


def test_county_filter_by_code(client, statistics):
    response = get(client, period_type="week", county="20")

    assert [total.value for total in response.context["totals"]] == [10] * 8


def test_range_filter_accepts_weeks_and_finnish_dates(client, statistics):
    response = get(client, period_type="week", start="2024-W03", end="5.2.2024")

    assert [total.label for total in response.context["totals"]] == ["2024-W03", "2024-W04", "2024-W05", "2024-W06"]


def _decline_windows_first_week():
    return decline_windows(period_type=PeriodType.WEEK, today=timezone.localdate(), window=4).previous_start


@pytest.fixture
def declining(statistics):
    """Lapland's use halves in the decline rule's recent weeks, Kainuu's stays; the completed ones fall too."""
    completed = MetricFactory(code="assessments_completed")
    first = _decline_windows_first_week()
    module = statistics["module"]
    weekly(
        county=statistics["lapland"],
        module=module,
        metric=statistics["metric"],
        values=[100] * 4 + [50] * 4,
        first=first,
    )
    weekly(county=statistics["kainuu"], module=module, metric=statistics["metric"], values=[100] * 8, first=first)
    weekly(county=statistics["kainuu"], module=module, metric=completed, values=[100] * 4 + [10] * 4, first=first)
    return statistics


def test_declining_content_is_listed_with_the_rule_and_a_link_to_the_declining_page(client, declining):
    response = get(client, period_type="week")

    declines = response.context["decline_report"].declines
    page = response.content.decode()
    assert [(decline.county.code, decline.service_area, decline.change_percent) for decline in declines] == [
        ("21", None, -50)
    ]
    assert '<td class="number">-50 %</td>' in page
    assert "in the last 4 complete periods fell by 20 % or more from the 4 periods before" in page
    assert "Compared: " in page
    assert 'href="/en/statistics/declining/?period_type=week"' in page


def test_the_box_shows_what_the_declining_page_shows(client, declining):
    statistics_page = get(client, period_type="week", metric="assessments_completed")
    with translation.override("en"):
        declining_page = client.get(reverse("followup:declining"), {"period_type": "week"})

    report = statistics_page.context["decline_report"]
    assert report.declines == declining_page.context["declines"]
    assert report.rule_text == declining_page.context["rule"]
    assert report.windows_text == declining_page.context["windows"]


def test_the_box_follows_the_county_and_content_chosen(client, declining):
    ContentModuleFactory(code="korvakipu")

    assert get(client, period_type="week", county="20").context["decline_report"].declines == []
    assert get(client, period_type="week", module="korvakipu").context["decline_report"].declines == []
    assert [d.county.code for d in get(client, period_type="week", county="21").context["decline_report"].declines] == [
        "21"
    ]


def test_impossible_week_is_explained(client, statistics):
    response = get(client, period_type="week", start="2024-W54")

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["start"] == [
        "Week 54 does not exist in 2024: ISO weeks of 2024 run from 1 to 52."
    ]
    assert "totals" not in response.context


def test_reversed_range_is_explained(client, statistics):
    response = get(client, start="2024-05", end="2024-01")

    assert response.context["form"].errors["end"] == [str(START_AFTER_END)]


def test_unknown_county_is_a_form_error_not_a_crash(client, statistics):
    response = get(client, county="99")

    assert response.status_code == HTTPStatus.OK
    assert "county" in response.context["form"].errors


def test_csv_export_uses_the_import_format(client, statistics):
    area = ServiceAreaFactory(county=statistics["lapland"], code="vastaanotto")
    UsageStatisticFactory(
        county=statistics["lapland"],
        service_area=area,
        module=statistics["module"],
        metric=statistics["metric"],
        period_type="week",
        period_start=datetime.date(2024, 1, 1),
        value=7,
    )

    response = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "county": "21"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["county", "service_area", "module", "metric", "period_type", "period", "value"]
    assert rows[1] == ["21", "", "kurkkukipu", "assessments_started", "week", "2024-W01", "100"]
    assert ["21", "vastaanotto", "kurkkukipu", "assessments_started", "week", "2024-W01", "7"] in rows
    assert len(rows) == 1 + 8 + 1


def test_csv_export_with_bad_filter_answers_bad_request(client, statistics):
    with translation.override("en"):
        response = client.get(reverse("metrics:statistics_export"), {"start": "2024-13"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Month 13 does not exist: months run from 1 to 12." in response.content.decode()


@pytest.mark.parametrize("weeks", [8, 80])
def test_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries, weeks):
    metric = MetricFactory(code="assessments_started")
    modules = [ContentModuleFactory() for _ in range(3)]
    counties = [WellbeingCountyFactory() for _ in range(3)]
    # The history ends with the last complete week, whose last four weeks fell.
    first = current_period_start(PeriodType.WEEK, timezone.localdate()) - datetime.timedelta(weeks=weeks)
    for week in range(weeks):
        for county in counties:
            for module in modules:
                UsageStatisticFactory(
                    county=county,
                    module=module,
                    metric=metric,
                    period_type="week",
                    period_start=first + datetime.timedelta(weeks=week),
                    value=100 if week < weeks - 4 else 10,
                )

    # The range is fixed first from the latest period (one cheap query), then aggregated.
    with django_assert_max_num_queries(11):
        response = get(client, period_type="week")

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["decline_report"].declines) == 9


def test_a_csv_export_longer_than_one_chunk_has_every_row_once(client):
    metric = MetricFactory(code="assessments_started")
    counties = [WellbeingCountyFactory() for _ in range(3)]
    modules = [ContentModuleFactory() for _ in range(3)]
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=module,
            metric=metric,
            period_type="week",
            period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
            value=week,
        )
        for county in counties
        for module in modules
        for week in range(130)
    )

    response = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "start": "2024-W01"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "county"
    assert len(rows) == 1 + 3 * 3 * 130
    assert len({tuple(row) for row in rows[1:]}) == 3 * 3 * 130
