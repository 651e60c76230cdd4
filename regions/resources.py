from common.spreadsheet import SpreadsheetSafeModelResource
from regions.models import WellbeingCounty


class WellbeingCountyResource(SpreadsheetSafeModelResource):
    """Counties for export and for importing corrected reference data, keyed on the official code."""

    class Meta:
        model = WellbeingCounty
        import_id_fields = ["code"]
        fields = ["code", "name_fi", "name_sv", "name_en", "brand", "population", "population_year", "slug"]
        skip_unchanged = True
        report_skipped = True
