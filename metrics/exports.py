"""Rows for export in the import format (totals are metrics/aggregation.py, the decline rule metrics/decline.py)."""

from django.db.models import F

from common.spreadsheet import spreadsheet_safe
from metrics.importing.contract import COLUMNS, RESPONSES_COLUMN
from metrics.periods import period_label


def export_header(*, responses: bool = False) -> list[str]:
    """The header of an export: the import file's columns, and `responses` for a score."""
    return [*COLUMNS, RESPONSES_COLUMN] if responses else list(COLUMNS)


def export_rows(statistics, *, responses: bool = False):
    """The statistics as flat rows for export in the import format, in a stable order, fetched in chunks.

    The one row writer of every statistics export, public and admin. A count is written as
    a whole number, a score with a dot and no trailing zeros (4.3), as the import reads them;
    every cell is spreadsheet-safe. With `responses`, each row ends with its number of
    responses (empty when unknown).
    """
    rows = statistics.order_by(
        "county__code",
        "module__code",
        "metric__code",
        "period_type",
        "period_start",
        F("service_area__code").asc(nulls_first=True),
    ).values_list(
        "county__code",
        "service_area__code",
        "module__code",
        "metric__code",
        "period_type",
        "period_start",
        "value",
        "responses",
    )
    for county, area, module, metric, period_type, period_start, value, answers in rows.iterator(chunk_size=5000):
        row = [county, area or "", module, metric, period_type, period_label(period_type, period_start), value]
        if responses:
            row.append("" if answers is None else answers)
        yield [spreadsheet_safe(cell) for cell in row]
