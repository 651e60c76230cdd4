"""Hostile usage statistics files, written in a streaming way at any size.

The tests build them small (with the limits shrunk); `benchmarks/hostile_uploads.py`
builds the same files at the size a hostile editor used, to time their refusal.
A workbook is written part by part with `zipfile`, so a sheet of millions of rows never
sits in memory and its XML can be exactly what openpyxl would trip over.
"""

import itertools
import zipfile
from collections.abc import Iterable, Iterator

HEADER = "county,service_area,module,metric,period_type,period,value"
GOOD_ROW = "14,,virtsatietulehdus,assessments_started,week,2024-W05,120"
HEADER_CELLS = HEADER.split(",")

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_row(number: int, cells: Iterable[str]) -> str:
    """One sheet row of inline strings."""
    values = "".join(f'<c t="inlineStr"><is><t>{_xml_text(cell)}</t></is></c>' for cell in cells)
    return f'<row r="{number}">{values}</row>'


def write_workbook(
    path,
    *,
    rows: Iterable[str],
    sheets: int = 1,
    dimension: str | None = None,
    shared_strings: Iterable[str] | None = None,
    shared_strings_count: int | None = None,
):
    """A minimal XLSX at `path`: `rows` are ready-made `<row>` elements of the first sheet.

    `shared_strings` are the `<si>` texts (streamed), `shared_strings_count` the
    count and uniqueCount the table declares; `sheets` adds empty sheets after the first.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{_SHEET_TYPE}"/>'
            for number in range(1, sheets + 1)
        )
        if shared_strings is not None:
            overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS_TYPE}"/>'
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CONTENT_TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_WORKBOOK_TYPE}"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_OFFICE_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        sheet_list = "".join(
            f'<sheet name="Sheet{number}" sheetId="{number}" r:id="rId{number}"/>' for number in range(1, sheets + 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f"<sheets>{sheet_list}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{number}" Type="{_OFFICE_REL}/worksheet" Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, sheets + 1)
        )
        if shared_strings is not None:
            relations += (
                f'<Relationship Id="rId{sheets + 1}" Type="{_OFFICE_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL_NS}">{relations}'
            "</Relationships>",
        )
        if shared_strings is not None:
            counts = "" if shared_strings_count is None else f' count="{shared_strings_count}"'
            counts += "" if shared_strings_count is None else f' uniqueCount="{shared_strings_count}"'
            _write_streamed(
                archive,
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN_NS}"{counts}>',
                (f"<si><t>{_xml_text(text)}</t></si>" for text in shared_strings),
                "</sst>",
            )
        dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
        _write_streamed(
            archive,
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN_NS}">{dimension_xml}<sheetData>',
            rows,
            "</sheetData></worksheet>",
        )
        for number in range(2, sheets + 1):
            archive.writestr(
                f"xl/worksheets/sheet{number}.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN_NS}"><sheetData/></worksheet>',
            )


def _write_streamed(archive, name, head: str, parts: Iterable[str], tail: str):
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head.encode())
        buffer = []
        size = 0
        for part in parts:
            buffer.append(part)
            size += len(part)
            if size > 1 << 20:
                member.write("".join(buffer).encode())
                buffer, size = [], 0
        member.write(("".join(buffer) + tail).encode())


def header_row() -> str:
    return inline_row(1, HEADER_CELLS)


def empty_rows(count: int, *, first: int = 2) -> Iterator[str]:
    """`count` row elements without cells, as some exports write formatted empty rows."""
    for number in range(first, first + count):
        yield f'<row r="{number}"/>'


def shared_strings_bomb(path, *, count: int, declared: bool = True):
    """A workbook whose shared-strings table holds `count` copies of one string (a few bytes zipped).

    `declared` False leaves out the count and uniqueCount attributes, as a forger would.
    """
    write_workbook(
        path,
        rows=[header_row()],
        shared_strings=("x" for _ in range(count)),
        shared_strings_count=count if declared else None,
    )


def empty_rows_workbook(path, *, count: int, dimension: str | None = None):
    """A header, then `count` empty rows, then one good row."""
    rows = itertools.chain([header_row()], empty_rows(count), [inline_row(count + 2, GOOD_ROW.split(","))])
    write_workbook(path, rows=rows, dimension=dimension)


def wide_header_csv(path, *, columns: int):
    """A CSV whose header names `columns` columns, none of them known."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(",".join(f"column{number}" for number in range(columns)) + "\n" + GOOD_ROW + "\n")


def bad_cells_csv(path, *, size: int, cell_length: int = 100_000):
    """About `size` bytes of rows whose content cell is long unknown text."""
    cell = "x" * cell_length
    row = f"14,,{cell},assessments_started,week,2024-W05,1\n"
    with open(path, "w", encoding="utf-8") as file:
        file.write(HEADER + "\n")
        for _ in range(max(1, size // len(row))):
            file.write(row)


def oversized_csv(path, *, size: int):
    """A valid-looking CSV of exactly `size` bytes (its last row may be cut)."""
    rows = [
        f"14,,virtsatietulehdus,assessments_started,week,{year}-W{week:02d},1"
        for year in range(2000, 2025)
        for week in range(1, 53)
    ]
    block = "\n".join(rows) + "\n"
    with open(path, "w", encoding="utf-8") as file:
        file.write(HEADER + "\n")
        written = len(HEADER) + 1
        while written < size:
            file.write(block)
            written += len(block)
        file.truncate(size)


def csv_with_nul_late(path, *, offset: int = 70_000):
    """A CSV whose first NUL byte comes after `offset` bytes of good rows."""
    rows = [
        f"14,,virtsatietulehdus,assessments_completed,month,{year}-{month:02d},1"
        for year in range(1900, 2100)
        for month in range(1, 13)
    ]
    text = HEADER + "\n"
    for row in rows:
        if len(text) > offset:
            break
        text += row + "\n"
    text += "14,,kurkku\x00kipu,assessments_started,week,2024-W05,1\n"
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
