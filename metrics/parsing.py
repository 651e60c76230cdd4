"""Reading usage statistics files: file type, encoding, delimiter, header and cell values.

Everything here is pure Python and knows nothing of the database. `metrics.importing`
resolves the codes and writes the rows. Messages are module constants so that the
tests and the admin share one wording; `ImportIssue` is the (line, column, message)
contract of the import: line as a spreadsheet shows it (header = line 1), column as a
spreadsheet letter, both None when the problem concerns the whole file or row.
"""

import codecs
import csv
import datetime
import difflib
import hashlib
import io
import re
from collections.abc import Iterator
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

FILE_EMPTY = _("The file is empty.")
FILE_NOT_CSV_OR_XLSX = _("The file is neither a CSV file nor an Excel workbook (XLSX).")
FILE_NOT_TEXT = _("The file is not text in UTF-8 or Windows-1252 encoding, so it cannot be read as CSV.")
FILE_XLSX_UNREADABLE = _("The workbook could not be read: it is damaged or not an XLSX file.")
FILE_CSV_UNREADABLE = _("This line could not be read as CSV ({reason}).")
FILE_NO_DATA_ROWS = _("The file has a header but no rows of statistics.")
HEADER_MISSING_COLUMNS = _("The header lacks the required columns: {columns}.")
HEADER_UNKNOWN_COLUMN = _("Unknown column “{column}”.")
HEADER_DUPLICATE_COLUMN = _("The column “{column}” appears twice; it is also column {other}.")
HEADER_HINT = _("Did you mean “{suggestion}”?")
CELL_WITHOUT_HEADER = _("This cell has a value, but its column has no header.")
MISSING_CELL = _("The required cell “{column}” is empty.")
UNKNOWN_PERIOD_TYPE = _("Unknown period type “{value}”: use week or month (viikko or kuukausi).")
INVALID_WEEK = _("Week {week} does not exist in {year}: ISO weeks of {year} run from 1 to {last}.")
INVALID_MONTH = _("Month {month} does not exist: months run from 1 to 12.")
INVALID_DATE = _("“{value}” is not a valid date.")
NOT_A_WEEK = _("“{value}” is not a week: write it as 2024-W05 or as a date inside the week, e.g. 29.1.2024.")
NOT_A_MONTH = _("“{value}” is not a month: write it as 2024-05 or as a date inside the month, e.g. 1.5.2024.")
NEGATIVE_VALUE = _("The value “{value}” is negative: it must be zero or more.")
NOT_AN_INTEGER = _("The value “{value}” is not a whole number.")
VALUE_TOO_LARGE = _("The value “{value}” is too large.")

# Canonical column names and the headers that name them (compared case-insensitively,
# spaces and hyphens read as underscores).
COLUMNS = ("county", "service_area", "module", "metric", "period_type", "period", "value")
REQUIRED_COLUMNS = ("county", "module", "metric", "period_type", "period", "value")
HEADER_ALIASES = {
    "county": "county",
    "hyvinvointialue": "county",
    "välfärdsområde": "county",
    "service_area": "service_area",
    "palvelualue": "service_area",
    "toimialue": "service_area",
    "module": "module",
    "content": "module",
    "sisältö": "module",
    "sisalto": "module",
    "metric": "metric",
    "mittari": "metric",
    "period_type": "period_type",
    "jaksotyyppi": "period_type",
    "period": "period",
    "jakso": "period",
    "value": "value",
    "määrä": "value",
    "maara": "value",
}

WEEK, MONTH = 0, 1
PERIOD_TYPES = ("week", "month")
PERIOD_TYPE_ALIASES = {
    "week": WEEK,
    "viikko": WEEK,
    "vecka": WEEK,
    "month": MONTH,
    "kuukausi": MONTH,
    "månad": MONTH,
}

MAX_VALUE = 2**63 - 1
XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls), Word and other OLE2 compound documents.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024

_ISO_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?")
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_FINNISH_MONTH = re.compile(r"(\d{1,2})[./](\d{4})")
_GROUPED_INTEGER = re.compile(r"\d{1,3}(?: \d{3})+")
_NUMBER = re.compile(r"[+-]?\d[\d ]*(?:[.,]\d*)?|[+-]?[.,]\d+")
# Spaces Excel and Finnish locales put between thousands.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


class ImportIssue(NamedTuple):
    """One problem in an import file: spreadsheet line, column letter, message."""

    line: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


class UnreadableFile(Exception):
    """The file as a whole cannot be read; carries the issue to report."""

    def __init__(self, issue: ImportIssue):
        super().__init__(issue.message)
        self.issue = issue


