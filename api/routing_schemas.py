"""What `/api/routes` and `/api/units` answer: the published routes and receiving units of a county."""

import datetime

from ninja import Schema


class RouteOut(Schema):
    """A published route: when it applies, where it goes, how fast, for whom, and its dates."""

    id: int
    content: str
    outcome: str
    # hours (weekdays and hours; `ends_at` before `starts_at` runs past midnight), unit_closed, always
    window_kind: str
    weekdays: list[int]
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    # The unit whose closed hours the route covers, named like `receiving_unit`.
    window_unit: str | None
    channel: str
    # The unit's code in the county, a national service's code (116117) or `<county code>/<code>`.
    receiving_unit: str
    roles: list[str]
    handled_in_unit_hours: bool
    target_kind: str
    target_value: int | None
    target_sent_by: datetime.time | None
    languages: list[str]
    age_from: int | None
    age_below: int | None
    strong_identification: bool
    valid_from: datetime.date
    valid_to: datetime.date | None
    verified_on: datetime.date | None
    municipalities: list[str]
    service_area: str | None
    # Whether an assessment sent at `at` takes this route; None when a date without a moment was asked.
    applies: bool | None


class RoutePage(Schema):
    county: str
    at: datetime.datetime | None
    date: datetime.date
    count: int
    limit: int
    offset: int
    items: list[RouteOut]


class HoursOut(Schema):
    weekday: int  # ISO weekday, 1 = Monday; a public holiday counts as a Sunday unless the unit says otherwise
    opens: datetime.time
    closes: datetime.time  # 00:00 is midnight at the end of the day


class ExceptionOut(Schema):
    starts_on: datetime.date
    ends_on: datetime.date
    is_closed: bool
    opens: datetime.time | None
    closes: datetime.time | None
    reason: str


class UnitOut(Schema):
    """A receiving unit as the county's routes name it (`key`), with its weekly hours and coming exceptions."""

    key: str
    code: str
    # None for a national service (112, 116117); another county's code for a partner's unit.
    county: str | None
    name_fi: str
    name_sv: str
    name_en: str
    unit_type: str
    operator: str
    phone: str
    web_address: str
    open_around_the_clock: bool
    holidays_as_sundays: bool
    hours: list[HoursOut]
    exceptions: list[ExceptionOut]


class UnitPage(Schema):
    county: str
    count: int
    limit: int
    offset: int
    items: list[UnitOut]
