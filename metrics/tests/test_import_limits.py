"""Hostile files: each is refused quickly with one clear message and a rejected batch, never a crash.

The limits are shrunk with `settings` and module constants so that small generated files
stand for the huge ones (`benchmarks/hostile_uploads.py` times the real sizes).
"""

import logging
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import execute_from_command_line
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from metrics.importing.contract import VALUE_TOO_LARGE
from metrics.importing.importer import MORE_ERRORS, TRUSTED_OPERATOR, UNEXPECTED_ERROR, usage_import
from metrics.importing.parsing import FILE_NUL_CHARACTER, FILE_TOO_LARGE, TOO_MANY_COLUMNS, TOO_MANY_ROWS, ImportIssue
from metrics.importing.validation import UNKNOWN_MODULE
from metrics.importing.workbooks import (
    TOO_MANY_EMPTY_ROWS,
    XLSX_DIMENSION_TOO_LARGE,
    XLSX_PART_TOO_LARGE,
    XLSX_SUSPICIOUS_COMPRESSION,
    XLSX_TOO_MANY_PARTS,
    XLSX_TOO_MANY_SHEETS,
    XLSX_TOO_MANY_TEXTS,
    XLSX_UNPACKS_TOO_LARGE,
)
from metrics.models import ImportBatch, ImportState, PendingUsageImport, UsageStatistic
from metrics.periods import INVALID_YEAR
from metrics.tests import hostile_files
from metrics.tests.hostile_files import GOOD_ROW, HEADER, HEADER_CELLS, header_row, inline_row, write_workbook
from metrics.tests.import_support import csv_text, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("refs")]

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
ROW_PREFIX = "14,,virtsatietulehdus,assessments_started"
FIFTY_NINES = "9" * 50


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin"))
    return client


def import_file(content: bytes, name="usage.csv"):
    return usage_import(file=SimpleUploadedFile(name, content), user=TRUSTED_OPERATOR, dry_run=False)


def workbook(tmp_path, **parts) -> bytes:
    path = tmp_path / "hostile.xlsx"
    write_workbook(path, **parts)
    return path.read_bytes()


def assert_refused(result, *issues):
    """The import reported exactly these issues, wrote nothing and left a rejected batch saying so."""
    assert result.errors == list(issues)
    assert UsageStatistic.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch == result.batch
    assert batch.outcome == ImportState.REJECTED
    assert batch.errors == [list(issue) for issue in issues]


# --- size -----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.USAGE_IMPORT_MAX_UPLOAD_MB = 0.001  # 1,048 bytes
    content = csv_text(*[GOOD_ROW] * 40).encode()

    result = import_file(content)

    assert_refused(result, ImportIssue(None, None, FILE_TOO_LARGE.format(limit=filesizeformat(1048))))
    assert result.batch.sha256 == ""


def test_the_admin_stops_reading_an_upload_at_the_size_limit(admin_client, settings, monkeypatch):
    settings.USAGE_IMPORT_MAX_UPLOAD_MB = 0.1  # 104,858 bytes
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # straight to a temporary file on disk
    written_to_disk = []
    receive = TemporaryFileUploadHandler.receive_data_chunk

    def spy(handler, raw_data, start):
        written_to_disk.append(len(raw_data))
        return receive(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    content = (csv_text(GOOD_ROW) * 1000).encode()  # about 120 KB

    response = admin_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("iso.csv", content)})

    message = FILE_TOO_LARGE.format(limit=filesizeformat(104858))
    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "admin/metrics/import_upload.html"
    assert escape(message) in response.text
    assert sum(written_to_disk) <= 104858
    batch = ImportBatch.objects.get()
    assert (batch.outcome, batch.file_name) == (ImportState.REJECTED, "iso.csv")
    assert batch.errors == [[None, None, message]]
    assert not PendingUsageImport.objects.exists()


def test_the_upload_still_checks_the_csrf_token():
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(get_user_model().objects.create_superuser("admin"))

    response = csrf_client.post(UPLOAD_URL, {"file": upload(csv_text(GOOD_ROW))})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ImportBatch.objects.exists()


def test_the_upload_form_tells_the_size_limit(admin_client, settings):
    settings.USAGE_IMPORT_MAX_UPLOAD_MB = 32

    response = admin_client.get(UPLOAD_URL)

    assert escape(filesizeformat(32 * 1024 * 1024)) in response.text