def column_letter(index: int) -> str:
    """Spreadsheet letter of a zero-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def closest(value: str, candidates) -> str | None:
    """The candidate most like `value` (difflib), or None when nothing is close."""
    matches = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.5)
    return matches[0] if matches else None


def normalise(text: str) -> str:
    """Case-folded text with surrounding and repeated whitespace removed."""
    return " ".join(text.translate(_SPACES).split()).casefold()


# --- the file -------------------------------------------------------------------------


class FileInfo(NamedTuple):
    sha256: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None


def inspect_file(stream) -> FileInfo:
    """Checksum, kind and (for CSV) encoding of a binary stream, read once in chunks."""
    stream.seek(0)
    digest = hashlib.sha256()
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_EMPTY)))
    digest.update(head)
    if head.startswith(XLSX_MAGIC):
        kind, decoders = "xlsx", {}
    elif head.startswith(UTF16_BOMS):
        # Excel's "Unicode text" export: UTF-16 with a byte order mark, tab-delimited.
        kind, decoders = "csv", {"utf-16": codecs.getincrementaldecoder("utf-16")()}
    elif head.startswith(OLE2_MAGIC) or b"\x00" in head:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_NOT_CSV_OR_XLSX)))
    else:
        kind = "csv"
        decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8-sig", "cp1252")}
    chunk = head
    while chunk:
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[name]
        chunk = stream.read(CHUNK_BYTES)
        digest.update(chunk)
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    if kind == "csv" and not decoders:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_NOT_TEXT)))
    if kind == "csv" and not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile(ImportIssue(None, None, str(FILE_EMPTY)))
    stream.seek(0)
    return FileInfo(digest.hexdigest(), kind, next(iter(decoders), None))


def csv_records(stream, encoding: str) -> Iterator[list[str]]:
    """Records of a CSV stream; the delimiter (comma, semicolon or tab) is the header's commonest."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(_prepend(first, text), delimiter=delimiter)
        line = 1
        try:
            for line, record in enumerate(reader, start=1):  # noqa: B007 (line is used after the loop)
                yield record
        except csv.Error as exc:
            raise UnreadableFile(ImportIssue(line + 1, None, str(FILE_CSV_UNREADABLE).format(reason=exc))) from exc
    finally:
        text.detach()


def _prepend(first: str, rest) -> Iterator[str]:
    yield first
    yield from rest


def xlsx_records(stream) -> Iterator[list[str]]:
    """Rows of the workbook's first sheet as strings, read with openpyxl's streaming reader."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
            yield [_xlsx_text(value) for value in row]
    finally:
        workbook.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- the header -----------------------------------------------------------------------


class Header(NamedTuple):
    indexes: dict[str, int]  # canonical column name → index
    labels: dict[str, str]  # canonical column name → the header text in the file
    width: int  # cells the header spans, trailing empty ones excluded
    ignored: tuple[int, ...]  # indexes of empty header cells before the last named one


def header_read(cells: list[str]) -> tuple[Header | None, list[ImportIssue]]:
    """Map the header cells to canonical columns; issues when columns are unknown, doubled or missing."""
    issues = []
    indexes, labels, ignored = {}, {}, []
    texts = [cell.strip().lstrip("\ufeff").strip() for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    for index, text in enumerate(texts):
        if not text:
            ignored.append(index)
            continue
        key = normalise(text).replace(" ", "_").replace("-", "_")
        name = HEADER_ALIASES.get(key)
        if name is None:
            message = str(HEADER_UNKNOWN_COLUMN).format(column=text)
            suggestion = closest(key, HEADER_ALIASES)
            if suggestion:
                message += " " + str(HEADER_HINT).format(suggestion=suggestion)
            issues.append(ImportIssue(1, column_letter(index), message))
        elif name in indexes:
            issues.append(
                ImportIssue(
                    1,
                    column_letter(index),
                    str(HEADER_DUPLICATE_COLUMN).format(column=text, other=column_letter(indexes[name])),
                )
            )
        else:
            indexes[name] = index
            labels[name] = text
    missing = [name for name in REQUIRED_COLUMNS if name not in indexes]
    if missing:
        issues.append(ImportIssue(1, None, str(HEADER_MISSING_COLUMNS).format(columns=", ".join(missing))))
    if issues:
        return None, issues
    return Header(indexes, labels, len(texts), tuple(ignored)), []


# --- cell values ----------------------------------------------------------------------


def period_type_parse(raw: str) -> int | None:
    """WEEK or MONTH for a period-type cell, None when it names neither."""
    return PERIOD_TYPE_ALIASES.get(normalise(raw))


def period_parse(raw: str, period_type: int) -> datetime.date | str:
    """The period's first day (Monday of the ISO week, or first of the month), or an error message."""
    text = raw.strip()
    if period_type == WEEK:
        match = _ISO_WEEK.fullmatch(text)
        if match:
            year, week = int(match[1]), int(match[2])
            last = datetime.date(year, 12, 28).isocalendar().week
            if not 1 <= week <= last:
                return str(INVALID_WEEK).format(week=week, year=year, last=last)
            return datetime.date.fromisocalendar(year, week, 1)
        day = _date_parse(text)
        if isinstance(day, datetime.date):
            return day - datetime.timedelta(days=day.weekday())
        return day or str(NOT_A_WEEK).format(value=text)
    match = _ISO_MONTH.fullmatch(text) or _FINNISH_MONTH.fullmatch(text)
    if match:
        year, month = (int(match[1]), int(match[2])) if match.re is _ISO_MONTH else (int(match[2]), int(match[1]))
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        return datetime.date(year, month, 1)
    day = _date_parse(text)
    if isinstance(day, datetime.date):
        return day.replace(day=1)
    return day or str(NOT_A_MONTH).format(value=text)


def _date_parse(text: str) -> datetime.date | str | None:
    """A date in ISO or Finnish form; an error message for an impossible one; None for no date at all."""
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _FINNISH_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        return str(INVALID_DATE).format(value=text)


def value_parse(raw: str) -> int | str:
    """A non-negative integer (spaces allowed between thousands), or an error message."""
    text = raw.translate(_SPACES).strip()
    if text.isascii() and text.isdigit():
        number = int(text)
    elif _GROUPED_INTEGER.fullmatch(text):
        number = int(text.replace(" ", ""))
    elif _NUMBER.fullmatch(text) and text.startswith("-"):
        return str(NEGATIVE_VALUE).format(value=text)
    else:
        return str(NOT_AN_INTEGER).format(value=text)
    if number > MAX_VALUE:
        return str(VALUE_TOO_LARGE).format(value=text)
    return number
