"""The sheet of a published snapshot, hand-computed: Christmas week 2026 with a change in mid-week, no database.

Mon 21.12.2026 is today; 24., 25. and 26.12. are holidays (Sunday hours). Urgent: the centre by
phone Mon–Fri 7–21 (A) and at weekends 8–18 (B), 116117 whenever the centre is closed (C).
Non-urgent: the centre's work queue around the clock until Tue 22.12. (D), then a callback
Mon–Fri 8–16 from Wed 23.12. (E), which leaves nights, evenings and the holidays without a route.
"""

import datetime

import pytest
from django.utils import translation

from routing.models import PublishedRouteSet
from routing.published import published_routes
from routing.sheet import band_rows, route_sheet, time_bands
from routing.swimlane import OUT_OF_HOURS, UNIT

TODAY = datetime.date(2026, 12, 21)
OUTCOMES = [("urgent", "Kiireellinen", True), ("non-urgent", "Kiireetön", True), ("self-care", "Omahoito", False)]


def unit(unit_id, *, county=9, unit_type="digital_centre", hours=(), around_the_clock=False, name="Digikeskus"):
    return {
        "id": unit_id,
        "county": county,
        "code": f"unit-{unit_id}",
        "unit_type": unit_type,
        "name_fi": name,
        "name_sv": f"{name} (sv)",
        "name_en": f"{name} (en)",
        "operator": "",
        "phone": "",
        "web_address": "",
        "open_around_the_clock": around_the_clock,
        "holidays_as_sundays": True,
        "hours": [{"weekday": day, "opens": opens, "closes": closes} for day, opens, closes in hours],
        "exceptions": [],
    }


def route(route_id, outcome, **values):
    data = {
        "id": route_id,
        "outcome": outcome,
        "receiving_unit": 1,
        "window_unit": None,
        "service_area": None,
        "municipalities": [],
        "window_kind": "hours",
        "weekdays": [],
        "starts_at": None,
        "ends_at": None,
        "channel": "phone_line",
        "roles": ["nurse"],
        "handled_in_unit_hours": False,
        "target_kind": "none",
        "target_value": None,
        "target_cutoff": None,
        "languages": ["fi"],
        "age_from": None,
        "age_below": None,
        "strong_identification": True,
        "valid_from": "2025-01-01",
        "valid_to": None,
        "source": "",
        "verified_on": "2026-11-02",
        "foreign_unit_reason": "",
    }
    data.update(values)
    return data


SNAPSHOT = {
    "routes": [
        route(10, "urgent", weekdays=[1, 2, 3, 4, 5], starts_at="07:00:00", ends_at="21:00:00"),
        route(11, "urgent", weekdays=[6, 7], starts_at="08:00:00", ends_at="18:00:00"),
        route(12, "urgent", window_kind="unit_closed", window_unit=1, receiving_unit=2, channel="helpline_116117"),
        route(
            14,
            "non-urgent",
            weekdays=[1, 2, 3, 4, 5],
            starts_at="08:00:00",
            ends_at="16:00:00",
            channel="callback",
            valid_from="2026-12-23",
        ),
        route(
            13,
            "non-urgent",
            window_kind="always",
            channel="work_queue",
            handled_in_unit_hours=True,
            target_kind="hours",
            target_value=2,
            target_cutoff="13:00:00",
            valid_to="2026-12-22",
        ),
        route(9, "urgent", window_kind="always", valid_to="2026-12-20"),
    ],
    "units": [
        unit(
            1,
            hours=[(day, "07:00:00", "21:00:00") for day in range(1, 6)]
            + [(day, "08:00:00", "18:00:00") for day in (6, 7)],
        ),
        unit(2, county=None, unit_type="medical_helpline", around_the_clock=True, name="Päivystysapu 116117"),
    ],
}


@pytest.fixture
def sheet():
    with translation.override("fi"):
        published = published_routes(
            PublishedRouteSet(county_id=9, module_id=5, snapshot=SNAPSHOT),
            urgencies={"urgent": "urgent", "non-urgent": "non_urgent"},
        )
        yield route_sheet(published=published, outcomes=OUTCOMES, today=TODAY)


def keys(grid, day, hour):
    cell = grid.days[(day - TODAY).days].cells[hour]
    return " ".join(cell.keys) + ("" if cell.complete else " ✕")


