"""One import path: the admin (small and background-checked files), `import_usage` and the task worker.

A property test generates valid files of every metric kind (additive and distinct counts,
scores with decimal commas and responses, NPS, service areas), as CSV and XLSX, and proves
that every path stores the same rows; a crash injected in any step leaves a batch that says
it failed, never one that reads like a successful check.
"""

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from metrics.importing.importer import UNEXPECTED_ERROR
from metrics.importing.lifecycle import background_check_run, background_check_store
from metrics.models import ImportBatch, ImportState, MetricKind, PendingUsageImport, UsageStatistic
from metrics.tasks import usage_import_queue
from metrics.tests.factories import MetricFactory, import_reference_data

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
HEADER = ["county", "service_area", "module", "metric", "period_type", "period", "value", "responses"]
HYPOTHESIS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# metric code → (kind, scale_min, scale_max)
METRICS = {
    "assessments_started": (MetricKind.ADDITIVE, None, None),
    "users": (MetricKind.DISTINCT, None, None),
    "customer_feedback": (MetricKind.SCORE, 1, 5),
    "customer_nps": (MetricKind.SCORE, -100, 100),
}
PLACES = [("14", ""), ("14", "suun-terveys"), ("08", "")]
MODULES = ["kurkkukipu", "virtsatietulehdus"]
PATHS = ["command", "admin", "admin_background", "worker"]


@pytest.fixture
def refs(db):
    refs = import_reference_data()
    for code, (kind, low, high) in METRICS.items():
        MetricFactory(code=code, kind=kind, scale_min=low, scale_max=high)
    return refs


def score_values(low: int, high: int):
    """A score of at most two decimals within its scale."""
    return st.integers(low * 100, high * 100).map(lambda hundredths: Decimal(hundredths) / 100)


@st.composite
def statistics(draw):
    """Rows of distinct keys: (county, area, module, metric, period type, period start, value, responses)."""
    key = st.tuples(
        st.sampled_from(PLACES),
        st.sampled_from(MODULES),
        st.sampled_from(sorted(METRICS)),
        st.sampled_from(["week", "month"]),
        st.integers(1, 12),
    )
    keys = draw(st.lists(key, min_size=1, max_size=8, unique=True))
    rows = []
    for (county, area), module, metric, period_type, ordinal in keys:
        kind, low, high = METRICS[metric]
        if kind == MetricKind.SCORE:
            value = draw(score_values(low, high))
            responses = draw(st.one_of(st.none(), st.integers(1, 100_000)))
        else:
            value = draw(st.integers(0, 10**9))
            responses = None
        start = (
            datetime.date.fromisocalendar(2026, ordinal, 1)
            if period_type == "week"
            else datetime.date(2026, ordinal, 1)
        )
        rows.append((county, area, module, metric, period_type, start, value, responses))
    return rows


def period_text(period_type, start) -> str:
    return f"{start.isocalendar().year}-W{start.isocalendar().week:02d}" if period_type == "week" else f"{start:%Y-%m}"


def value_text(value, decimal_comma: bool) -> str:
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if decimal_comma else text


@st.composite
def rendered(draw, rows):
    """The rows as a CSV (semicolon or comma, decimal comma or dot) or XLSX file."""
    kind = draw(st.sampled_from(["csv", "xlsx"]))
    decimal_comma = draw(st.booleans())
    records = [
        [
            county,
            area,
            module,
            metric,
            period_type,
            period_text(period_type, start),
            value_text(value, decimal_comma),
            "" if responses is None else str(responses),
        ]
        for county, area, module, metric, period_type, start, value, responses in rows
    ]
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for record in records:
            sheet.append(record)
        buffer = io.BytesIO()
        book.save(buffer)
        return "usage.xlsx", buffer.getvalue()
    text = io.StringIO()
    csv.writer(text, delimiter=draw(st.sampled_from([";", ","])), lineterminator="\n").writerows([HEADER, *records])
    return "usage.csv", text.getvalue().encode("utf-8")


def stored_rows() -> set[tuple]:
    return set(
        UsageStatistic.objects.values_list(
            "county__code",
            "service_area__code",
            "module__code",
            "metric__code",
            "period_type",
            "period_start",
            "value",
            "responses",
        )
    )


def expected_rows(rows) -> set[tuple]:
    return {(c, a or None, m, k, t, s, v, r) for c, a, m, k, t, s, v, r in rows}


def confirm(client, pending):
    return client.post(reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token]))


