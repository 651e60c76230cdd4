"""django-import-export resources: metric reference data, and statistics for export.

Statistics are exported in the import file's own columns (`metrics.exports.export_rows`), so
an export can be corrected in Excel and imported again with `import_usage` or the admin import.
"""

import tablib
from import_export import fields

from common.spreadsheet import SpreadsheetSafeModelResource
from metrics import exports
from metrics.models import Metric, UsageStatistic


class MetricResource(SpreadsheetSafeModelResource):
    """Metric definitions for export and for importing corrected reference data, keyed on the code."""

    class Meta:
        model = Metric
        import_id_fields = ["code"]
        fields = ["code", "name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en"]
        skip_unchanged = True
        report_skipped = True


class UsageStatisticResource(SpreadsheetSafeModelResource):
    """Statistics in the columns of a usage statistics file, `responses` included (export only).

    The rows are written by the public export's own row writer (`metrics.exports.export_rows`),
    so the admin's file and the public one have one format, and both import back unchanged.
    The fields only name the columns, for the admin's export page.
    """

    county = fields.Field(column_name="county")
    service_area = fields.Field(column_name="service_area")
    module = fields.Field(column_name="module")
    metric = fields.Field(column_name="metric")
    period = fields.Field(column_name="period")

    class Meta:
        model = UsageStatistic
        fields = exports.export_header(responses=True)
        export_order = exports.export_header(responses=True)

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        statistics = self.filter_export(self.get_queryset() if queryset is None else queryset, **kwargs)
        header = exports.export_header(responses=True)
        return tablib.Dataset(*exports.export_rows(statistics, responses=True), headers=header)
