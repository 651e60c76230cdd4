"""The coverage of a week, hand-computed: a holiday (1.1.2026, a Thursday) and a change of hours mid-week."""

import datetime

from django.utils import translation

from routing.calendar import holiday_dates, is_working_day, weekday_of
from routing.choices import Channel, WindowKind
from routing.coverage import day_gaps, gap_ranges, week_coverage
from routing.facts import DatedHours, DayHours, RouteFacts, UnitFacts
from routing.models import weekday_ranges

MONDAY = datetime.date(2025, 12, 29)
CENTRE, HELPLINE = 1, 2
UNITS = {
    CENTRE: UnitFacts(
        id=CENTRE,
        name="Digikeskus",
        county_id=17,
        hours=(
            *(DayHours(day, datetime.time(7), datetime.time(21)) for day in range(1, 6)),
            *(DayHours(day, datetime.time(8), datetime.time(18)) for day in (6, 7)),
        ),
    ),
    HELPLINE: UnitFacts(id=HELPLINE, name="116117", county_id=None, open_around_the_clock=True),
}


def route(route_id, *, weekdays=(), starts=None, ends=None, valid_from=datetime.date(2025, 1, 1), **values):
    values.setdefault("receiving_unit_id", CENTRE)
    values.setdefault("channel", Channel.WORK_QUEUE)
    return RouteFacts(
        id=route_id,
        label=f"route {route_id}",
        county_id=17,
        module_id=5,
        outcome="non-urgent",
        valid_from=valid_from,
        weekdays=frozenset(weekdays),
        starts_at=None if starts is None else datetime.time(*starts),
        ends_at=None if ends is None else datetime.time(*ends),
        **values,
    )


WEEKDAYS_LONG = route(1, weekdays=range(1, 6), starts=(7,), ends=(21,), valid_to=datetime.date(2025, 12, 30))
WEEKDAYS_SHORT = route(2, weekdays=range(1, 6), starts=(8,), ends=(16,), valid_from=datetime.date(2025, 12, 31))
WEEKENDS = route(3, weekdays=(6, 7), starts=(8,), ends=(18,))
NIGHTS = route(
    4, weekdays=range(1, 8), starts=(21,), ends=(7,), receiving_unit_id=HELPLINE, channel=Channel.HELPLINE_116117
)
ROUTES = [WEEKDAYS_LONG, WEEKDAYS_SHORT, WEEKENDS, NIGHTS]


def day(offset):
    return MONDAY + datetime.timedelta(days=offset)


def cell(cells, offset, hour):
    return cells[offset * 24 + hour]


def test_new_years_day_is_a_sunday_and_no_working_day():
    holidays = holiday_dates(start=MONDAY, end=day(6))

    assert holidays == {datetime.date(2026, 1, 1)}
    assert weekday_of(datetime.date(2026, 1, 1), holidays=holidays) == 7
    assert not is_working_day(datetime.date(2026, 1, 1), holidays=holidays)
    assert is_working_day(datetime.date(2026, 1, 2), holidays=holidays)


def test_midsummer_eve_and_christmas_eve_count_as_holidays():
    holidays = holiday_dates(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))

    assert datetime.date(2026, 6, 19) in holidays  # Midsummer Eve, a Friday
    assert datetime.date(2026, 12, 24) in holidays  # Christmas Eve, a Thursday
    assert len(holidays) == 15


def test_the_week_lists_the_route_serving_each_hour():
    cells = week_coverage(routes=ROUTES, units=UNITS, week_start=MONDAY)["non-urgent"]

    assert len(cells) == 168
    assert cell(cells, 0, 3).route_ids == (4,)  # Monday night: 116117 from Sunday 21
    assert cell(cells, 0, 10).route_ids == (1,)
    assert cell(cells, 1, 20).route_ids == (1,)  # Tuesday, the last day of the long hours
    assert cell(cells, 2, 10).route_ids == (2,)  # Wednesday, the short hours begin
    assert cell(cells, 2, 20).route_ids == ()
    assert cell(cells, 3, 10).route_ids == (3,)  # New Year's Day takes the weekend route
    assert cell(cells, 3, 22).route_ids == (4,)
    assert cell(cells, 4, 12).route_ids == (2,)
    assert cell(cells, 6, 17).route_ids == (3,)


