"""Rows for export in the import format (totals are metrics/aggregation.py, the decline rule metrics/decline.py)."""

from decimal import Decimal

from django.db.models import F, TextField
from django.db.models.functions import Cast

from common.spreadsheet import spreadsheet_safe
from metrics.importing.contract import COLUMNS, RESPONSES_COLUMN
from metrics.models import figure_value
from metrics.periods import period_label

# Rows fetched from the database at a time (a server-side cursor's batch on PostgreSQL).
EXPORT_FETCH_ROWS = 5000


def export_header(*, responses: bool = False) -> list[str]:
    """The header of an export: the import file's columns, and `responses` for a score."""
    return [*COLUMNS, RESPONSES_COLUMN] if responses else list(COLUMNS)


class _SafeCells(dict):
    """Each distinct text cell (a code) through `spreadsheet_safe` once, however many rows repeat it."""

    def __missing__(self, cell):
        safe = self[cell] = spreadsheet_safe(cell)
        return safe


class _Values(dict):
    """Each distinct value as the database writes it (`12.00`), read as the portal writes a figure (12), once."""

    def __missing__(self, text):
        value = self[text] = figure_value(Decimal(text))
        return value


class _PeriodLabels(dict):
    """Each distinct period's label (`2024-W05`), spreadsheet-safe, computed once."""

    def __missing__(self, period):
        label = self[period] = spreadsheet_safe(period_label(*period))
        return label


def export_rows(statistics, *, responses: bool = False):
    """The statistics as flat rows for export in the import format, in a stable order, fetched in chunks.

    The one row writer of every statistics export, public and admin. A count is written as
    a whole number, a score with a dot and no trailing zeros (4.3), as the import reads them;
    every cell is spreadsheet-safe. With `responses`, each row ends with its number of
    responses (empty when unknown). An export repeats a few codes and periods over many
    rows, so each is made safe once; the value and responses are numbers, which a
    spreadsheet never reads as a formula.
    """
    rows = (
        statistics.order_by(
            "county__code",
            "module__code",
            "metric__code",
            "period_type",
            "period_start",
            F("service_area__code").asc(nulls_first=True),
        )
        .annotate(
            # As text, so that the few distinct values are read once (_Values), not converted row by row.
            value_text=Cast("value", TextField())
        )
        .values_list(
            "county__code",
            "service_area__code",
            "module__code",
            "metric__code",
            "period_type",
            "period_start",
            "value_text",
            "responses",
        )
    )
    safe, labels, values = _SafeCells(), _PeriodLabels(), _Values()
    safe[None] = ""
    for county, area, module, metric, period_type, period_start, value, answers in rows.iterator(
        chunk_size=EXPORT_FETCH_ROWS
    ):
        row = [
            safe[county],
            safe[area],
            safe[module],
            safe[metric],
            safe[period_type],
            labels[period_type, period_start],
            values[value],
        ]
        if responses:
            row.append("" if answers is None else answers)
        yield row
