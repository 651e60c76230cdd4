"""The statistics exports hold the rows behind the page, in the import format, and import back unchanged."""

import csv
import datetime
import io
import itertools
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from metrics import charts
from metrics.aggregation import PeriodFigure
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.models import MetricKind, UsageStatistic
from metrics.resources import UsageStatisticResource
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory
from tests.test_exports import admin_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback():
    county = WellbeingCountyFactory(code="12")
    area = ServiceAreaFactory(county=county, code="joensuu")
    module = ContentModuleFactory(code="kurkkukipu")
    metric = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    for week in range(30):
        start = datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week)
        UsageStatisticFactory(county=county, module=module, metric=metric, period_start=start, value=4, responses=20)
        UsageStatisticFactory(
            county=county, service_area=area, module=module, metric=metric, period_start=start, value=3, responses=None
        )
    UsageStatisticFactory(
        county=county,
        module=module,
        metric=metric,
        period_start=datetime.date(2024, 7, 1),
        period_type="month",
        value=5,
    )
    return metric


def reimported(content: bytes, name: str):
    return usage_import(file=SimpleUploadedFile(name, content), user=TRUSTED_OPERATOR, dry_run=True)


def test_a_score_export_carries_the_responses_and_only_the_weeks_the_page_shows(client, feedback):
    params = {"period_type": "week", "metric": "customer_feedback"}

    page = client.get(reverse("metrics:statistics"), params)
    export = client.get(reverse("metrics:statistics_export"), params)

    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0] == ["county", "service_area", "module", "metric", "period_type", "period", "value", "responses"]
    assert rows[1] == ["12", "", "kurkkukipu", "customer_feedback", "week", "2024-W05", "4", "20"]
    assert rows[2] == ["12", "joensuu", "kurkkukipu", "customer_feedback", "week", "2024-W05", "3", ""]
    assert sorted({row[5] for row in rows[1:]}) == [total.label for total in page.context["totals"]]
    assert len(rows) == 1 + 2 * 26


def test_a_score_export_imports_back_unchanged(client, feedback):
    export = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "metric": "customer_feedback"})

    result = reimported(b"".join(export.streaming_content), "omaolo-usage.csv")

    assert (result.error_count, result.created, result.updated, result.unchanged) == (0, 0, 0, 52)


def test_the_excel_export_holds_the_same_rows_as_the_csv_and_imports_back_unchanged(client, feedback):
    params = {"period_type": "week", "metric": "customer_feedback", "county": "12"}
    csv_rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(reverse("metrics:statistics_export"), params).streaming_content).decode())
        )
    )

    response = client.get(reverse("metrics:statistics_export_xlsx"), params)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="omaolo-usage.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert [
        ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
    ] == csv_rows
    result = reimported(response.content, "omaolo-usage.xlsx")
    assert (result.error_count, result.created, result.updated, result.unchanged) == (0, 0, 0, 52)


def test_the_excel_export_neutralises_a_formula(client):
    UsageStatisticFactory(
        county=WellbeingCountyFactory(code="12"),
        module=ContentModuleFactory(code="=cmd"),
        metric=MetricFactory(code="assessments_started"),
        period_type="month",
    )

    response = client.get(reverse("metrics:statistics_export_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert list(sheet.iter_rows(values_only=True))[1][2] == "'=cmd"


def test_the_last_axis_label_is_shown_and_ends_inside_the_chart():
    figures = [
        PeriodFigure(
            total=week,
            weight=1,
            parts=0,
            kind=MetricKind.ADDITIVE,
            period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
            label=f"2024-W{week + 1:02d}",
        )
        for week in range(26)
    ]

    chart = charts.bar_chart(figures, width=760)

    last = chart.bars[-1]
    assert last.show_label
    assert (last.label_anchor, last.label_x) == ("end", round(last.x + last.width, 1))
    assert last.label_x <= chart.width
    shown = [bar for bar in chart.bars if bar.show_label]
    assert all(later.label_x - earlier.label_x > 40 for earlier, later in itertools.pairwise(shown))


@pytest.fixture
def decimal_scores():
    """A score with decimals beside a count, in one county, content and week."""
    county = WellbeingCountyFactory(code="12")
    module = ContentModuleFactory(code="kurkkukipu")
    feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    started = MetricFactory(code="assessments_started")
    for week, (score, responses) in enumerate(((Decimal("4.30"), 25), (Decimal("4.25"), None), (Decimal("4.00"), 3))):
        start = datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week)
        UsageStatisticFactory(
            county=county, module=module, metric=feedback, period_start=start, value=score, responses=responses
        )
        UsageStatisticFactory(county=county, module=module, metric=started, period_start=start, value=1200 + week)
    return feedback


DECIMAL_SCORE_ROWS = [
    ["12", "", "kurkkukipu", "customer_feedback", "week", "2024-W01", "4.3", "25"],
    ["12", "", "kurkkukipu", "customer_feedback", "week", "2024-W02", "4.25", ""],
    ["12", "", "kurkkukipu", "customer_feedback", "week", "2024-W03", "4", "3"],
]


def test_a_score_export_writes_decimals_as_the_import_reads_them_and_imports_back_unchanged(client, decimal_scores):
    params = {"period_type": "week", "metric": "customer_feedback"}

    export = b"".join(client.get(reverse("metrics:statistics_export"), params).streaming_content)

    assert list(csv.reader(io.StringIO(export.decode())))[1:] == DECIMAL_SCORE_ROWS
    result = reimported(export, "omaolo-usage.csv")
    assert (result.error_count, result.created, result.updated, result.unchanged) == (0, 0, 0, 3)


def test_a_count_export_writes_whole_numbers(client, decimal_scores):
    export = b"".join(
        client.get(reverse("metrics:statistics_export"), {"period_type": "week"}).streaming_content
    ).decode()

    assert [row[6] for row in csv.reader(io.StringIO(export))][1:] == ["1200", "1201", "1202"]


def test_the_excel_export_holds_scores_as_numbers_and_imports_back_unchanged(client, decimal_scores):
    params = {"period_type": "week", "metric": "customer_feedback"}

    response = client.get(reverse("metrics:statistics_export_xlsx"), params)

    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert [row[6] for row in rows[1:]] == [4.3, 4.25, 4]
    result = reimported(response.content, "omaolo-usage.xlsx")
    assert (result.error_count, result.created, result.updated, result.unchanged) == (0, 0, 0, 3)


@pytest.mark.parametrize("file_format", ["CSV", "XLSX"])
def test_the_admin_export_writes_responses_and_decimals_and_imports_back_unchanged(
    admin_client, decimal_scores, file_format
):
    response = admin_export(admin_client, UsageStatistic, UsageStatisticResource, file_format=file_format)

    assert response.status_code == HTTPStatus.OK
    if file_format == "CSV":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["county", "service_area", "module", "metric", "period_type", "period", "value", "responses"]
    assert [row for row in rows if row[3] == "customer_feedback"] == DECIMAL_SCORE_ROWS
    assert [row[6:] for row in rows if row[3] == "assessments_started"] == [["1200", ""], ["1201", ""], ["1202", ""]]
    result = reimported(response.content, f"usage.{file_format.lower()}")
    assert (result.error_count, result.created, result.updated, result.unchanged) == (0, 0, 0, 6)
