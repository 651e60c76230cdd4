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
import itertools
import re
import struct
import zipfile
from collections.abc import Iterator
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat
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
INVALID_YEAR = _("The year {year} does not exist.")
FILE_TOO_LARGE = _("The file is larger than {limit}, the most one import accepts. Split it into smaller files.")
FILE_NUL_CHARACTER = _(
    "This line contains a NUL character, which a CSV file cannot have: the file is damaged or is not a CSV file."
)
TOO_MANY_ROWS = _("The file has more than {limit} rows, the most one import accepts. Split it into smaller files.")
TOO_MANY_COLUMNS = _(
    "This line has more than {limit} columns, the most an import accepts; a statistics file has seven."
)
TOO_MANY_EMPTY_ROWS = _(
    "More than {limit} empty rows follow one another. Delete the empty rows from the sheet and save the workbook again."
)
XLSX_TOO_MANY_PARTS = _("The workbook has more than {limit} parts; a real workbook has far fewer.")
XLSX_TOO_MANY_SHEETS = _("The workbook has {count} sheets; at most {limit} are accepted (only the first is imported).")
XLSX_UNPACKS_TOO_LARGE = _(
    "The workbook unpacks to more than {limit}, the most an import accepts. Save the sheet as CSV, or split it."
)
XLSX_SUSPICIOUS_COMPRESSION = _(
    "The workbook part “{part}” unpacks to more than {ratio} times its packed size, which a real workbook does not."
)
XLSX_PART_TOO_LARGE = _(
    "The workbook part “{part}” is too large to read safely. Copy the sheet into a new workbook, or save it as CSV."
)
XLSX_TOO_MANY_TEXTS = _(
    "The workbook holds more than {limit} different texts, the most an import accepts. "
    "Save the sheet as CSV, or split it."
)
XLSX_DIMENSION_TOO_LARGE = _(
    "The first sheet spans {dimension}, more than the {rows} rows and {columns} columns an import accepts. "
    "Delete the rows and columns beyond the data and save the workbook again."
)

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
MAX_VALUE_DIGITS = len(str(MAX_VALUE))
# Cell text quoted in an error message is cut to this many characters, so that a file
# of huge cells cannot make a huge error report.
MAX_QUOTED_CHARS = 50
# No code, name or column header is longer; a longer text gets no "did you mean" hint.
MAX_HINTED_CHARS = 100
XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls), Word and other OLE2 compound documents.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024

# What a workbook may hold before openpyxl reads any of it. openpyxl keeps the whole
# shared-strings table and style sheet in memory, about 100 bytes per XML element
# however small the file, so those parts are counted before it opens them; worksheets
# are streamed, and bounded while they are read (rows, columns, empty rows).
MAX_XLSX_PARTS = 1_000
MAX_XLSX_SHEETS = 100
# A sheet at the row limit written by Excel unpacks to a few hundred megabytes.
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024
# Real sheets pack 5 to 20 times; a zip bomb packs hundreds or thousands of times.
MAX_XLSX_COMPRESSION_RATIO = 100
XLSX_RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# Every part but the worksheets: shared strings, styles, workbook, relations, theme.
MAX_XLSX_PART_BYTES = 32 * 1024 * 1024
MAX_XLSX_PART_ELEMENTS = 100_000
# A national file names a few thousand different texts (codes, names, periods).
MAX_XLSX_SHARED_STRINGS = 500_000
# Formatted empty rows cost openpyxl as much as full ones: a long run of them is refused.
MAX_XLSX_EMPTY_ROWS = 10_000

_XLSX_SHEET_PART = re.compile(r"xl/(?:worksheets|chartsheets)/[^/]+\.xml")
_XLSX_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_XML_START_TAG = re.compile(rb"<[A-Za-z_]")
_XML_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_XML_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*["'](\d+)["']""")
_DIMENSION_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_XML_ROOT_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]{0,30}:))?worksheet[\s>]")
# Tags are short: a match split between two unpacked chunks fits in this many bytes.
_MATCH_OVERLAP = 64
# Excel writes a sheet's size and column formats in its first few kilobytes.
XLSX_SHEET_HEAD_BYTES = 4 * 1024 * 1024
_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_END_RECORD_FORMAT = struct.Struct("<4s4H2LH")

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


class ImportLimits(NamedTuple):
    """How much one import may read: file bytes, rows below the header, columns."""

    max_bytes: int
    max_rows: int
    max_columns: int


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
    if len(value) > MAX_HINTED_CHARS:
        return None
    matches = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.5)
    return matches[0] if matches else None


def quoted(text: str) -> str:
    """Cell text as an error message quotes it: cut to its first characters, NUL made visible.

    PostgreSQL cannot store a NUL character in the error report (jsonb).
    """
    if len(text) > MAX_QUOTED_CHARS:
        text = text[:MAX_QUOTED_CHARS] + "…"
    return text.replace("\x00", "\ufffd")


def normalise(text: str) -> str:
    """Case-folded text with surrounding and repeated whitespace removed."""
    return " ".join(text.translate(_SPACES).split()).casefold()


# --- the file -------------------------------------------------------------------------


class FileInfo(NamedTuple):
    sha256: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None


def inspect_file(stream, limits: ImportLimits) -> FileInfo:
    """Checksum, kind and (for CSV) encoding of a binary stream, read once in chunks.

    A file over the size limit is refused before any of it is read; a workbook is
    checked part by part (`xlsx_check`) before openpyxl opens it.
    """
    stream.seek(0, io.SEEK_END)
    if stream.tell() > limits.max_bytes:
        raise UnreadableFile(file_too_large(limits))
    stream.seek(0)
    digest = hashlib.sha256()
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_EMPTY)))
    digest.update(head)
    nul_allowed = True
    if head.startswith(XLSX_MAGIC):
        kind, decoders = "xlsx", {}
    elif head.startswith(UTF16_BOMS):
        # Excel's "Unicode text" export: UTF-16 with a byte order mark, tab-delimited.
        kind, decoders = "csv", {"utf-16": codecs.getincrementaldecoder("utf-16")()}
    elif head.startswith(OLE2_MAGIC) or b"\x00" in head:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_NOT_CSV_OR_XLSX)))
    else:
        kind, nul_allowed = "csv", False
        decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8-sig", "cp1252")}
    chunk = head
    offset = 0
    while chunk:
        if not nul_allowed and b"\x00" in chunk:
            raise UnreadableFile(
                ImportIssue(_line_at(stream, offset + chunk.index(b"\x00")), None, str(FILE_NUL_CHARACTER))
            )
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[name]
        offset += len(chunk)
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
    if kind == "xlsx":
        xlsx_check(stream, limits)
    stream.seek(0)
    return FileInfo(digest.hexdigest(), kind, next(iter(decoders), None))


def file_too_large(limits: ImportLimits) -> ImportIssue:
    return ImportIssue(None, None, FILE_TOO_LARGE.format(limit=filesizeformat(limits.max_bytes)))


def _line_at(stream, offset: int) -> int:
    """The line (1-based, as a spreadsheet counts) that holds byte `offset` of a text file."""
    stream.seek(0)
    newlines = 0
    while offset > 0:
        chunk = stream.read(min(CHUNK_BYTES, offset))
        if not chunk:
            break
        newlines += chunk.count(b"\n")
        offset -= len(chunk)
    return newlines + 1


def csv_records(stream, encoding: str, limits: ImportLimits) -> Iterator[list[str]]:
    """Records of a CSV stream; the delimiter (comma, semicolon or tab) is the header's commonest.

    Refuses the file at the first line past the row limit.
    """
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    last_line = limits.max_rows + 1
    try:
        first = text.readline()
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        line = 1
        try:
            for line, record in enumerate(reader, start=1):
                if line > last_line:
                    raise UnreadableFile(_too_many_rows(line, limits))
                yield record
        except csv.Error as exc:
            raise UnreadableFile(ImportIssue(line + 1, None, str(FILE_CSV_UNREADABLE).format(reason=exc))) from exc
    finally:
        text.detach()


