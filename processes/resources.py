from common.spreadsheet import SpreadsheetSafeModelResource
from processes.models import ContentModule


class ContentModuleResource(SpreadsheetSafeModelResource):
    """The content catalogue for export and for bulk corrections, keyed on the code."""

    class Meta:
        model = ContentModule
        import_id_fields = ["code"]
        fields = [
            "code",
            "kind",
            "name_fi",
            "name_sv",
            "name_en",
            "description_fi",
            "description_sv",
            "description_en",
            "description_source",
            "is_active",
        ]
        skip_unchanged = True
        report_skipped = True
