"""The import service: writing, idempotence, all-or-nothing, batches and permissions."""

import datetime
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.importing.contract import NEGATIVE_VALUE
from metrics.importing.importer import NO_IMPORT_PERMISSION, TRUSTED_OPERATOR, usage_import
from metrics.importing.parsing import ImportIssue
from metrics.importing.validation import FOREIGN_COUNTY
from metrics.models import ImportBatch, ImportState, UsageStatistic
from metrics.tests.import_support import csv_text, grant_import, snapshot, stored, upload

pytestmark = pytest.mark.django_db

WEEK_5 = datetime.date(2024, 1, 29)
MAY = datetime.date(2024, 5, 1)

VALID_ROWS = (
    "14,,virtsatietulehdus,assessments_started,week,2024-W05,120",
    "14,,virtsatietulehdus,assessments_completed,week,2024-W05,100",
    "14,suun-terveys,virtsatietulehdus,assessments_started,week,2024-W05,20",
    "08,,kurkkukipu,assessments_started,month,2024-05,4 502",
)
VALID_STORED = {
    ("14", None, "virtsatietulehdus", "assessments_started", "week", WEEK_5, 120),
    ("14", None, "virtsatietulehdus", "assessments_completed", "week", WEEK_5, 100),
    ("14", "suun-terveys", "virtsatietulehdus", "assessments_started", "week", WEEK_5, 20),
    ("08", None, "kurkkukipu", "assessments_started", "month", MAY, 4502),
}


def test_a_valid_file_is_written_and_recorded_as_a_batch(refs):
    content = csv_text(*VALID_ROWS)

    result = usage_import(file=upload(content), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.ok
    assert (result.created, result.updated, result.unchanged, result.rows_read) == (4, 0, 0, 4)
    assert stored() == VALID_STORED
    batch = result.batch
    assert batch.outcome == ImportState.APPLIED
    assert batch.file_name == "usage.csv"
    assert batch.sha256 == hashlib.sha256(content.encode()).hexdigest()
    assert (batch.rows_read, batch.rows_created, batch.rows_updated, batch.rows_unchanged, batch.rows_rejected) == (
        4,
        4,
        0,
        0,
        0,
    )
    assert batch.errors == []
    assert batch.duration_seconds is not None
    assert set(UsageStatistic.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_importing_the_same_file_again_changes_and_writes_nothing(refs):
    usage_import(file=upload(csv_text(*VALID_ROWS)), user=TRUSTED_OPERATOR, dry_run=False)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        result = usage_import(file=upload(csv_text(*VALID_ROWS)), user=TRUSTED_OPERATOR, dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert snapshot() == before
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(("UPDATE", "INSERT")) and "metrics_usagestatistic" in query["sql"].split("SELECT")[0]
    ]
    # The set-based statements run, but they match no row.
    assert all(("t.value <> s.value" in sql) or ("NOT EXISTS" in sql) or ("DO NOTHING" in sql) for sql in writes)
    assert result.batch.rows_unchanged == 4


def test_a_corrected_file_updates_exactly_the_changed_values(refs):
    first = usage_import(file=upload(csv_text(*VALID_ROWS)), user=TRUSTED_OPERATOR, dry_run=False)
    corrected = [row.replace(",100", ",101") for row in VALID_ROWS]

    result = usage_import(file=upload(csv_text(*corrected)), user=TRUSTED_OPERATOR, dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert stored() == (
        VALID_STORED - {("14", None, "virtsatietulehdus", "assessments_completed", "week", WEEK_5, 100)}
    ) | {("14", None, "virtsatietulehdus", "assessments_completed", "week", WEEK_5, 101)}
    batches = dict(UsageStatistic.objects.values_list("metric__code", "import_batch"))
    assert batches == {"assessments_started": first.batch.pk, "assessments_completed": result.batch.pk}


def test_new_and_changed_rows_are_counted_apart(refs):
    usage_import(file=upload(csv_text(*VALID_ROWS[:2])), user=TRUSTED_OPERATOR, dry_run=False)
    rows = [VALID_ROWS[0].replace(",120", ",125"), VALID_ROWS[1], *VALID_ROWS[2:]]

    result = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    assert UsageStatistic.objects.count() == 4


def test_the_whole_county_key_is_not_stored_twice(refs):
    whole_county = "14,,virtsatietulehdus,assessments_started,week,2024-W05,7"
    service_area = "14,suun-terveys,virtsatietulehdus,assessments_started,week,2024-W05,3"
    usage_import(file=upload(csv_text(whole_county, service_area)), user=TRUSTED_OPERATOR, dry_run=False)

    result = usage_import(file=upload(csv_text(whole_county.replace(",7", ",8"))), user=TRUSTED_OPERATOR, dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert stored() == {
        ("14", None, "virtsatietulehdus", "assessments_started", "week", WEEK_5, 8),
        ("14", "suun-terveys", "virtsatietulehdus", "assessments_started", "week", WEEK_5, 3),
    }


def test_a_bad_last_row_leaves_the_table_exactly_as_before(refs):
    usage_import(file=upload(csv_text(*VALID_ROWS[:2])), user=TRUSTED_OPERATOR, dry_run=False)
    before = snapshot()
    rows = [
        VALID_ROWS[0].replace(",120", ",999"),
        *VALID_ROWS[1:],
        "14,,kurkkukipu,assessments_started,week,2024-W06,-1",
    ]

    result = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=False)

    assert not result.ok
    message = NEGATIVE_VALUE.format(value="-1")
    assert result.errors == [ImportIssue(6, "G", message)]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert snapshot() == before
    batch = result.batch
    assert batch.outcome == ImportState.REJECTED
    assert (batch.rows_read, batch.rows_rejected) == (5, 1)
    assert batch.errors == [[6, "G", message]]


def test_a_dry_run_reports_the_changes_and_writes_nothing(refs):
    usage_import(file=upload(csv_text(VALID_ROWS[0])), user=TRUSTED_OPERATOR, dry_run=False)
    before = snapshot()
    rows = [VALID_ROWS[0].replace(",120", ",121"), *VALID_ROWS[1:]]

    result = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=True, sample_size=10)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    assert snapshot() == before
    assert result.batch.outcome == ImportState.DRY_RUN
    assert (result.batch.rows_created, result.batch.rows_updated) == (3, 1)
    changes = [(change.line, change.old_value, change.new_value) for change in result.changes]
    assert changes == [(2, 120, 121), (3, None, 100), (4, None, 20), (5, None, 4502)]
    assert result.changes[2].service_area == "suun-terveys"


def test_the_dry_run_and_the_import_count_alike(refs):
    usage_import(file=upload(csv_text(*VALID_ROWS[1:3])), user=TRUSTED_OPERATOR, dry_run=False)
    rows = [VALID_ROWS[0], VALID_ROWS[1].replace(",100", ",0"), *VALID_ROWS[2:]]

    preview = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=True)
    applied = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=False)

    assert (preview.created, preview.updated, preview.unchanged) == (2, 1, 1)
    assert (applied.created, applied.updated, applied.unchanged) == (2, 1, 1)