def test_the_gaps_follow_the_change_and_the_holiday():
    cells = week_coverage(routes=ROUTES, units=UNITS, week_start=MONDAY)["non-urgent"]

    assert gap_ranges(cells) == [
        (day(2), 7, 8),
        (day(2), 16, 21),
        (day(3), 7, 8),
        (day(3), 18, 21),
        (day(4), 7, 8),
        (day(4), 16, 21),
        (day(5), 7, 8),
        (day(5), 18, 21),
        (day(6), 7, 8),
        (day(6), 18, 21),
    ]
    assert sum(cell.is_gap for cell in cells) == 24
    holidays = holiday_dates(start=MONDAY, end=day(6))
    assert [
        run for offset in range(7) for run in day_gaps(routes=ROUTES, units=UNITS, day=day(offset), holidays=holidays)
    ] == gap_ranges(cells)


def test_an_hour_served_for_only_some_quarters_lists_the_route_but_is_a_gap():
    phone = route(7, weekdays=range(1, 6), starts=(7, 45), ends=(15,), channel=Channel.PHONE_LINE)

    cells = week_coverage(routes=[phone], units=UNITS, week_start=MONDAY)["non-urgent"]

    assert cell(cells, 0, 7).route_ids == (7,)
    assert cell(cells, 0, 7).is_gap
    assert not cell(cells, 0, 8).is_gap
    assert cell(cells, 0, 15).route_ids == ()


def test_a_route_for_the_hours_a_unit_is_closed_follows_its_holiday_hours():
    by_day = route(1, weekdays=range(1, 8), starts=(0,), ends=(0,))
    closed = route(
        2,
        window_kind=WindowKind.UNIT_CLOSED,
        window_unit_id=CENTRE,
        receiving_unit_id=HELPLINE,
        channel=Channel.PHONE_LINE,
    )
    centre_hours_only = route(1, window_kind=WindowKind.UNIT_CLOSED, window_unit_id=HELPLINE)

    cells = week_coverage(routes=[closed], units=UNITS, week_start=MONDAY)["non-urgent"]

    assert cell(cells, 3, 7).route_ids == (2,)  # New Year's Day: the centre keeps Sunday hours, 8–18
    assert cell(cells, 3, 8).route_ids == ()
    assert cell(cells, 3, 18).route_ids == (2,)
    assert cell(cells, 4, 7).route_ids == ()  # Friday: open from 7
    assert week_coverage(routes=[by_day], units=UNITS, week_start=MONDAY)["non-urgent"][100].route_ids == (1,)
    assert not any(
        cell.route_ids
        for cell in week_coverage(routes=[centre_hours_only], units=UNITS, week_start=MONDAY)["non-urgent"]
    )


def test_a_dated_closure_stops_the_route_unless_it_is_handled_when_the_unit_reopens():
    closed_units = {
        **UNITS,
        CENTRE: UnitFacts(
            id=CENTRE,
            name="Digikeskus",
            county_id=17,
            exceptions=(DatedHours(day(0), day(1)),),
        ),
    }
    sent_to_closed = route(1, weekdays=range(1, 6), starts=(8,), ends=(16,))
    accepted_anyway = route(2, weekdays=range(1, 6), starts=(8,), ends=(16,), handled_in_unit_hours=True)

    cells = week_coverage(routes=[sent_to_closed, accepted_anyway], units=closed_units, week_start=MONDAY)["non-urgent"]

    assert cell(cells, 0, 10).route_ids == (2,)
    assert cell(cells, 2, 10).route_ids == (1, 2)


def test_weekdays_are_named_in_runs_in_each_language():
    with translation.override("fi"):
        assert weekday_ranges([1, 2, 3, 4, 5, 7]) == "ma–pe, su"
    with translation.override("sv"):
        assert weekday_ranges([6, 7]) == "lö–sö"
    with translation.override("en"):
        assert weekday_ranges([1, 3]) == "Mo, We"
