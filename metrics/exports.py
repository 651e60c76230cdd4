"""Rows for export in the import format (totals are metrics/aggregation.py, the decline rule metrics/decline.py)."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

from django.db.models import TextField
from django.db.models.functions import Cast

from common.spreadsheet import spreadsheet_safe
from metrics.importing.contract import COLUMNS, RESPONSES_COLUMN
from metrics.models import Metric, PeriodType, figure_value
from metrics.periods import period_label
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty

# Rows handed to a writer at a time (a chunk of the CSV response): few enough to keep each
# chunk small, many enough that a chunk's own cost is spread over many rows.
EXPORT_CHUNK_ROWS = 1000


# The period types in the order of their names, as an ORDER BY on the column gives them.
PERIOD_TYPE_PLACES = {period_type: place for place, period_type in enumerate(sorted(PeriodType.values))}


def export_header(*, responses: bool = False) -> list[str]:
    """The header of an export: the import file's columns, and `responses` for a score."""
    return [*COLUMNS, RESPONSES_COLUMN] if responses else list(COLUMNS)


class _Cells(dict):
    """Each distinct cell converted once by `convert`, however many rows repeat it."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, key):
        cell = self[key] = self.convert(key)
        return cell


def _safe_cells():
    """Text cells (codes) through `spreadsheet_safe`."""
    return _Cells(spreadsheet_safe)


def _values():
    """Each value as the database writes it as text (`12.00`), as the portal writes a figure (12)."""
    return _Cells(lambda text: figure_value(Decimal(text)))


def _period_labels():
    """Each (period type, start)'s label (`2024-W05`), spreadsheet-safe."""
    return _Cells(lambda period: spreadsheet_safe(period_label(*period)))