def test_codes_names_and_finnish_forms_are_understood(refs):
    rows = (
        "Pohjois-Karjalan hyvinvointialue,,Virtsatietulehdus,assessments_started,viikko,29.1.2024,1 234",
        "norra karelens välfärdsområde,Suun terveydenhuolto,VIRTSATIETULEHDUS,assessments_started,Week,31.1.2024,12",
        "PIRKANMAAN HYVINVOINTIALUE,,kurkkukipu,assessments_started,kuukausi,27.5.2024,1\u00a0000\u00a0000",
        "08,,kurkkukipu,assessments_completed,month,5.2024,1\u202f001",
        "08,,kurkkukipu,assessments_started,week,2024-02-04,0",
    )

    result = usage_import(file=upload(csv_text(*rows)), user=TRUSTED_OPERATOR, dry_run=False)

    assert result.errors == []
    assert stored() == {
        ("14", None, "virtsatietulehdus", "assessments_started", "week", WEEK_5, 1234),
        ("14", "suun-terveys", "virtsatietulehdus", "assessments_started", "week", WEEK_5, 12),
        ("08", None, "kurkkukipu", "assessments_started", "month", MAY, 1000000),
        ("08", None, "kurkkukipu", "assessments_completed", "month", MAY, 1001),
        ("08", None, "kurkkukipu", "assessments_started", "week", WEEK_5, 0),
    }


def test_the_service_area_column_may_be_left_out(refs):
    header = "county,module,metric,period_type,period,value"

    result = usage_import(
        file=upload(csv_text("14,kurkkukipu,assessments_started,week,2024-W05,5", header=header)),
        user=TRUSTED_OPERATOR,
        dry_run=False,
    )

    assert result.ok
    assert stored() == {("14", None, "kurkkukipu", "assessments_started", "week", WEEK_5, 5)}


def test_a_path_can_be_imported(refs, tmp_path):
    path = tmp_path / "viikot.csv"
    path.write_text(csv_text(*VALID_ROWS), encoding="utf-8")

    result = usage_import(file=path, user=TRUSTED_OPERATOR, dry_run=False)

    assert (result.created, result.batch.file_name) == (4, "viikot.csv")


# --- permissions -------------------------------------------------------------------------


def test_a_user_without_the_import_permission_is_refused(refs):
    user = get_user_model().objects.create_user("editor", is_staff=True)

    with pytest.raises(PermissionDenied) as refused:
        usage_import(file=upload(csv_text(*VALID_ROWS)), user=user, dry_run=False)

    assert str(refused.value) == str(NO_IMPORT_PERMISSION)
    assert UsageStatistic.objects.count() == 0


def test_a_county_editor_imports_their_own_county(refs):
    user = get_user_model().objects.create_user("siun-sote", is_staff=True)
    refs.north_karelia.editors.add(user)
    user = grant_import(user)

    result = usage_import(file=upload(csv_text(*VALID_ROWS[:3])), user=user, dry_run=False)

    assert (result.created, result.batch.user) == (3, user)


def test_a_county_editor_gets_an_error_for_each_row_of_another_county(refs):
    user = get_user_model().objects.create_user("siun-sote", is_staff=True)
    refs.north_karelia.editors.add(user)
    user = grant_import(user)
    rows = [*VALID_ROWS, "08,,kurkkukipu,assessments_completed,month,2024-05,3"]

    result = usage_import(file=upload(csv_text(*rows)), user=user, dry_run=False)

    message = FOREIGN_COUNTY.format(county="08")
    assert result.errors == [ImportIssue(5, "A", message), ImportIssue(6, "A", message)]
    assert UsageStatistic.objects.count() == 0
    assert ImportBatch.objects.get().outcome == ImportState.REJECTED


def test_a_superuser_imports_every_county(refs):
    user = get_user_model().objects.create_superuser("admin")

    result = usage_import(file=upload(csv_text(*VALID_ROWS)), user=user, dry_run=False)

    assert result.created == 4