def import_through(path: str, *, name: str, content: bytes, client, user, tmp_path):
    """Import the file the way `path` does; returns the admin's last response (None for the command and worker)."""
    upload = SimpleUploadedFile(name, content)
    if path == "command":
        file = tmp_path / name
        file.write_bytes(content)
        call_command("import_usage", str(file), verbosity=0)
        return None
    if path == "worker":
        batch = background_check_store(file=upload, user=user)
        background_check_run(batch_id=batch.pk)
        pending = PendingUsageImport.objects.filter(preview_batch=batch).first()
        if pending is not None:
            usage_import_queue(token=pending.token, user=user)
        return None
    threshold = 0 if path == "admin_background" else 2
    with override_settings(USAGE_IMPORT_BACKGROUND_CHECK_MB=threshold):
        response = client.post(UPLOAD_URL, {"file": upload})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.FOUND:
        response = client.get(response.url)
    pending = response.context.get("pending")
    if pending is None:
        return response
    return confirm(client, pending)


@HYPOTHESIS
@given(data=st.data())
def test_every_path_stores_the_same_rows_for_any_valid_file(refs, admin_client, admin_user, tmp_path, data):
    rows = data.draw(statistics())
    name, content = data.draw(rendered(rows))

    for path in PATHS:
        with transaction.atomic():
            import_through(path, name=name, content=content, client=admin_client, user=admin_user, tmp_path=tmp_path)
            applied = ImportBatch.objects.get(outcome=ImportState.APPLIED)
            assert (path, stored_rows()) == (path, expected_rows(rows))
            assert (path, applied.rows_created, applied.error_count) == (path, len(rows), 0)
            assert not PendingUsageImport.objects.exists()
            transaction.set_rollback(True)


# --- a crash in any step ---------------------------------------------------------------------

# (step, the dotted name patched to raise)
STEPS = [
    ("inspect", "metrics.importing.importer.inspect_file"),
    ("rows", "metrics.importing.validation.RowValidator.valid_rows"),
    ("dry run", "metrics.importing.staging.Staging.count_changes"),
    ("write", "metrics.importing.staging.Staging.write"),
    ("sample kept", "metrics.importing.importer.ChangeSample.stored"),
    ("file kept", "metrics.importing.lifecycle.pending_file_store"),
    ("file read back", "metrics.importing.lifecycle.pending_file_open"),
    ("queue", "django.tasks.backends.immediate.ImmediateBackend.enqueue"),
]
# The steps each path takes (the command reads the file and writes it, nothing else).
PATH_STEPS = {
    "command": {"inspect", "rows", "write"},
    "admin": {name for name, _ in STEPS},
    "admin_background": {name for name, _ in STEPS},
    "worker": {name for name, _ in STEPS},
}
CRASHES = [(path, step, target) for path in PATHS for step, target in STEPS if step in PATH_STEPS[path]]


def crash(*args, **kwargs):
    raise RuntimeError("injected crash")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "step", "target"), CRASHES, ids=[f"{p}-{s}" for p, s, _ in CRASHES])
def test_a_crash_in_any_step_leaves_a_batch_that_says_it_failed(
    refs, admin_client, admin_user, tmp_path, monkeypatch, path, step, target
):
    content = b"county;service_area;module;metric;period_type;period;value;responses\n"
    content += (
        b"14;;kurkkukipu;customer_feedback;month;2026-11;4,3;57\n14;suun-terveys;kurkkukipu;users;week;2026-W40;12\n"
    )
    monkeypatch.setattr(target, crash)

    try:
        response = import_through(
            path, name="usage.csv", content=content, client=admin_client, user=admin_user, tmp_path=tmp_path
        )
    except CommandError:
        assert path == "command"
        response = None

    last = ImportBatch.objects.order_by("-pk").first()
    assert (last.outcome, last.errors, last.error_count) == (
        ImportState.REJECTED,
        [[None, None, str(UNEXPECTED_ERROR)]],
        1,
    )
    assert (last.rows_created, last.rows_updated) == (0, 0)
    assert not UsageStatistic.objects.exists()
    if response is not None:
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
        page = admin_client.get(reverse("admin:metrics_importbatch_change", args=[last.pk]))
        assert page.status_code == HTTPStatus.OK
        assert str(UNEXPECTED_ERROR) in page.content.decode()


@pytest.mark.django_db
def test_a_feedback_file_previews_and_imports_in_the_admin(refs, admin_client):
    content = b"county;service_area;module;metric;period_type;period;value;responses\n"
    content += b"14;;kurkkukipu;customer_feedback;month;2026-11;4,3;57\n"

    preview = admin_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("palaute.csv", content)})

    assert preview.status_code == HTTPStatus.OK
    assert [(c.line, c.old_value, c.new_value) for c in preview.context["result"].changes] == [
        (2, None, Decimal("4.3"))
    ]
    done = confirm(admin_client, preview.context["pending"])
    assert done.status_code == HTTPStatus.FOUND
    assert resolve(done.url).url_name == "metrics_importbatch_change"
    assert stored_rows() == {
        ("14", None, "kurkkukipu", "customer_feedback", "month", datetime.date(2026, 11, 1), Decimal("4.3"), 57)
    }
