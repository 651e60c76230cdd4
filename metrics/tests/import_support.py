"""Files and snapshots shared by the import tests (their reference data is the `refs` fixture)."""

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.models import UsageStatistic

HEADER = "county,service_area,module,metric,period_type,period,value"


def upload(text: str, *, encoding: str = "utf-8", name: str = "usage.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def stored() -> set[tuple]:
    """Every statistic as (county, service area, content, metric, period type, period start, value)."""
    return set(
        UsageStatistic.objects.values_list(
            "county__code",
            "service_area__code",
            "module__code",
            "metric__code",
            "period_type",
            "period_start",
            "value",
        )
    )


def snapshot() -> list[tuple]:
    """The whole table, batch references included, in a stable order."""
    return list(
        UsageStatistic.objects.order_by("pk").values_list(
            "pk",
            "county_id",
            "service_area_id",
            "module_id",
            "metric_id",
            "period_type",
            "period_start",
            "value",
            "import_batch_id",
        )
    )


def grant_import(user):
    user.user_permissions.add(Permission.objects.get(codename="import_usagestatistic"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance
