"""Reference data, files and snapshots shared by the import tests."""

from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

HEADER = "county,service_area,module,metric,period_type,period,value"


def reference_data() -> SimpleNamespace:
    """Two counties, a service area, two contents and two metrics."""
    north_karelia = WellbeingCountyFactory(
        code="14", name_fi="Pohjois-Karjalan hyvinvointialue", name_sv="Norra Karelens välfärdsområde"
    )
    pirkanmaa = WellbeingCountyFactory(
        code="08", name_fi="Pirkanmaan hyvinvointialue", name_sv="Birkalands välfärdsområde"
    )
    return SimpleNamespace(
        north_karelia=north_karelia,
        pirkanmaa=pirkanmaa,
        oral_health=ServiceAreaFactory(county=north_karelia, code="suun-terveys", name_fi="Suun terveydenhuolto"),
        uti=ContentModuleFactory(code="virtsatietulehdus", name_fi="Virtsatietulehdus"),
        sore_throat=ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu"),
        started=MetricFactory(code="assessments_started"),
        completed=MetricFactory(code="assessments_completed"),
    )


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
