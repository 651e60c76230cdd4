"""What `/api/routes` and `/api/units` answer: the published routes and receiving units of a county.

Plain pydantic models, not ninja's `Schema`: they are built from dicts, and ninja's attribute
resolver (for ORM objects) cost more than the rest of a 400-route answer together.
"""

import datetime
from typing import Annotated

from pydantic import BaseModel, Field

# A wall-clock time of day in Finland, "HH:MM" ("00:00" as a closing time is midnight at the end of the day).
LocalTime = Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$", description="HH:MM, Finnish time.")]


class RouteOut(BaseModel):
    """A published route: when it applies, where it goes, how fast, for whom, and its dates."""

    id: int
    content: str
    outcome: str
    # hours (weekdays and hours; `ends_at` before `starts_at` runs past midnight), unit_closed, always
    window_kind: str
    weekdays: list[int]
    starts_at: LocalTime | None
    ends_at: LocalTime | None
    # The unit whose closed hours the route covers, named like `receiving_unit`.
    window_unit: str | None
    channel: str
    # The unit's code in the county, a national service's code (116117) or `<county code>/<code>`.
    receiving_unit: str
    roles: list[str]
    handled_in_unit_hours: bool
    target_kind: str
    target_value: int | None
    target_sent_by: LocalTime | None
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


class RoutePage(BaseModel):
    county: str
    # The moment judged, with Finland's offset; None when a date without a moment was asked.
    at: datetime.datetime | None
    date: datetime.date
    count: int
    limit: int
    offset: int
    items: list[RouteOut]


class HoursOut(BaseModel):
    weekday: int  # ISO weekday, 1 = Monday; a public holiday counts as a Sunday unless the unit says otherwise
    opens: LocalTime
    closes: LocalTime


class ExceptionOut(BaseModel):
    starts_on: datetime.date
    ends_on: datetime.date
    is_closed: bool
    opens: LocalTime | None
    closes: LocalTime | None
    reason: str


class UnitOut(BaseModel):
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


class UnitPage(BaseModel):
    county: str
    count: int
    limit: int
    offset: int
    items: list[UnitOut]