# --- rows and columns -------------------------------------------------------------------------


def test_a_csv_is_refused_at_the_first_line_past_the_row_limit(settings):
    settings.USAGE_IMPORT_MAX_ROWS = 3
    rows = [f"{ROW_PREFIX},week,2024-W{week:02d},1" for week in range(1, 6)]

    result = import_file(csv_text(*rows).encode())

    assert_refused(result, ImportIssue(5, None, TOO_MANY_ROWS.format(limit=3)))
    assert result.batch.rows_read == 3


def test_a_header_of_a_million_columns_is_one_error(settings):
    settings.USAGE_IMPORT_MAX_COLUMNS = 10
    header = ",".join(f"column{number}" for number in range(1000))

    result = import_file(csv_text(GOOD_ROW, header=header).encode())

    assert_refused(result, ImportIssue(1, "K", TOO_MANY_COLUMNS.format(limit=10)))


def test_a_row_with_text_beyond_the_column_limit_refuses_the_file(settings):
    settings.USAGE_IMPORT_MAX_COLUMNS = 10
    wide = GOOD_ROW + "," * 4 + "x"  # text in column K, the eleventh

    result = import_file(csv_text(GOOD_ROW.replace("W05", "W06"), wide).encode())

    assert_refused(result, ImportIssue(3, "K", TOO_MANY_COLUMNS.format(limit=10)))


def test_empty_cells_beyond_the_column_limit_are_ignored(settings):
    settings.USAGE_IMPORT_MAX_COLUMNS = 10

    result = import_file(csv_text(GOOD_ROW + "," * 20, header=HEADER + "," * 20).encode())

    assert result.ok
    assert UsageStatistic.objects.count() == 1


# --- workbooks ----------------------------------------------------------------------------------


