import datetime

import pytest

from metrics import periods


@pytest.mark.parametrize(
    ("period_type", "day", "label"),
    [
        ("week", datetime.date(2024, 1, 29), "2024-W05"),
        ("week", datetime.date(2024, 12, 30), "2025-W01"),
        ("week", datetime.date(2021, 1, 4), "2021-W01"),
        ("month", datetime.date(2024, 5, 1), "2024-05"),
    ],
)
def test_period_label_uses_iso_weeks(period_type, day, label):
    assert periods.period_label(period_type, day) == label


def test_period_step_back_crosses_years():
    assert periods.period_step_back("month", datetime.date(2024, 2, 1), 3) == datetime.date(2023, 11, 1)
    assert periods.period_step_back("week", datetime.date(2024, 1, 8), 2) == datetime.date(2023, 12, 25)
