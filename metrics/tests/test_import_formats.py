"""What Excel really produces: encodings, delimiters, line ends, Finnish headers, trailing cells, XLSX."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.importing.parsing import ImportIssue
from metrics.tests.import_support import stored, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("refs")]

WEEK_5 = datetime.date(2024, 1, 29)
EXPECTED = {
    ("14", None, "virtsatietulehdus", "assessments_started", "week", WEEK_5, 1234),
    ("08", None, "kurkkukipu", "assessments_completed", "month", datetime.date(2024, 5, 1), 7),
}
FINNISH_HEADER = ["Hyvinvointialue", "Palvelualue", "Sisältö", "Mittari", "Jaksotyyppi", "Jakso", "Määrä"]
ROWS = [
    [
        "Pohjois-Karjalan hyvinvointialue",
        "",
        "Virtsatietulehdus",
        "assessments_started",
        "viikko",
        "29.1.2024",
        "1 234",
    ],
    ["Birkalands välfärdsområde", "", "kurkkukipu", "assessments_completed", "kuukausi", "27.5.2024", "7"],
]


def delimited(delimiter: str, line_end: str, rows=ROWS, header=FINNISH_HEADER) -> str:
    return "".join(delimiter.join(row) + line_end for row in [header, *rows])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_excel_text_files_are_read(encoding, delimiter, line_end):
    result = usage_import(
        file=upload(delimited(delimiter, line_end), encoding=encoding), user=TRUSTED_OPERATOR, dry_run=False
    )

    assert result.errors == []
    assert stored() == EXPECTED


def test_excel_unicode_text_is_read():
    text = "\ufeff" + delimited("\t", "\r\n")

    result = usage_import(file=upload(text, encoding="utf-16-le"), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == []
    assert stored() == EXPECTED


def test_trailing_empty_rows_and_columns_are_ignored():
    rows = [[*row, "", ""] for row in ROWS] + [[""] * 9, [""] * 9]
    text = delimited(";", "\r\n", rows=rows, header=[*FINNISH_HEADER, "", ""])

    result = usage_import(file=upload(text, encoding="cp1252"), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == []
    assert (result.rows_read, stored()) == (2, EXPECTED)


def test_an_empty_row_in_the_middle_keeps_the_line_numbers_of_a_spreadsheet():
    rows = [ROWS[0], [""] * 7, [*ROWS[1][:6], "-7"]]

    result = usage_import(file=upload(delimited(";", "\r\n", rows=rows)), user=TRUSTED_OPERATOR, dry_run=False)

    assert [(issue.line, issue.column) for issue in result.errors] == [(4, "G")]


def test_quoted_cells_are_read():
    text = (
        "county;module;metric;period_type;period;value\r\n"
        '"14";"virtsatietulehdus";"assessments_started";"week";"29.1.2024";"1 234"\r\n'
    )

    result = usage_import(file=upload(text), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == []


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_is_read():
    content = workbook_bytes(
        [
            ["county", "service_area", "module", "metric", "period_type", "period", "value", None],
            [14, None, "virtsatietulehdus", "assessments_started", "week", datetime.datetime(2024, 1, 31), 1234],
            ["08", "", "kurkkukipu", "assessments_completed", "month", "2024-05", 7.0],
            [None, None, None, None, None, None, None, None],
        ]
    )

    result = usage_import(file=SimpleUploadedFile("viikot.xlsx", content), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == []
    assert stored() == EXPECTED


def test_errors_in_an_xlsx_workbook_name_the_cell():
    content = workbook_bytes(
        [
            FINNISH_HEADER,
            ["14", None, "virtsatietulehdus", "assessments_started", "viikko", "2024-W05", 12.5],
            ["14", None, "virtsatietulehdus", "assessments_started", "viikko", "2024-W06", -1],
        ]
    )

    result = usage_import(file=SimpleUploadedFile("viikot.xlsx", content), user=TRUSTED_OPERATOR, dry_run=False)

    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "G"), (3, "G")]
    assert isinstance(result.errors[0], ImportIssue)