def _csv_cell(cell) -> str:
    """A cell as `csv.writer` writes it in a row (quoted only when it must be)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell, ""])
    return buffer.getvalue()[: -len(",\r\n")]


def _codes_in_order(model) -> tuple[dict, dict]:
    """Each row's place in the database's order of codes, and its code made spreadsheet-safe, by primary key.

    The database orders the codes (with its own collation, as an ORDER BY on the code
    would), so that the export's rows can be sorted on these small integers instead of
    joining the code tables to every row and sorting the text.
    """
    ordered = model.objects.order_by("code", "pk").values_list("pk", "code")
    places, codes = {}, {}
    for place, (pk, code) in enumerate(ordered):
        places[pk], codes[pk] = place, spreadsheet_safe(code)
    return places, codes


def _sorted_rows(statistics):
    """The selection's rows (ids, period, value as text, responses) in the export's order, and the codes by id.

    The rows are sorted here, on the codes' places: the database's own sort of 50,000 rows
    by their codes (or by ids) cost more than fetching them (benchmarks/README.md, 2026-12-08).
    """
    county_places, county_codes = _codes_in_order(WellbeingCounty)
    area_places, area_codes = _codes_in_order(ServiceArea)
    module_places, module_codes = _codes_in_order(ContentModule)
    metric_places, metric_codes = _codes_in_order(Metric)
    area_places[None], area_codes[None] = -1, ""
    rows = list(
        statistics.order_by()
        .annotate(
            # As text, so that the few distinct values are read once (_values), not converted row by row.
            value_text=Cast("value", TextField())
        )
        .values_list(
            "county_id",
            "service_area_id",
            "module_id",
            "metric_id",
            "period_type",
            "period_start",
            "value_text",
            "responses",
        )
    )
    # By county, content and metric code, period, then service area code (the county's own
    # row first); every key is unique, so the order is the same on every run. One integer a
    # row, the places and the day as its digits: comparing integers is several times cheaper
    # than comparing tuples that end in dates.
    modules_n, metrics_n, areas_n = len(module_places), len(metric_places), len(area_places)
    kinds_n, days_n = len(PERIOD_TYPE_PLACES), datetime.date.max.toordinal() + 1
    rows.sort(
        key=lambda row: (
            (
                (
                    ((county_places[row[0]] * modules_n + module_places[row[2]]) * metrics_n + metric_places[row[3]])
                    * kinds_n
                    + PERIOD_TYPE_PLACES[row[4]]
                )
                * days_n
                + row[5].toordinal()
            )
            * areas_n
            + area_places[row[1]]
            + 1
        )
    )
    return rows, (county_codes, area_codes, module_codes, metric_codes)


def _chunks(rows, rows_per_chunk):
    for first in range(0, len(rows), rows_per_chunk):
        yield rows[first : first + rows_per_chunk]


def export_row_chunks(statistics, *, responses: bool = False, rows_per_chunk: int = EXPORT_CHUNK_ROWS):
    """The rows of `export_rows`, in lists of up to `rows_per_chunk`, for a writer that takes many rows at once."""
    rows, (counties, areas, modules, metrics) = _sorted_rows(statistics)
    safe, labels, values = _safe_cells(), _period_labels(), _values()
    for chunk in _chunks(rows, rows_per_chunk):
        yield [
            (
                counties[county],
                areas[area],
                modules[module],
                metrics[metric],
                safe[period_type],
                labels[period_type, period_start],
                values[value],
                *(("" if answers is None else answers,) if responses else ()),
            )
            for county, area, module, metric, period_type, period_start, value, answers in chunk
        ]


def export_rows(statistics, *, responses: bool = False):
    """The statistics as flat rows for export in the import format, in a stable order.

    The one row writer of every statistics export, public and admin (`export_csv_chunks`
    writes the same rows as CSV text). A count is written as a whole number, a score with
    a dot and no trailing zeros (4.3), as the import reads them; every cell is
    spreadsheet-safe. With `responses`, each row ends with its number of responses (empty
    when unknown). An export repeats a few codes and periods over many rows, so each is
    made safe once; the value and responses are numbers, which a spreadsheet never reads
    as a formula. Rows are ordered by county, content and metric code, period type and
    start, then service area code (the county's own row first).
    """
    return itertools.chain.from_iterable(export_row_chunks(statistics, responses=responses))


def export_csv_chunks(statistics, *, responses: bool = False, rows_per_chunk: int = EXPORT_CHUNK_ROWS):
    """The header and `export_rows` as CSV text, the bytes `csv.writer` would write, a chunk of rows at a time.

    Each distinct cell is rendered by the csv module once and the rows are joined from
    those texts: writing 50,000 rows cell by cell through `csv.writer` was a third of a
    large export's time.
    """
    rows, codes = _sorted_rows(statistics)
    counties, areas, modules, metrics = ({pk: _csv_cell(code) for pk, code in table.items()} for table in codes)
    safe, labels, values = _safe_cells(), _period_labels(), _values()
    kinds = _Cells(lambda period_type: _csv_cell(safe[period_type]))
    periods = _Cells(lambda period: _csv_cell(labels[period]))
    figures = _Cells(lambda text: _csv_cell(values[text]))
    answered = _Cells(lambda answers: "" if answers is None else _csv_cell(answers))
    yield "".join(_csv_cell(column) + "," for column in export_header(responses=responses))[:-1] + "\r\n"
    for chunk in _chunks(rows, rows_per_chunk):
        if responses:
            yield "".join(
                [
                    f"{counties[county]},{areas[area]},{modules[module]},{metrics[metric]},"
                    f"{kinds[period_type]},{periods[period_type, period_start]},"
                    f"{figures[value]},{answered[answers]}\r\n"
                    for county, area, module, metric, period_type, period_start, value, answers in chunk
                ]
            )
        else:
            yield "".join(
                [
                    f"{counties[county]},{areas[area]},{modules[module]},{metrics[metric]},"
                    f"{kinds[period_type]},{periods[period_type, period_start]},"
                    f"{figures[value]}\r\n"
                    for county, area, module, metric, period_type, period_start, value, _answers in chunk
                ]
            )
