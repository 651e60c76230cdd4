"""Files and snapshots shared by the import tests (their reference data is the `refs` fixture)."""

import datetime
import io

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.importing.pending import pending_file_open, pending_file_store
from metrics.models import PendingUsageImport, UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.tests.factories import ContentModuleFactory

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


def pending_import(*, content: bytes, **fields) -> PendingUsageImport:
    """A pending import whose file is `content`, stored as an upload stores it."""
    pending = PendingUsageImport.objects.create(**fields)
    pending_file_store(pending=pending, stream=io.BytesIO(content))
    return pending


def pending_content(pending: PendingUsageImport) -> bytes:
    """The file a pending import keeps."""
    with pending_file_open(pending=pending) as file:
        return file.read()


def grant_import(user):
    user.user_permissions.add(Permission.objects.get(codename="import_usagestatistic"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


def national_file(refs, *, weeks: int) -> bytes:
    """A file of weeks × 150 rows: three county figures (one a service area's) × 10 contents × 5 metrics."""
    modules = ["kurkkukipu", "virtsatietulehdus"] + [ContentModuleFactory(code=f"sisalto-{n}").code for n in range(8)]
    metrics = ["assessments_started", "assessments_completed"] + [MetricFactory(code=f"m{n}").code for n in range(3)]
    places = [(refs.north_karelia.code, ""), (refs.north_karelia.code, "suun-terveys"), (refs.pirkanmaa.code, "")]
    monday = datetime.date(2000, 1, 3)
    lines = []
    for week in range(weeks):
        iso = (monday + datetime.timedelta(weeks=week)).isocalendar()
        period = f"{iso.year}-W{iso.week:02d}"
        lines.extend(
            f"{county},{area},{module},{metric},week,{period},{week}"
            for county, area in places
            for module in modules
            for metric in metrics
        )
    return csv_text(*lines).encode()