def _too_many_rows(line, limits: ImportLimits) -> ImportIssue:
    return ImportIssue(line, None, TOO_MANY_ROWS.format(limit=limits.max_rows))


def too_wide(line: int, cells: list[str], max_columns: int) -> ImportIssue | None:
    """The issue of a record with text beyond the last column an import accepts, else None."""
    for index in range(max_columns, len(cells)):
        if cells[index].strip():
            return ImportIssue(line, column_letter(index), TOO_MANY_COLUMNS.format(limit=max_columns))
    return None


def xlsx_records(stream, limits: ImportLimits) -> Iterator[list[str]]:
    """Rows of the workbook's first sheet as strings, read with openpyxl's streaming reader.

    `xlsx_check` has vetted the workbook's parts already. The sheet's declared size is
    checked before its first row is read, and rows, columns and runs of empty rows as
    they stream.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE)))
        sheet = workbook.worksheets[0]
        _dimension_check(sheet, limits)
        rows = sheet.iter_rows(values_only=True)
        last_line = limits.max_rows + 1
        max_columns = limits.max_columns
        line = empty_run = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
            line += 1
            if line > last_line:
                raise UnreadableFile(_too_many_rows(line, limits))
            cells = [_xlsx_text(value) for value in row]
            if len(cells) > max_columns and (issue := too_wide(line, cells, max_columns)):
                raise UnreadableFile(issue)
            if any(cells):
                empty_run = 0
            else:
                empty_run += 1
                if empty_run > MAX_XLSX_EMPTY_ROWS:
                    start = line - empty_run + 1
                    raise UnreadableFile(
                        ImportIssue(start, None, TOO_MANY_EMPTY_ROWS.format(limit=MAX_XLSX_EMPTY_ROWS))
                    )
            yield cells
    finally:
        workbook.close()


def _dimension_check(sheet, limits: ImportLimits):
    """Refuse a sheet whose declared size is beyond the row or column limit."""
    max_row, max_column = sheet.max_row, sheet.max_column
    if max_row is None or max_column is None:
        return
    if max_row > limits.max_rows + 1 or max_column > limits.max_columns:
        dimension = f"A1:{column_letter(max_column - 1)}{max_row}"
        raise UnreadableFile(
            ImportIssue(
                None,
                None,
                XLSX_DIMENSION_TOO_LARGE.format(dimension=dimension, rows=limits.max_rows, columns=limits.max_columns),
            )
        )


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


# --- the workbook's parts, before openpyxl reads them ----------------------------------------


def xlsx_check(stream, limits: ImportLimits):
    """Refuse a workbook whose parts would make openpyxl use unbounded memory or time.

    Reads only the zip directory, the first bytes of each worksheet and the parts
    openpyxl would hold in memory (counted while unpacked, never kept).
    """
    _zip_directory_check(stream)
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            _refuse(XLSX_TOO_MANY_PARTS.format(limit=MAX_XLSX_PARTS))
        sheets = sum(1 for part in parts if _XLSX_SHEET_PART.fullmatch(part.filename))
        if sheets > MAX_XLSX_SHEETS:
            _refuse(XLSX_TOO_MANY_SHEETS.format(count=sheets, limit=MAX_XLSX_SHEETS))
        if sum(part.file_size for part in parts) > MAX_XLSX_UNPACKED_BYTES:
            _refuse(XLSX_UNPACKS_TOO_LARGE.format(limit=filesizeformat(MAX_XLSX_UNPACKED_BYTES)))
        for part in parts:
            if part.filename.endswith("sharedStrings.xml"):
                _shared_strings_declared_check(archive, part)
        for part in parts:
            if part.file_size > XLSX_RATIO_CHECKED_FROM_BYTES and part.file_size > MAX_XLSX_COMPRESSION_RATIO * max(
                part.compress_size, 1
            ):
                _refuse(
                    XLSX_SUSPICIOUS_COMPRESSION.format(part=quoted(part.filename), ratio=MAX_XLSX_COMPRESSION_RATIO)
                )
        try:
            for part in parts:
                _part_check(archive, part, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc


def _refuse(message):
    raise UnreadableFile(ImportIssue(None, None, str(message)))


def _zip_directory_check(stream):
    """Refuse a zip whose directory lists more parts than a workbook has, before zipfile loads it."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, _ZIP_END_RECORD_FORMAT.size + 65_535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    position = tail.rfind(_ZIP_END_RECORD)
    if position < 0 or position + _ZIP_END_RECORD_FORMAT.size > len(tail):
        return  # not a zip at all: zipfile says so
    entries, directory_size = _ZIP_END_RECORD_FORMAT.unpack_from(tail, position)[4:6]
    # 0xFFFF entries means a zip64 directory, which no workbook of this size needs.
    if entries > MAX_XLSX_PARTS or directory_size > MAX_XLSX_PARTS * 1024:
        _refuse(XLSX_TOO_MANY_PARTS.format(limit=MAX_XLSX_PARTS))


