"""Finnish working days, hand-counted on the 2026–2027 calendar."""

import datetime

import pytest

from plans.working_days import add_working_days, is_working_day, next_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Easter 2026: Good Friday 3.4., Easter Monday 6.4.
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 4, 7), -1, D(2026, 4, 2)),
        # Midsummer 2026: Midsummer Eve Fri 19.6. is a day off, Midsummer Day Sat 20.6.
        (D(2026, 6, 18), 1, D(2026, 6, 22)),
        (D(2026, 6, 22), -2, D(2026, 6, 17)),
        # Independence Day Mon 6.12.2027.
        (D(2027, 12, 3), 1, D(2027, 12, 7)),
        # Christmas 2026: Eve Thu 24.12., Christmas Day Fri 25.12.; then the weekend.
        (D(2026, 12, 21), 5, D(2026, 12, 30)),
        # Across the year's end: New Year's Day Fri 1.1.2027, Epiphany Wed 6.1.2027.
        (D(2026, 12, 30), 3, D(2027, 1, 5)),
        (D(2026, 12, 30), 4, D(2027, 1, 7)),
        (D(2027, 1, 7), -4, D(2026, 12, 30)),
        # Ascension Day Thu 14.5.2026, counted backwards from a go-live.
        (D(2026, 5, 18), -5, D(2026, 5, 8)),
        # A plain week, and zero.
        (D(2026, 3, 6), 1, D(2026, 3, 9)),
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 6, 19), False),  # Midsummer Eve
        (D(2026, 12, 24), False),  # Christmas Eve
        (D(2026, 12, 31), True),  # New Year's Eve is a working day
        (D(2026, 5, 1), False),  # May Day
        (D(2027, 12, 6), False),  # Independence Day
        (D(2026, 12, 5), False),  # a Saturday
        (D(2026, 12, 7), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_next_working_day_skips_the_christmas_holidays():
    assert next_working_day(D(2026, 12, 24)) == D(2026, 12, 28)
    assert next_working_day(D(2026, 12, 28)) == D(2026, 12, 28)
