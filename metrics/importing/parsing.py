"""Reading usage statistics files: file type, encoding, delimiter, records and header.

The columns and the rules of a cell's value are the file contract, `metrics.importing.contract`.

Everything here is pure Python and knows nothing of the database. `metrics.importing.importer`
resolves the codes and writes the rows. Messages are module constants so that the
tests and the admin share one wording; `ImportIssue` is the (line, column, message)
contract of the import: line as a spreadsheet shows it (header = line 1), column as a
spreadsheet letter, both None when the problem concerns the whole file or row.
"""

import codecs
import csv
import difflib
import hashlib
import io
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from metrics.importing.contract import HEADER_ALIASES, REQUIRED_COLUMNS, normalise, quoted

FILE_EMPTY = _("The file is empty.")
FILE_NOT_CSV_OR_XLSX = _("The file is neither a CSV file nor an Excel workbook (XLSX).")
FILE_NOT_TEXT = _("The file is not text in UTF-8 or Windows-1252 encoding, so it cannot be read as CSV.")
FILE_CSV_UNREADABLE = _("This line could not be read as CSV ({reason}).")
FILE_NO_DATA_ROWS = _("The file has a header but no rows of statistics.")
HEADER_MISSING_COLUMNS = _("The header lacks the required columns: {columns}.")
HEADER_UNKNOWN_COLUMN = _("Unknown column “{column}”.")
HEADER_DUPLICATE_COLUMN = _("The column “{column}” appears twice; it is also column {other}.")
HEADER_HINT = _("Did you mean “{suggestion}”?")
CELL_WITHOUT_HEADER = _("This cell has a value, but its column has no header.")
MISSING_CELL = _("The required cell “{column}” is empty.")
FILE_TOO_LARGE = _("The file is larger than {limit}, the most one import accepts. Split it into smaller files.")
FILE_NUL_CHARACTER = _(
    "This line contains a NUL character, which a CSV file cannot have: the file is damaged or is not a CSV file."
)
TOO_MANY_ROWS = _("The file has more than {limit} rows, the most one import accepts. Split it into smaller files.")
TOO_MANY_COLUMNS = _(
    "This line has more than {limit} columns, the most an import accepts; a statistics file has seven."
)

# No code, name or column header is longer; a longer text gets no "did you mean" hint.
MAX_HINTED_CHARS = 100
XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls), Word and other OLE2 compound documents.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024


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


# --- the file -------------------------------------------------------------------------


class FileInfo(NamedTuple):
    sha256: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None


def inspect_file(stream, limits: ImportLimits) -> FileInfo:
    """Checksum, kind and (for CSV) encoding of a binary stream, read once in chunks.

    A file over the size limit is refused before any of it is read. A workbook is then
    checked part by part by `metrics.importing.workbooks.xlsx_check` before openpyxl opens it.
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
                    raise UnreadableFile(too_many_rows(line, limits))
                yield record
        except csv.Error as exc:
            raise UnreadableFile(ImportIssue(line + 1, None, str(FILE_CSV_UNREADABLE).format(reason=exc))) from exc
    finally:
        text.detach()


def too_many_rows(line, limits: ImportLimits) -> ImportIssue:
    return ImportIssue(line, None, TOO_MANY_ROWS.format(limit=limits.max_rows))


def too_wide(line: int, cells: list[str], max_columns: int) -> ImportIssue | None:
    """The issue of a record with text beyond the last column an import accepts, else None."""
    for index in range(max_columns, len(cells)):
        if cells[index].strip():
            return ImportIssue(line, column_letter(index), TOO_MANY_COLUMNS.format(limit=max_columns))
    return None


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
