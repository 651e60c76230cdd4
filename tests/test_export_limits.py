"""No anonymous export holds a web worker for long: the Excel file is capped, the CSV is streamed."""

import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import translation

from metrics import views as metrics_views
from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def weekly_statistics(weeks: int, *, counties: int):
    metric, module = MetricFactory(code="assessments_started"), ContentModuleFactory()
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


def test_excel_export_over_its_cap_offers_the_csv_instead(client, monkeypatch):
    monkeypatch.setattr(metrics_views, "MAX_XLSX_EXPORT_ROWS", 15)
    weekly_statistics(8, counties=2)
    query = {"period_type": "week", "start": "2024-W01"}

    response = client.get(reverse("metrics:statistics_export_xlsx"), query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "text/html; charset=utf-8"
    with translation.override("fi"):
        expected = str(metrics_views.XLSX_EXPORT_TOO_LARGE).format(limit="15", csv_limit="100\xa0000")
    assert response.context["form"].non_field_errors() == [expected]
    page = response.content.decode()
    assert "yli 15 riviä" in page
    csv_url = reverse("metrics:statistics_export") + "?period_type=week&amp;start=2024-W01"
    assert f'href="{csv_url}"' in page
    csv_export = client.get(reverse("metrics:statistics_export"), query)
    assert csv_export.status_code == HTTPStatus.OK
    assert len(b"".join(csv_export.streaming_content).decode().splitlines()) == 1 + 16


def test_excel_export_at_its_cap_is_downloaded(client, monkeypatch):
    monkeypatch.setattr(metrics_views, "MAX_XLSX_EXPORT_ROWS", 16)
    weekly_statistics(8, counties=2)

    response = client.get(reverse("metrics:statistics_export_xlsx"), {"period_type": "week", "start": "2024-W01"})

    assert response.status_code == HTTPStatus.OK
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(list(workbook.active.iter_rows())) == 1 + 16


def test_excel_export_cap_is_a_fraction_of_the_csv_cap():
    assert metrics_views.MAX_XLSX_EXPORT_ROWS == 5_000
    assert metrics_views.MAX_EXPORT_ROWS == 100_000


def server_closes(response):
    """What the WSGI server does with a response once sent, or when its client has left.

    Closing a response ends the request, which would close the test's database connection.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def slot_directory(settings, tmp_path, monkeypatch):
    """The export slots in a folder of the test's own, so that no other process holds them."""
    settings.WORK_SLOTS_DIR = str(tmp_path)
    return tmp_path


def test_a_large_csv_export_waits_for_a_free_slot(client, monkeypatch, settings, slot_directory):
    settings.PUBLIC_LARGE_EXPORTS_AT_ONCE = 1
    monkeypatch.setattr(metrics_views, "MAX_XLSX_EXPORT_ROWS", 15)
    weekly_statistics(8, counties=2)
    query = {"period_type": "week", "start": "2024-W01"}

    first = client.get(reverse("metrics:statistics_export"), query)
    busy = client.get(reverse("metrics:statistics_export"), query)
    small = client.get(reverse("metrics:statistics_export"), {**query, "end": "2024-W04"})
    assert len(b"".join(first.streaming_content).decode().splitlines()) == 1 + 16  # then closed by the client
    again = client.get(reverse("metrics:statistics_export"), query)

    assert first.status_code == HTTPStatus.OK
    assert busy.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert busy["Retry-After"] == str(metrics_views.EXPORT_BUSY_RETRY_SECONDS) == "30"
    with translation.override("fi"):
        assert str(metrics_views.EXPORTS_BUSY) in busy.content.decode()
    assert small.status_code == HTTPStatus.OK  # 8 rows: no slot needed
    assert again.status_code == HTTPStatus.OK
    assert len(b"".join(again.streaming_content).decode().splitlines()) == 1 + 16


def test_a_client_that_leaves_half_way_gives_its_slot_back(client, monkeypatch, settings, slot_directory):
    settings.PUBLIC_LARGE_EXPORTS_AT_ONCE = 1
    monkeypatch.setattr(metrics_views, "MAX_XLSX_EXPORT_ROWS", 15)
    weekly_statistics(8, counties=2)
    query = {"period_type": "week", "start": "2024-W01"}

    left = client.get(reverse("metrics:statistics_export"), query)
    server_closes(left)  # the client disconnected before the first chunk
    after = client.get(reverse("metrics:statistics_export"), query)

    assert left.status_code == after.status_code == HTTPStatus.OK
    server_closes(after)
