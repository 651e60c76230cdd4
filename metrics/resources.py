"""django-import-export resources: metric reference data, and statistics for export.

Statistics are exported in the import file's own columns, so an export can be
corrected in Excel and imported again with `import_usage` or the admin import.
"""

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from common.spreadsheet import SpreadsheetSafeModelResource
from metrics.models import Metric, UsageStatistic
from metrics.parsing import COLUMNS
from metrics.periods import period_label
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty


class MetricResource(SpreadsheetSafeModelResource):
    """Metric definitions for export and for importing corrected reference data, keyed on the code."""

    class Meta:
        model = Metric
        import_id_fields = ["code"]
        fields = ["code", "name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en"]
        skip_unchanged = True
        report_skipped = True


class UsageStatisticResource(SpreadsheetSafeModelResource):
    """Statistics in the columns of the usage statistics file (export only)."""

    county = fields.Field(attribute="county", column_name="county", widget=ForeignKeyWidget(WellbeingCounty, "code"))
    service_area = fields.Field(
        attribute="service_area", column_name="service_area", widget=ForeignKeyWidget(ServiceArea, "code")
    )
    module = fields.Field(attribute="module", column_name="module", widget=ForeignKeyWidget(ContentModule, "code"))
    metric = fields.Field(attribute="metric", column_name="metric", widget=ForeignKeyWidget(Metric, "code"))
    period = fields.Field(column_name="period")

    class Meta:
        model = UsageStatistic
        fields = list(COLUMNS)
        export_order = list(COLUMNS)

    def dehydrate_period(self, statistic) -> str:
        """The period as the public export and the import files write it: 2024-W05 or 2024-05."""
        return period_label(statistic.period_type, statistic.period_start)

    def get_queryset(self):
        return super().get_queryset().select_related("county", "service_area", "module", "metric")