def _shared_strings_declared_check(archive, part):
    """The uniqueCount the shared-strings table declares, checked without reading the table."""
    with archive.open(part) as source:
        head = source.read(4096)
    declared = _XML_UNIQUE_COUNT.search(head)
    if declared and int(declared[1]) > MAX_XLSX_SHARED_STRINGS:
        _refuse(XLSX_TOO_MANY_TEXTS.format(limit=MAX_XLSX_SHARED_STRINGS))


def _part_check(archive, part, limits: ImportLimits):
    if part.is_dir():
        return
    if _XLSX_WORKSHEET_PART.fullmatch(part.filename):
        _worksheet_check(archive, part, limits)
        return
    if part.file_size > MAX_XLSX_PART_BYTES:
        _refuse(XLSX_PART_TOO_LARGE.format(part=quoted(part.filename)))
    if part.filename.endswith("sharedStrings.xml"):
        if _count_matches(archive, part, _XML_SHARED_STRING_TAG, MAX_XLSX_SHARED_STRINGS) > MAX_XLSX_SHARED_STRINGS:
            _refuse(XLSX_TOO_MANY_TEXTS.format(limit=MAX_XLSX_SHARED_STRINGS))
        return
    if not part.filename.endswith((".xml", ".rels")):
        return  # images and other media: openpyxl does not build objects from them
    if _count_matches(archive, part, _XML_START_TAG, MAX_XLSX_PART_ELEMENTS) > MAX_XLSX_PART_ELEMENTS:
        _refuse(XLSX_PART_TOO_LARGE.format(part=quoted(part.filename)))


def _worksheet_check(archive, part, limits: ImportLimits):
    """A worksheet's head must say where its data starts, and should declare its size.

    Without the size openpyxl reads the whole sheet to open the workbook, keeping every
    row element: such a sheet may have only as many rows as an import accepts, and no
    long run of empty ones, counted here first.
    """
    head = b""
    with archive.open(part) as source:
        while b"sheetData" not in head:
            chunk = source.read(SNIFF_BYTES)
            if not chunk:
                break
            head += chunk
            if len(head) > XLSX_SHEET_HEAD_BYTES:
                _refuse(XLSX_PART_TOO_LARGE.format(part=quoted(part.filename)))
    before_data = head.split(b"sheetData", 1)[0]
    if b"dimension" in before_data:
        return
    root = _XML_ROOT_PREFIX.search(head)
    prefix = root[1] if root and root[1] else b""
    row_tag = re.compile(b"<" + re.escape(prefix) + rb"row[\s/>]")
    rows = empty_run = 0
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(CHUNK_BYTES):
            window = tail + chunk
            start = len(tail)
            for match in row_tag.finditer(window):
                if match.end() <= start:
                    continue  # counted with the previous chunk
                rows += 1
                if rows > limits.max_rows + 1:
                    _refuse(TOO_MANY_ROWS.format(limit=limits.max_rows))
                end = window.find(b">", match.end() - 1)
                if end > 0 and window[end - 1 : end] == b"/":  # <row .../>: a row without cells
                    empty_run += 1
                    if empty_run > MAX_XLSX_EMPTY_ROWS:
                        _refuse(TOO_MANY_EMPTY_ROWS.format(limit=MAX_XLSX_EMPTY_ROWS))
                else:
                    empty_run = 0
            tail = window[-_MATCH_OVERLAP:]


