"""Every kind of invalid file is refused with the exact line, column and reason, and writes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from metrics.importing.contract import COUNT_WITH_DECIMALS, NEGATIVE_VALUE, NOT_AN_INTEGER, VALUE_TOO_LARGE
from metrics.importing.importer import TRUSTED_OPERATOR, WRITE_CONFLICT, usage_import
from metrics.importing.parsing import (
    CELL_WITHOUT_HEADER,
    FILE_EMPTY,
    FILE_NO_DATA_ROWS,
    FILE_NOT_CSV_OR_XLSX,
    FILE_NOT_TEXT,
    HEADER_DUPLICATE_COLUMN,
    HEADER_HINT,
    HEADER_MISSING_COLUMNS,
    HEADER_UNKNOWN_COLUMN,
    MISSING_CELL,
    ImportIssue,
)
from metrics.importing.validation import (
    CLOSEST_CODE_HINT,
    DUPLICATE_ROW,
    UNKNOWN_COUNTY,
    UNKNOWN_METRIC,
    UNKNOWN_MODULE,
    UNKNOWN_SERVICE_AREA,
)
from metrics.importing.workbooks import FILE_XLSX_UNREADABLE
from metrics.models import ImportBatch, ImportState, UsageStatistic
from metrics.periods import INVALID_DATE, INVALID_MONTH, INVALID_WEEK, NOT_A_MONTH, NOT_A_WEEK, UNKNOWN_PERIOD_TYPE
from metrics.tests.import_support import csv_text, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("refs")]

GOOD = "14,,virtsatietulehdus,assessments_started,week,2024-W05,120"


def hinted(message, code):
    return f"{message} {CLOSEST_CODE_HINT.format(code=code)}"


def import_rows(*rows, header=None):
    text = csv_text(*rows) if header is None else csv_text(*rows, header=header)
    return usage_import(file=upload(text), user=TRUSTED_OPERATOR, dry_run=False)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "Pohjois-Karjala,,virtsatietulehdus,assessments_started,week,2024-W05,1",
            "A",
            hinted(UNKNOWN_COUNTY.format(value="Pohjois-Karjala"), "14"),
        ),
        ("77,,virtsatietulehdus,assessments_started,week,2024-W05,1", "A", str(UNKNOWN_COUNTY.format(value="77"))),
        (
            "14,suun-terveydet,virtsatietulehdus,assessments_started,week,2024-W05,1",
            "B",
            hinted(UNKNOWN_SERVICE_AREA.format(value="suun-terveydet", county="14"), "suun-terveys"),
        ),
        (
            "14,,virtsatieinfektio,assessments_started,week,2024-W05,1",
            "C",
            hinted(UNKNOWN_MODULE.format(value="virtsatieinfektio"), "virtsatietulehdus"),
        ),
        (
            "14,,virtsatietulehdus,assessment_started,week,2024-W05,1",
            "D",
            hinted(UNKNOWN_METRIC.format(value="assessment_started"), "assessments_started"),
        ),
        (
            "14,,virtsatietulehdus,assessments_started,weekly,2024-W05,1",
            "E",
            UNKNOWN_PERIOD_TYPE.format(value="weekly"),
        ),
        (
            "14,,virtsatietulehdus,assessments_started,week,2024-W54,1",
            "F",
            INVALID_WEEK.format(week=54, year=2024, last=52),
        ),
        (
            "14,,virtsatietulehdus,assessments_started,week,2024-W53,1",
            "F",
            INVALID_WEEK.format(week=53, year=2024, last=52),
        ),
        ("14,,virtsatietulehdus,assessments_started,month,2024-13,1", "F", INVALID_MONTH.format(month=13)),
        ("14,,virtsatietulehdus,assessments_started,month,1.13.2024,1", "F", INVALID_MONTH.format(month=13)),
        ("14,,virtsatietulehdus,assessments_started,week,31.2.2024,1", "F", INVALID_DATE.format(value="31.2.2024")),
        ("14,,virtsatietulehdus,assessments_started,week,2024-05,1", "F", NOT_A_WEEK.format(value="2024-05")),
        ("14,,virtsatietulehdus,assessments_started,month,2024-W05,1", "F", NOT_A_MONTH.format(value="2024-W05")),
        ("14,,virtsatietulehdus,assessments_started,week,2024-W05,-5", "G", NEGATIVE_VALUE.format(value="-5")),
        (
            "14,,virtsatietulehdus,assessments_started,week,2024-W05,12.5",
            "G",
            COUNT_WITH_DECIMALS.format(value="12.5", metric="assessments_started"),
        ),
        ("14,,virtsatietulehdus,assessments_started,week,2024-W05,12,5", "H", CELL_WITHOUT_HEADER),
        ("14,,virtsatietulehdus,assessments_started,week,2024-W05,1 23", "G", NOT_AN_INTEGER.format(value="1 23")),
        ("14,,virtsatietulehdus,assessments_started,week,2024-W05,ten", "G", NOT_AN_INTEGER.format(value="ten")),
        (
            "14,,virtsatietulehdus,assessments_started,week,2024-W05,99999999999999999999",
            "G",
            VALUE_TOO_LARGE.format(value="99999999999999999999"),
        ),
        ("14,,virtsatietulehdus,assessments_started,week,2024-W05,", "G", MISSING_CELL.format(column="value")),
        (",,virtsatietulehdus,assessments_started,week,2024-W05,1", "A", MISSING_CELL.format(column="county")),
        ("14,,,assessments_started,week,2024-W05,1", "C", MISSING_CELL.format(column="module")),
        ("14,,virtsatietulehdus, ,week,2024-W05,1", "D", MISSING_CELL.format(column="metric")),
        ("14,,virtsatietulehdus,assessments_started,,2024-W05,1", "E", MISSING_CELL.format(column="period_type")),
        ("14,,virtsatietulehdus,assessments_started,week,,1", "F", MISSING_CELL.format(column="period")),
    ],
)
def test_an_invalid_cell_is_named_by_line_and_column(row, column, message):
    result = import_rows(GOOD.replace(",120", ",121").replace("2024-W05", "2024-W06"), row)

    assert result.errors == [ImportIssue(3, column, str(message))]
    assert result.error_count == 1
    assert UsageStatistic.objects.count() == 0
    assert ImportBatch.objects.get().outcome == ImportState.REJECTED


def test_every_error_of_every_row_is_reported():
    result = import_rows(
        "99,,virtsatietulehdu,assessments_started,week,2024-W54,-3",
        GOOD,
        "14,,virtsatietulehdus,assessments_started,month,2024-13,x",
    )

    assert [(issue.line, issue.column) for issue in result.errors] == [
        (2, "A"),
        (2, "C"),
        (2, "F"),
        (2, "G"),
        (4, "F"),
        (4, "G"),
    ]
    assert result.batch.rows_rejected == 2
    assert result.batch.rows_read == 3


def test_a_key_repeated_within_the_file_is_an_error():
    result = import_rows(GOOD, "14,,kurkkukipu,assessments_started,week,2024-W05,1", GOOD.replace(",120", ",5"))

    assert result.errors == [ImportIssue(4, None, DUPLICATE_ROW.format(line=2))]
    assert str(result.errors[0]) == f"line 4: {DUPLICATE_ROW.format(line=2)}"


def test_a_date_inside_the_same_week_repeats_the_key():
    result = import_rows(GOOD, GOOD.replace("2024-W05", "31.1.2024"))

    assert result.errors == [ImportIssue(3, None, DUPLICATE_ROW.format(line=2))]


def test_a_service_area_row_does_not_repeat_the_whole_county_row():
    result = import_rows(GOOD, GOOD.replace("14,,", "14,suun-terveys,"))

    assert result.ok
    assert UsageStatistic.objects.count() == 2


def test_an_empty_file_is_refused():
    result = usage_import(file=upload(""), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == [ImportIssue(None, None, str(FILE_EMPTY))]
    assert result.batch.outcome == ImportState.REJECTED
    assert result.batch.sha256 == ""


def test_a_file_of_blank_lines_is_empty():
    result = usage_import(file=upload("\r\n\r\n  \n"), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == [ImportIssue(None, None, str(FILE_EMPTY))]


def test_a_header_without_rows_is_refused():
    result = import_rows()

    assert result.errors == [ImportIssue(2, None, str(FILE_NO_DATA_ROWS))]


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an old binary .xls
        b"%PDF-1.7\n\x00\x01\x02binary",
        bytes(range(256)),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(content):
    result = usage_import(
        file=upload(content.decode("latin-1"), encoding="latin-1"), user=TRUSTED_OPERATOR, dry_run=False
    )

    assert result.errors == [ImportIssue(None, None, str(FILE_NOT_CSV_OR_XLSX))]
    assert UsageStatistic.objects.count() == 0


def test_text_in_an_unknown_encoding_is_refused():
    content = csv_text(GOOD).encode() + b"\x81\x8d\x8f"

    result = usage_import(
        file=upload(content.decode("latin-1"), encoding="latin-1"), user=TRUSTED_OPERATOR, dry_run=False
    )

    assert result.errors == [ImportIssue(None, None, str(FILE_NOT_TEXT))]


def test_a_damaged_workbook_is_refused():
    result = usage_import(
        file=upload("PK\x03\x04 not really a zip", name="usage.xlsx"), user=TRUSTED_OPERATOR, dry_run=False
    )

    assert result.errors == [ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))]


def test_a_header_without_the_required_columns_is_refused():
    result = import_rows(GOOD, header="county,module,period,value")

    assert result.errors == [
        ImportIssue(1, None, HEADER_MISSING_COLUMNS.format(columns="metric, period_type")),
    ]


def test_an_unknown_header_column_gets_a_hint():
    header = "hyvinvointialue,palvelualue,sisältö,mitari,jaksotyyppi,jakso,määrä"

    result = import_rows(GOOD, header=header)

    assert result.errors == [
        ImportIssue(
            1, "D", f"{HEADER_UNKNOWN_COLUMN.format(column='mitari')} {HEADER_HINT.format(suggestion='mittari')}"
        ),
        ImportIssue(1, None, HEADER_MISSING_COLUMNS.format(columns="metric")),
    ]


def test_a_column_named_twice_is_refused():
    result = import_rows(GOOD + ",1", header="county,service_area,module,metric,period_type,period,value,määrä")

    assert result.errors == [ImportIssue(1, "H", HEADER_DUPLICATE_COLUMN.format(column="määrä", other="G"))]


def test_errors_print_as_line_and_column():
    result = import_rows("14,,virtsatietulehdus,assessments_started,week,2024-W05,-5")

    assert [str(issue) for issue in result.errors] == [f"line 2, column G: {NEGATIVE_VALUE.format(value='-5')}"]


def test_a_wrong_code_on_every_row_is_resolved_once(monkeypatch):
    calls = []
    monkeypatch.setattr("metrics.importing.validation.closest", lambda text, hints: calls.append(text))
    rows = [f"14,,kurkkukipu,assessment_started,week,2024-W{week:02d},1" for week in range(1, 53)]

    result = import_rows(*rows)

    assert result.error_count == 52
    assert {issue.message for issue in result.errors} == {str(UNKNOWN_METRIC.format(value="assessment_started"))}
    assert calls == ["assessment_started"]


def test_an_empty_workbook_is_empty():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)

    result = usage_import(
        file=SimpleUploadedFile("tyhja.xlsx", buffer.getvalue()), user=TRUSTED_OPERATOR, dry_run=False
    )

    assert result.errors == [ImportIssue(None, None, str(FILE_EMPTY))]


def test_a_reference_deleted_during_the_import_rolls_everything_back(monkeypatch):
    def write_then_fail(self, batch_id):
        raise IntegrityError("insert or update violates foreign key constraint")

    monkeypatch.setattr("metrics.importing.staging.Staging.write", write_then_fail)

    result = import_rows(GOOD)

    assert result.errors == [ImportIssue(None, None, str(WRITE_CONFLICT))]
    assert (result.batch.outcome, result.created) == (ImportState.REJECTED, 0)
    assert UsageStatistic.objects.count() == 0
