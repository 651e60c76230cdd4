"""Scores (feedback means) import with up to two decimals within their scale; counts stay whole numbers."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from metrics.importing.contract import (
    COUNT_WITH_DECIMALS,
    NEGATIVE_VALUE,
    NOT_A_SCORE,
    SCORE_OUT_OF_SCALE,
    SCORE_TOO_PRECISE,
    VALUE_TOO_LARGE,
)
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.importing.parsing import ImportIssue
from metrics.models import MetricKind, UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from metrics.tests.import_support import HEADER, csv_text, upload

pytestmark = pytest.mark.django_db

FEEDBACK_ROW = "14,,kurkkukipu,customer_feedback,week,2026-W40"
STARTED_ROW = "14,,kurkkukipu,assessments_started,week,2026-W40"


@pytest.fixture
def feedback(refs):
    return MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)


def imported(text: str, *, name="usage.csv", dry_run=False):
    return usage_import(file=upload(text, name=name), user=TRUSTED_OPERATOR, dry_run=dry_run)


def workbook(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("usage.xlsx", buffer.getvalue())


def stored_values() -> dict[str, object]:
    return dict(UsageStatistic.objects.values_list("metric__code", "value"))


@pytest.mark.parametrize(
    "text",
    [
        csv_text(f"{FEEDBACK_ROW},4.3"),
        csv_text(f"{FEEDBACK_ROW},4.30"),
        csv_text(f'{FEEDBACK_ROW},"4,3"'),
        csv_text("14;;kurkkukipu;customer_feedback;week;2026-W40;4,3", header=HEADER.replace(",", ";")),
    ],
    ids=["dot", "trailing zero", "quoted decimal comma", "semicolon file with a decimal comma"],
)
def test_a_score_imports_with_decimals(feedback, text):
    result = imported(text)

    assert (result.ok, result.created) == (True, 1)
    assert stored_values() == {"customer_feedback": Decimal("4.3")}


def test_a_score_of_an_excel_workbook_is_read_from_its_number(feedback):
    result = usage_import(
        file=workbook(
            ["14", None, "kurkkukipu", "customer_feedback", "week", "2026-W40", 4.3],
            ["14", None, "kurkkukipu", "assessments_started", "week", "2026-W40", 1234],
        ),
        user=TRUSTED_OPERATOR,
    )

    assert (result.errors, result.created) == ([], 2)
    assert stored_values() == {"customer_feedback": Decimal("4.3"), "assessments_started": 1234}


def test_counts_are_read_back_as_whole_numbers_and_scores_without_trailing_zeros(feedback):
    imported(csv_text(f"{STARTED_ROW},12", f"{FEEDBACK_ROW},4.50", f"{FEEDBACK_ROW.replace('W40', 'W41')},4.00"))

    values = list(UsageStatistic.objects.order_by("metric__code", "period_start").values_list("value", flat=True))

    assert values == [12, Decimal("4.5"), 4]
    assert [type(value) for value in values] == [int, Decimal, int]
    assert [str(value) for value in values] == ["12", "4.5", "4"]


@pytest.mark.parametrize("again", ["4.3", "4.30", '"4,3"', '"4,30"'])
def test_importing_the_same_score_again_changes_nothing(feedback, again):
    imported(csv_text(f"{FEEDBACK_ROW},4.30,25", header=f"{HEADER},responses"))

    result = imported(csv_text(f"{FEEDBACK_ROW},{again},25", header=f"{HEADER},responses"))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_a_changed_decimal_updates_the_score(feedback):
    imported(csv_text(f"{FEEDBACK_ROW},4.3"))

    result = imported(csv_text(f"{FEEDBACK_ROW},4.31"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert stored_values() == {"customer_feedback": Decimal("4.31")}


@pytest.mark.parametrize("value", ["12.5", '"12,5"', "12.0"])
def test_a_count_with_decimals_is_refused_by_line_and_column(feedback, value):
    result = imported(csv_text(f"{STARTED_ROW.replace('W40', 'W39')},7", f"{STARTED_ROW},{value}"))

    shown = value.strip('"')
    assert result.errors == [
        ImportIssue(3, "G", str(COUNT_WITH_DECIMALS).format(value=shown, metric="assessments_started"))
    ]
    assert not UsageStatistic.objects.exists()


def test_a_count_with_decimals_in_a_workbook_is_refused(feedback):
    result = usage_import(
        file=workbook(["14", None, "kurkkukipu", "assessments_started", "week", "2026-W40", 12.5]),
        user=TRUSTED_OPERATOR,
    )

    assert result.errors == [
        ImportIssue(2, "G", str(COUNT_WITH_DECIMALS).format(value="12.5", metric="assessments_started"))
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5.01", SCORE_OUT_OF_SCALE.format(value="5.01", low=1, high=5, metric="customer_feedback")),
        ("7", SCORE_OUT_OF_SCALE.format(value="7", low=1, high=5, metric="customer_feedback")),
        ("0", SCORE_OUT_OF_SCALE.format(value="0", low=1, high=5, metric="customer_feedback")),
        ("0,99", SCORE_OUT_OF_SCALE.format(value="0,99", low=1, high=5, metric="customer_feedback")),
        ("4.333", SCORE_TOO_PRECISE.format(value="4.333")),
        ("-1", NEGATIVE_VALUE.format(value="-1")),
        ("hyvä", NOT_A_SCORE.format(value="hyvä")),
        ("4.", NOT_A_SCORE.format(value="4.")),
    ],
)
def test_a_score_outside_its_scale_or_of_three_decimals_is_refused(feedback, value, message):
    result = imported(csv_text(f'{FEEDBACK_ROW},"{value}"'))

    assert result.errors == [ImportIssue(2, "G", str(message))]
    assert not UsageStatistic.objects.exists()


def test_the_scale_is_checked_on_every_row_of_a_metric(feedback):
    rows = [f"{FEEDBACK_ROW.replace('W40', f'W{week}')},{value}" for week, value in ((40, 5), (41, 6), (42, 5))]

    result = imported(csv_text(*rows))

    assert [(issue.line, issue.column) for issue in result.errors] == [(3, "G")]


def test_a_hand_edit_obeys_the_same_rules(feedback, refs):
    count = UsageStatisticFactory(metric=refs.started, value=Decimal("12.5"))
    score = UsageStatisticFactory(metric=feedback, value=Decimal("5.5"))

    with pytest.raises(ValidationError) as count_error:
        count.full_clean()
    with pytest.raises(ValidationError) as score_error:
        score.full_clean()

    assert count_error.value.message_dict == {
        "value": [str(COUNT_WITH_DECIMALS).format(value="12.5", metric="assessments_started")]
    }
    assert score_error.value.message_dict == {
        "value": [str(SCORE_OUT_OF_SCALE).format(value="5.5", low=1, high=5, metric="customer_feedback")]
    }


def test_the_largest_count_reads_back_exactly_and_a_larger_one_is_refused(feedback):
    largest = "9" * 15

    imported(csv_text(f"{STARTED_ROW},{largest}"))
    refused = imported(csv_text(f"{STARTED_ROW},1{'0' * 15}"))

    assert stored_values() == {"assessments_started": int(largest)}
    assert refused.errors == [ImportIssue(2, "G", str(VALUE_TOO_LARGE).format(value="1" + "0" * 15))]
    again = imported(csv_text(f"{STARTED_ROW},{largest}"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