def test_a_workbook_declaring_too_many_shared_strings_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_SHARED_STRINGS", 10)
    content = workbook(tmp_path, rows=[header_row()], shared_strings=["x"] * 20, shared_strings_count=20)

    result = import_file(content, "strings.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_TOO_MANY_TEXTS.format(limit=10)))


def test_shared_strings_are_counted_when_the_workbook_does_not_declare_them(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_SHARED_STRINGS", 10)
    content = workbook(tmp_path, rows=[header_row()], shared_strings=["x"] * 11)

    result = import_file(content, "strings.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_TOO_MANY_TEXTS.format(limit=10)))


def test_a_part_that_unpacks_hundreds_of_times_its_size_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.XLSX_RATIO_CHECKED_FROM_BYTES", 1000)
    content = workbook(tmp_path, rows=[header_row()], shared_strings=["x"] * 20_000)

    result = import_file(content, "bomb.xlsx")

    message = XLSX_SUSPICIOUS_COMPRESSION.format(part="xl/sharedStrings.xml", ratio=100)
    assert_refused(result, ImportIssue(None, None, message))


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_UNPACKED_BYTES", 1000)
    content = workbook(tmp_path, rows=[header_row(), inline_row(2, GOOD_ROW.split(","))])

    result = import_file(content, "big.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_UNPACKS_TOO_LARGE.format(limit=filesizeformat(1000))))


def test_a_workbook_of_too_many_sheets_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_SHEETS", 2)
    content = workbook(tmp_path, rows=[header_row()], sheets=3)

    result = import_file(content, "sheets.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_TOO_MANY_SHEETS.format(count=3, limit=2)))


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_PARTS", 4)
    content = workbook(tmp_path, rows=[header_row()])  # five parts

    result = import_file(content, "parts.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_TOO_MANY_PARTS.format(limit=4)))


def test_a_part_of_too_many_elements_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_PART_ELEMENTS", 3)
    content = workbook(tmp_path, rows=[header_row()])

    result = import_file(content, "styles.xlsx")

    assert_refused(result, ImportIssue(None, None, XLSX_PART_TOO_LARGE.format(part="[Content_Types].xml")))


@pytest.mark.parametrize(
    ("dimension", "max_rows"), [("A1:G5000002", 5_000_000 - 1), ("A1:G100", 5), ("A1:BZ3", 2_000_000)]
)
def test_a_sheet_declaring_more_rows_or_columns_than_accepted_is_refused_unread(
    tmp_path, settings, dimension, max_rows
):
    settings.USAGE_IMPORT_MAX_ROWS = max_rows
    content = workbook(tmp_path, rows=[header_row()], dimension=dimension)

    result = import_file(content, "declared.xlsx")

    message = XLSX_DIMENSION_TOO_LARGE.format(dimension=dimension, rows=max_rows, columns=50)
    assert_refused(result, ImportIssue(None, None, message))


def test_a_long_run_of_empty_rows_is_refused_before_the_sheet_is_opened(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_EMPTY_ROWS", 10)
    path = tmp_path / "empty.xlsx"
    hostile_files.empty_rows_workbook(path, count=50)

    result = import_file(path.read_bytes(), "empty.xlsx")

    assert_refused(result, ImportIssue(None, None, TOO_MANY_EMPTY_ROWS.format(limit=10)))


def test_a_long_run_of_empty_rows_is_refused_while_the_sheet_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("metrics.importing.workbooks.MAX_XLSX_EMPTY_ROWS", 10)
    path = tmp_path / "empty.xlsx"
    hostile_files.empty_rows_workbook(path, count=50, dimension="A1:G52")

    result = import_file(path.read_bytes(), "empty.xlsx")

    assert_refused(result, ImportIssue(2, None, TOO_MANY_EMPTY_ROWS.format(limit=10)))


def test_a_sheet_without_its_size_may_have_only_as_many_rows_as_accepted(tmp_path, settings):
    settings.USAGE_IMPORT_MAX_ROWS = 5
    path = tmp_path / "empty.xlsx"
    hostile_files.empty_rows_workbook(path, count=50)

    result = import_file(path.read_bytes(), "empty.xlsx")

    assert_refused(result, ImportIssue(None, None, TOO_MANY_ROWS.format(limit=5)))


def test_missing_rows_of_a_sheet_count_as_rows(tmp_path, settings):
    settings.USAGE_IMPORT_MAX_ROWS = 5
    content = workbook(tmp_path, rows=[header_row(), inline_row(50, GOOD_ROW.split(","))])

    result = import_file(content, "gap.xlsx")

    assert_refused(result, ImportIssue(7, None, TOO_MANY_ROWS.format(limit=5)))


def test_a_sheet_row_with_text_beyond_the_column_limit_refuses_the_file(tmp_path, settings):
    settings.USAGE_IMPORT_MAX_COLUMNS = 10
    cells = [*GOOD_ROW.split(","), "", "", "", "", "x"]
    content = workbook(tmp_path, rows=[header_row(), inline_row(2, cells)])

    result = import_file(content, "wide.xlsx")

    assert_refused(result, ImportIssue(2, "L", TOO_MANY_COLUMNS.format(limit=10)))


def test_a_workbook_within_the_limits_still_imports(tmp_path):
    rows = [header_row(), *hostile_files.empty_rows(5), inline_row(7, GOOD_ROW.split(","))]
    content = workbook(tmp_path, rows=rows, dimension="A1:G7", shared_strings=HEADER_CELLS)

    result = import_file(content, "ok.xlsx")

    assert result.errors == []
    assert UsageStatistic.objects.count() == 1


# --- the error report --------------------------------------------------------------------------------


def test_an_error_quotes_only_the_start_of_a_long_cell():
    cell = "x" * 100_000

    result = import_file(csv_text(f"14,,{cell},assessments_started,week,2024-W05,1").encode())

    assert_refused(result, ImportIssue(2, "C", UNKNOWN_MODULE.format(value="x" * 50 + "…")))


def test_the_stored_report_keeps_the_first_thousand_errors_and_counts_the_rest():
    rows = [f"14,,{'x' * 1000}{line},assessments_started,week,2024-W05,1" for line in range(1500)]

    result = import_file(csv_text(*rows).encode())

    assert (result.error_count, len(result.errors)) == (1500, 1000)
    stored = ImportBatch.objects.get().errors
    assert len(stored) == 1001
    assert stored[-1] == [None, None, MORE_ERRORS % {"count": 500}]
    assert max(len(message) for _, _, message in stored) < 200


# --- what used to crash ---------------------------------------------------------------------------------

CRASHES = {
    "iso week of year 0": (
        csv_text(f"{ROW_PREFIX},week,0000-W01,1").encode(),
        ImportIssue(2, "F", INVALID_YEAR.format(year=0)),
    ),
    "finnish date of year 0": (
        csv_text(f"{ROW_PREFIX},week,0.1.0000,1").encode(),
        ImportIssue(2, "F", INVALID_YEAR.format(year=0)),
    ),
    "iso month of year 0": (
        csv_text(f"{ROW_PREFIX},month,0000-01,1").encode(),
        ImportIssue(2, "F", INVALID_YEAR.format(year=0)),
    ),
    "finnish month of year 0": (
        csv_text(f"{ROW_PREFIX},month,1.0000,1").encode(),
        ImportIssue(2, "F", INVALID_YEAR.format(year=0)),
    ),
    "value of 5,000 digits": (
        csv_text(f"{ROW_PREFIX},week,2024-W05,{'9' * 5000}").encode(),
        ImportIssue(2, "G", VALUE_TOO_LARGE.format(value=FIFTY_NINES + "…")),
    ),
    "grouped value of 6,000 digits": (
        csv_text(f"{ROW_PREFIX},week,2024-W05,{'999 ' * 1500}999").encode(),
        ImportIssue(2, "G", VALUE_TOO_LARGE.format(value="999 " * 12 + "99…")),
    ),
    "NUL byte after 64 KB": (None, None),
}


@pytest.fixture
def crash_file(request, tmp_path):
    content, issue = CRASHES[request.param]
    path = tmp_path / "crash.csv"
    if content is None:
        hostile_files.csv_with_nul_late(path)
        content = path.read_bytes()
        nul = content.index(b"\x00")
        assert nul > 64 * 1024
        issue = ImportIssue(content[:nul].count(b"\n") + 1, None, str(FILE_NUL_CHARACTER))
    path.write_bytes(content)
    return path, issue


@pytest.mark.parametrize("crash_file", CRASHES, indirect=True)
def test_what_crashed_the_import_is_an_error(crash_file):
    path, issue = crash_file

    result = usage_import(file=str(path), user=TRUSTED_OPERATOR, dry_run=False)

    assert_refused(result, issue)


@pytest.mark.parametrize("crash_file", CRASHES, indirect=True)
def test_what_crashed_the_command_is_an_error_on_stderr(crash_file, capsys):
    path, issue = crash_file

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_usage", str(path)])

    assert exited.value.code == 1
    stderr = capsys.readouterr().err
    assert str(issue) in stderr.splitlines()
    assert "Traceback" not in stderr


@pytest.mark.parametrize("crash_file", CRASHES, indirect=True)
def test_what_crashed_the_admin_upload_is_shown_as_an_error(crash_file, admin_client):
    path, issue = crash_file

    response = admin_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("crash.csv", path.read_bytes())})

    assert response.status_code == HTTPStatus.OK
    assert response.context["result"].errors == [issue]
    assert escape(issue.message) in response.text
    assert ImportBatch.objects.get().outcome == ImportState.REJECTED


# --- the unforeseen ----------------------------------------------------------------------------------------


def test_an_unexpected_exception_is_logged_and_reported_not_raised(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("metrics.importing.importer.header_read", broken)

    with caplog.at_level(logging.ERROR, logger="metrics.importing.importer"):
        result = usage_import(file=upload(csv_text(GOOD_ROW)), user=TRUSTED_OPERATOR, dry_run=False)

    assert_refused(result, ImportIssue(None, None, str(UNEXPECTED_ERROR)))
    [record] = caplog.records
    assert record.exc_info[0] is RuntimeError


def test_an_unexpected_exception_in_the_admin_upload_is_a_page_not_a_500(monkeypatch, admin_client, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("metrics.importing.importer.inspect_file", broken)

    with caplog.at_level(logging.ERROR, logger="metrics.importing.importer"):
        response = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(GOOD_ROW))})

    assert response.status_code == HTTPStatus.OK
    assert escape(str(UNEXPECTED_ERROR)) in response.text
    assert ImportBatch.objects.get().outcome == ImportState.REJECTED
    assert [record.exc_info[0] for record in caplog.records] == [RuntimeError]


def test_a_workbook_has_the_zip_limits_of_every_office_file():
    from common.zip_limits import OFFICE_ZIP_LIMITS
    from metrics.importing.workbooks import xlsx_zip_limits

    assert xlsx_zip_limits() == OFFICE_ZIP_LIMITS
