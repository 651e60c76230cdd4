"""Excel workbooks (XLSX): checked part by part before openpyxl reads them, then read row by row.

openpyxl keeps a workbook's shared strings and styles in memory and can be made to
spend minutes on a small hostile file (a zip bomb, millions of shared strings or of
empty rows), so `xlsx_check` bounds every part from the zip directory and the XML
before `xlsx_records` streams the first sheet with openpyxl's read-only reader.
"""

import datetime
import re
import zipfile
from collections.abc import Iterator

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from common.zip_limits import (
    OFFICE_ZIP_LIMITS,
    SuspiciousCompression,
    TooManyEntries,
    UnpacksTooLarge,
    ZipLimits,
    zip_compression_check,
    zip_entries_check,
    zip_unpacked_size_check,
)
from metrics.importing.contract import quoted
from metrics.importing.parsing import (
    CHUNK_BYTES,
    SNIFF_BYTES,
    TOO_MANY_ROWS,
    ImportIssue,
    ImportLimits,
    UnreadableFile,
    column_letter,
    too_many_rows,
    too_wide,
)

FILE_XLSX_UNREADABLE = _("The workbook could not be read: it is damaged or not an XLSX file.")
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

# What a workbook may hold before openpyxl reads any of it. openpyxl keeps the whole
# shared-strings table and style sheet in memory, about 100 bytes per XML element
# however small the file, so those parts are counted before it opens them; worksheets
# are streamed, and bounded while they are read (rows, columns, empty rows).
MAX_XLSX_PARTS = OFFICE_ZIP_LIMITS.max_entries
MAX_XLSX_SHEETS = 100
# A sheet at the row limit written by Excel unpacks to a few hundred megabytes.
MAX_XLSX_UNPACKED_BYTES = OFFICE_ZIP_LIMITS.max_unpacked_bytes
# Real sheets pack 5 to 20 times; a zip bomb packs hundreds or thousands of times.
MAX_XLSX_COMPRESSION_RATIO = OFFICE_ZIP_LIMITS.max_compression_ratio
XLSX_RATIO_CHECKED_FROM_BYTES = OFFICE_ZIP_LIMITS.ratio_checked_from_bytes
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


def xlsx_zip_limits() -> ZipLimits:
    """The zip limits of a workbook: those of every Office file (common.zip_limits), read when checked."""
    return ZipLimits(
        max_entries=MAX_XLSX_PARTS,
        max_unpacked_bytes=MAX_XLSX_UNPACKED_BYTES,
        max_compression_ratio=MAX_XLSX_COMPRESSION_RATIO,
        ratio_checked_from_bytes=XLSX_RATIO_CHECKED_FROM_BYTES,
    )


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
                raise UnreadableFile(too_many_rows(line, limits))
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
    zip_limits = xlsx_zip_limits()
    try:
        zip_entries_check(stream, zip_limits)
    except TooManyEntries:
        _refuse(XLSX_TOO_MANY_PARTS.format(limit=MAX_XLSX_PARTS))
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > zip_limits.max_entries:
            _refuse(XLSX_TOO_MANY_PARTS.format(limit=MAX_XLSX_PARTS))
        sheets = sum(1 for part in parts if _XLSX_SHEET_PART.fullmatch(part.filename))
        if sheets > MAX_XLSX_SHEETS:
            _refuse(XLSX_TOO_MANY_SHEETS.format(count=sheets, limit=MAX_XLSX_SHEETS))
        try:
            zip_unpacked_size_check(parts, zip_limits)
        except UnpacksTooLarge:
            _refuse(XLSX_UNPACKS_TOO_LARGE.format(limit=filesizeformat(MAX_XLSX_UNPACKED_BYTES)))
        for part in parts:
            if part.filename.endswith("sharedStrings.xml"):
                _shared_strings_declared_check(archive, part)
        try:
            zip_compression_check(parts, zip_limits)
        except SuspiciousCompression as suspicious:
            _refuse(XLSX_SUSPICIOUS_COMPRESSION.format(part=quoted(suspicious.part), ratio=MAX_XLSX_COMPRESSION_RATIO))
        try:
            for part in parts:
                _part_check(archive, part, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise UnreadableFile(ImportIssue(None, None, str(FILE_XLSX_UNREADABLE))) from exc


def _refuse(message):
    raise UnreadableFile(ImportIssue(None, None, str(message)))


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
