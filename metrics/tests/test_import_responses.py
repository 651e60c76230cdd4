"""The optional responses column of score metrics: stored when a file has it, left alone when it has not."""

import pytest

from metrics.importing.contract import NOT_AN_INTEGER
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.models import MetricKind, UsageStatistic
from metrics.tests.factories import MetricFactory
from metrics.tests.import_support import HEADER, csv_text, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(refs):
    return MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)


def _responses() -> dict[str, int | None]:
    return dict(UsageStatistic.objects.values_list("metric__code", "responses"))


def _import(*rows, header=HEADER):
    return usage_import(file=upload(csv_text(*rows, header=header)), user=TRUSTED_OPERATOR, dry_run=False)


@pytest.mark.parametrize("column", ["responses", "vastauksia", "Vastaukset"])
def test_a_score_is_stored_with_its_number_of_responses(feedback, column):
    result = _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,25", header=f"{HEADER},{column}")

    assert result.ok
    assert _responses() == {"customer_feedback": 25}


def test_a_file_without_the_column_imports_as_before(feedback):
    result = _import("14,,kurkkukipu,assessments_started,week,2026-W40,100")

    assert (result.ok, result.created) == (True, 1)
    assert _responses() == {"assessments_started": None}


def test_an_empty_responses_cell_is_no_responses(feedback):
    result = _import("14,,kurkkukipu,assessments_started,week,2026-W40,100,", header=f"{HEADER},responses")

    assert result.ok
    assert _responses() == {"assessments_started": None}


def test_changed_responses_update_the_row_and_equal_ones_leave_it(feedback):
    header = f"{HEADER},responses"
    _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,25", header=header)

    same = _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,25", header=header)
    changed = _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,30", header=header)

    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert _responses() == {"customer_feedback": 30}


def test_a_file_without_the_column_keeps_the_stored_responses(feedback):
    _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,25", header=f"{HEADER},responses")

    result = _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4")

    assert (result.updated, result.unchanged) == (0, 1)
    assert _responses() == {"customer_feedback": 25}


def test_responses_that_are_not_a_whole_number_refuse_the_file(feedback):
    result = _import("14,,kurkkukipu,customer_feedback,week,2026-W40,4,many", header=f"{HEADER},responses")

    assert not result.ok
    assert [(issue.line, issue.column, issue.message) for issue in result.errors] == [
        (2, "H", str(NOT_AN_INTEGER).format(value="many"))
    ]
    assert not UsageStatistic.objects.exists()