def _count_matches(archive, part, pattern, limit: int) -> int:
    """Matches of `pattern` in a part, counted while it is unpacked; stops once past `limit`."""
    count = 0
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(CHUNK_BYTES):
            window = tail + chunk
            start = len(tail)
            # A match is counted in the window where it ends, so none is counted twice.
            count += sum(1 for match in pattern.finditer(window) if match.end() > start)
            if count > limit:
                break
            tail = window[-_MATCH_OVERLAP:]
    return count


# --- the header -----------------------------------------------------------------------


class Header(NamedTuple):
    indexes: dict[str, int]  # canonical column name → index
    labels: dict[str, str]  # canonical column name → the header text in the file
    width: int  # cells the header spans, trailing empty ones excluded
    ignored: tuple[int, ...]  # indexes of empty header cells before the last named one


def header_read(cells: list[str], *, max_columns: int) -> tuple[Header | None, list[ImportIssue]]:
    """Map the header cells to canonical columns; issues when columns are unknown, doubled or missing.

    A header naming more columns than an import accepts is one issue, before any name is read.
    """
    if len(cells) > max_columns and (issue := too_wide(1, cells, max_columns)):
        return None, [issue]
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
            message = str(HEADER_UNKNOWN_COLUMN).format(column=quoted(text))
            suggestion = closest(key, HEADER_ALIASES)
            if suggestion:
                message += " " + str(HEADER_HINT).format(suggestion=suggestion)
            issues.append(ImportIssue(1, column_letter(index), message))
        elif name in indexes:
            issues.append(
                ImportIssue(
                    1,
                    column_letter(index),
                    str(HEADER_DUPLICATE_COLUMN).format(column=quoted(text), other=column_letter(indexes[name])),
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
            if year < datetime.MINYEAR:
                return str(INVALID_YEAR).format(year=year)
            last = datetime.date(year, 12, 28).isocalendar().week
            if not 1 <= week <= last:
                return str(INVALID_WEEK).format(week=week, year=year, last=last)
            return datetime.date.fromisocalendar(year, week, 1)
        day = _date_parse(text)
        if isinstance(day, datetime.date):
            return day - datetime.timedelta(days=day.weekday())
        return day or str(NOT_A_WEEK).format(value=quoted(text))
    match = _ISO_MONTH.fullmatch(text) or _FINNISH_MONTH.fullmatch(text)
    if match:
        year, month = (int(match[1]), int(match[2])) if match.re is _ISO_MONTH else (int(match[2]), int(match[1]))
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        if year < datetime.MINYEAR:
            return str(INVALID_YEAR).format(year=year)
        return datetime.date(year, month, 1)
    day = _date_parse(text)
    if isinstance(day, datetime.date):
        return day.replace(day=1)
    return day or str(NOT_A_MONTH).format(value=quoted(text))


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
    if year < datetime.MINYEAR:
        return str(INVALID_YEAR).format(year=year)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        return str(INVALID_DATE).format(value=quoted(text))


def value_parse(raw: str) -> int | str:
    """A non-negative integer (spaces allowed between thousands), or an error message."""
    text = raw.translate(_SPACES).strip()
    if text.isascii() and text.isdigit():
        digits = text
    elif _GROUPED_INTEGER.fullmatch(text):
        digits = text.replace(" ", "")
    elif _NUMBER.fullmatch(text) and text.startswith("-"):
        return str(NEGATIVE_VALUE).format(value=quoted(text))
    else:
        return str(NOT_AN_INTEGER).format(value=quoted(text))
    # Checked before int(): Python refuses to convert more than 4,300 digits.
    if len(digits.lstrip("0")) > MAX_VALUE_DIGITS or int(digits) > MAX_VALUE:
        return str(VALUE_TOO_LARGE).format(value=quoted(text))
    return int(digits)