def test_routes_get_keys_in_the_order_of_the_outcomes_and_their_start_and_an_ended_one_is_left_out(sheet):
    assert [(row.key, row.route.id, row.outcome_name) for row in sheet.rows] == [
        ("A", 10, "Kiireellinen"),
        ("B", 11, "Kiireellinen"),
        ("C", 12, "Kiireellinen"),
        ("D", 13, "Kiireetön"),
        ("E", 14, "Kiireetön"),
    ]
    assert [row.key for row in sheet.rows_in_use] == ["A", "B", "C", "D"]


def test_each_route_is_written_out(sheet):
    rows = {row.key: row for row in sheet.rows}

    assert (rows["A"].window, rows["A"].channel, rows["A"].target) == (
        "ma–pe 07:00–21:00",
        "puhelinlinja",
        "ei käsittelytavoitetta",
    )
    assert rows["C"].window == "aina kun Digikeskus on kiinni"
    assert rows["D"].target == "2 tunnin kuluessa, kun lähetetty klo 13:00 mennessä"
    assert rows["D"].handled == "ma–pe 07:00–21:00, la–su 08:00–18:00"
    assert (rows["A"].lane, rows["C"].lane) == (UNIT, OUT_OF_HOURS)


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        (TODAY, 6, "C"),
        (TODAY, 7, "A"),
        (TODAY, 20, "A"),
        (TODAY, 21, "C"),
        (datetime.date(2026, 12, 24), 7, "C"),  # Christmas Eve counts as a Sunday: the centre opens at 8
        (datetime.date(2026, 12, 24), 8, "B"),
        (datetime.date(2026, 12, 24), 18, "C"),
        (datetime.date(2026, 12, 27), 12, "B"),
    ],
)
def test_urgent_hours_of_the_week(sheet, day, hour, expected):
    urgent = sheet.grids[0]

    assert urgent.name == "Kiireellinen"
    assert keys(urgent, day, hour) == expected


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        (TODAY, 3, "D"),
        (datetime.date(2026, 12, 22), 23, "D"),
        (datetime.date(2026, 12, 23), 3, " ✕"),
        (datetime.date(2026, 12, 23), 8, "E"),
        (datetime.date(2026, 12, 23), 16, " ✕"),
        (datetime.date(2026, 12, 24), 10, " ✕"),
    ],
)
def test_non_urgent_hours_change_in_mid_week_and_leave_gaps(sheet, day, hour, expected):
    non_urgent = sheet.grids[1]

    assert keys(non_urgent, day, hour) == expected


def test_the_grid_covers_each_outcome_that_has_or_needs_a_route(sheet):
    assert [(grid.code, grid.has_gap) for grid in sheet.grids] == [("urgent", False), ("non-urgent", True)]
    assert [day.is_holiday for day in sheet.grids[0].days] == [False, False, False, True, True, True, False]
    assert (sheet.week_start, sheet.week_end) == (TODAY, datetime.date(2026, 12, 27))


def test_upcoming_changes_are_the_end_of_d_and_the_start_of_e(sheet):
    assert [(change.on, change.starts, change.row.key) for change in sheet.changes] == [
        (datetime.date(2026, 12, 22), False, "D"),
        (datetime.date(2026, 12, 23), True, "E"),
    ]


def test_the_swimlane_shows_the_routes_in_use_in_their_lanes(sheet):
    routes = {box.key: box for box in sheet.swimlane.boxes if box.kind == "route"}
    lanes = {lane.code: lane for lane in sheet.swimlane.lanes}

    assert sorted(routes) == ["A", "B", "C", "D"]
    for key, lane in (("A", UNIT), ("B", UNIT), ("C", OUT_OF_HOURS), ("D", UNIT)):
        box = routes[key]
        assert lanes[lane].y <= box.y and box.y + box.height <= lanes[lane].y + lanes[lane].height
    assert routes["A"].lines[0] == "A · Digikeskus"
    assert [box.lines for box in sheet.swimlane.boxes if box.kind == "outcome"] == [
        ("Tulos: Kiireellinen",),
        ("Tulos: Kiireetön",),
    ]


def test_the_decks_grid_is_compressed_into_bands_and_days_that_look_alike(sheet):
    bands = time_bands(sheet.grids)

    with translation.override("fi"):
        urgent = band_rows(sheet.grids[0], bands)

    assert bands == [(0, 7), (7, 8), (8, 16), (16, 18), (18, 21), (21, 24)]
    assert [(row.days, [" ".join(keys) for keys, _complete in row.cells]) for row in urgent] == [
        ("ma–ke", ["C", "A", "A", "A", "A", "C"]),
        ("to–su (arkipyhä)", ["C", "C", "B", "B", "C", "C"]),
    ]
