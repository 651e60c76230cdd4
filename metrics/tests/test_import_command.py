"""The import_usage management command."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from metrics.importing.contract import NEGATIVE_VALUE
from metrics.management.commands.import_usage import (
    CANNOT_READ,
    COUNTS,
    DRY_RUN_COUNTS,
    FIRST_ERRORS_SHOWN,
    IMPORT_REFUSED,
    PROGRESS,
)
from metrics.models import ImportBatch, ImportState, UsageStatistic
from metrics.tests.import_support import csv_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("refs")]

ROWS = (
    "14,,virtsatietulehdus,assessments_started,week,2024-W05,120",
    "08,,kurkkukipu,assessments_completed,month,2024-05,7",
)


@pytest.fixture
def usage_file(tmp_path):
    def write(*rows):
        path = tmp_path / "usage.csv"
        path.write_text(csv_text(*rows), encoding="utf-8")
        return str(path)

    return write


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_usage", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_a_valid_file_prints_the_counts(usage_file):
    path = usage_file(*ROWS)

    assert run(path) == (COUNTS % {"created": 2, "updated": 0, "unchanged": 0} + "\n", "")
    assert run(path) == (COUNTS % {"created": 0, "updated": 0, "unchanged": 2} + "\n", "")
    assert UsageStatistic.objects.count() == 2


def test_a_dry_run_writes_nothing(usage_file):
    stdout, _ = run(usage_file(*ROWS), "--dry-run")

    counts = COUNTS % {"created": 2, "updated": 0, "unchanged": 0}
    assert stdout == DRY_RUN_COUNTS % {"counts": counts} + "\n"
    assert UsageStatistic.objects.count() == 0
    assert ImportBatch.objects.get().outcome == ImportState.DRY_RUN


def test_errors_go_to_stderr_and_the_command_fails(usage_file):
    rows = [*ROWS, "14,,kurkkukipu,assessments_started,week,2024-W05,-1", "14,,kurkkukipu,assessments_started,week,x,1"]
    stderr = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_usage", usage_file(*rows), stdout=io.StringIO(), stderr=stderr)

    lines = stderr.getvalue().splitlines()
    assert lines[0] == f"line 4, column G: {NEGATIVE_VALUE.format(value='-1')}"
    assert lines[1].startswith("line 5, column F: ")
    assert str(failed.value) == IMPORT_REFUSED % {"count": 2}
    assert UsageStatistic.objects.count() == 0


def test_only_the_first_hundred_errors_are_printed(usage_file):
    rows = [f"14,,kurkkukipu,assessments_started,week,2024-W{week:02d},-1" for week in range(1, 53)]
    rows += [f"14,,kurkkukipu,assessments_completed,week,2023-W{week:02d},-1" for week in range(1, 53)]
    stderr = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_usage", usage_file(*rows), stdout=io.StringIO(), stderr=stderr)

    assert len(stderr.getvalue().splitlines()) == 100
    assert str(failed.value) == f"{IMPORT_REFUSED % {'count': 104}} {FIRST_ERRORS_SHOWN % {'shown': 100}}"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as failed:
        run(str(tmp_path / "missing.csv"))

    path = str(tmp_path / "missing.csv")
    assert str(failed.value) == CANNOT_READ % {"file": path, "reason": "No such file or directory"}


def test_the_command_exits_non_zero(usage_file, capsys):
    path = usage_file("14,,kurkkukipu,assessments_started,week,2024-W05,-1")

    with pytest.raises(SystemExit) as exited:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "import_usage", path])

    assert exited.value.code == 1
    assert "line 2, column G:" in capsys.readouterr().err


def test_the_shipped_sample_file_imports_after_the_import_reference_data():
    call_command("load_reference_data", verbosity=0)

    stdout, stderr = run(str(settings.BASE_DIR / "data" / "sample_usage.csv"))

    assert (stdout, stderr) == (COUNTS % {"created": 8, "updated": 0, "unchanged": 0} + "\n", "")


def test_progress_is_shown_on_a_terminal(usage_file, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setattr("metrics.importing.validation.PROGRESS_EVERY", 1)

    _, stderr = run(usage_file(*ROWS))

    assert stderr == "".join("\r" + PROGRESS % {"rows": rows} for rows in (1, 2, 2)) + "\n"
