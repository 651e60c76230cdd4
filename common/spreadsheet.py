"""Cells that a spreadsheet opens as text, never as a formula (CSV or formula injection, CWE-1236).

Every export, the admin's (django-import-export) and the public statistics file, writes
its cells through `spreadsheet_safe`. django-import-export's own
`IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT` only drops one leading `=`
(`import_export.formats.base_formats.TablibFormat._escape_formulae`), so `+cmd|…`,
`-…`, `@…` and `==…` stay formulae.
"""

import re

from import_export import resources

# Excel, LibreOffice and Google Sheets start a formula (or a DDE command) with these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number is read as a number, never as a formula, so it keeps its sign and round-trips.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def spreadsheet_safe(cell):
    """The cell with a leading `'` when a spreadsheet would otherwise read it as a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class SpreadsheetSafeModelResource(resources.ModelResource):
    """A ModelResource whose every exported cell, in every format, goes through `spreadsheet_safe`."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))
