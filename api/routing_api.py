"""`/api/routes` and `/api/units`: a county's routes and receiving units as its publishers published them.

Read from `routing.published` (published snapshots only, never the rows being edited). Added
to the open API by `api.api`; parameters are refused with 400 naming them, lists are bounded.
"""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from api.api import CODE, COUNTY_CODE, INVALID_PARAMETER, ParameterError, _by_code
from api.routing_schemas import RoutePage, UnitPage
from api.schemas import ErrorOut
from processes.models import ContentModule
from regions.models import WellbeingCounty
from routing.models import Outcome
from routing.published import county_routes_on, county_units, unit_key

ROUTES_DEFAULT_LIMIT = 200
ROUTES_MAX_LIMIT = 500
UNITS_DEFAULT_LIMIT = 100
UNITS_MAX_LIMIT = 500
MAX_OFFSET = 100_000
# Routes are dated reference data: a moment outside these years is a mistake, not a question.
FIRST_YEAR, LAST_YEAR = 2000, 2100

AT_OR_DATE = _("Give either “at” (a moment) or “date” (a day), not both.")
OUT_OF_RANGE = _("the year must be from {first} to {last}")

router = Router(tags=["routing"])


def _local(moment: datetime.datetime) -> datetime.datetime:
    """The moment as a naive local time: an aware one converted, a naive one taken as Finnish time."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def _check_year(value, parameter: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        reason = str(OUT_OF_RANGE).format(first=FIRST_YEAR, last=LAST_YEAR)
        raise ParameterError(str(INVALID_PARAMETER).format(parameter=parameter, reason=reason), parameter)


def _hhmm(value: datetime.time | None) -> str | None:
    """A time of day as the API writes it ("07:45")."""
    return value.isoformat(timespec="minutes") if value is not None else None


def _route_out(found) -> dict:
    """The route as `RouteOut`'s fields; ninja validates the answer once, against the schema."""
    route = found.route
    return {
        "id": route.id,
        "content": found.module_code,
        "outcome": route.outcome,
        "window_kind": route.window_kind,
        "weekdays": sorted(route.weekdays),
        "starts_at": _hhmm(route.starts_at),
        "ends_at": _hhmm(route.ends_at),
        "window_unit": found.window_unit,
        "channel": route.channel,
        "receiving_unit": found.receiving_unit,
        "roles": sorted(route.roles),
        "handled_in_unit_hours": route.handled_in_unit_hours,
        "target_kind": route.target_kind,
        "target_value": route.target_value,
        "target_sent_by": _hhmm(route.target_cutoff),
        "languages": sorted(route.languages),
        "age_from": route.age_from,
        "age_below": route.age_below,
        "strong_identification": route.strong_identification,
        "valid_from": route.valid_from,
        "valid_to": route.valid_to,
        "verified_on": route.verified_on,
        "municipalities": list(found.municipalities),
        "service_area": found.service_area,
        "applies": found.applies,
    }


@router.get(
    "/routes",
    response={200: RoutePage, 400: ErrorOut},
    summary="A county's published routes, with those that apply now",
    description=(
        "Where each outcome of each content goes in the county, as its publishers last published the routes: "
        "the routes valid on the day of `at` (a moment, ISO 8601; Finnish time when it has no offset) or on "
        "`date`, now when neither is given. `applies` marks, per route, whether an assessment sent at that "
        "moment takes it (its time window, its dates and its unit's closures); it is null when only a date is "
        f"asked. At most {ROUTES_MAX_LIMIT} routes a page ({ROUTES_DEFAULT_LIMIT} when `limit` is left out)."
    ),
)
def routes(
    request,
    response: HttpResponse,
    county: str = Query(..., pattern=COUNTY_CODE, description="County code, e.g. 09."),
    content: str | None = Query(None, pattern=CODE, description="Content code."),
    outcome: str | None = Query(None, pattern=CODE, description="Outcome code, e.g. non-urgent."),
    at: datetime.datetime | None = Query(None, description="A moment, e.g. 2026-12-05T19:30 (Finnish time)."),  # noqa: B008
    date: datetime.date | None = Query(None, description="A day, e.g. 2026-12-24: the routes valid on it."),  # noqa: B008
    limit: int = Query(ROUTES_DEFAULT_LIMIT, ge=1, le=ROUTES_MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    if at is not None and date is not None:
        raise ParameterError(str(AT_OR_DATE), "date")
    county_row = _by_code(WellbeingCounty, county, parameter="county", what="county")
    module = None if content is None else _by_code(ContentModule, content, parameter="content", what="content")
    if outcome is not None:
        _by_code(Outcome, outcome, parameter="outcome", what="outcome")
    if at is None and date is None:
        # "Now" changes by the minute: such an answer is never stored by the page cache.
        response["Cache-Control"] = "no-store"
        at = timezone.localtime()
    moment = None if at is None else _local(at)
    if moment is not None:
        _check_year(moment, "at")
    else:
        _check_year(date, "date")
    day = date if moment is None else moment.date()
    found = county_routes_on(county=county_row, on=day, at=moment, module=module, outcome=outcome)
    return {
        "county": county,
        "at": None if moment is None else timezone.make_aware(moment),
        "date": day,
        "count": len(found),
        "limit": limit,
        "offset": offset,
        "items": [_route_out(route) for route in found[offset : offset + limit]],
    }


def _unit_out(found, *, county, today: datetime.date) -> dict:
    unit = found.unit
    facts = unit.facts
    return {
        "key": unit_key(unit, county_id=county.pk, county_codes={unit.county_id: found.county_code}),
        "code": unit.code,
        "county": found.county_code,
        "name_fi": unit.name_fi,
        "name_sv": unit.name_sv,
        "name_en": unit.name_en,
        "unit_type": unit.unit_type,
        "operator": unit.operator,
        "phone": unit.phone,
        "web_address": unit.web_address,
        "open_around_the_clock": facts.open_around_the_clock,
        "holidays_as_sundays": facts.holidays_as_sundays,
        "hours": [
            {"weekday": hours.weekday, "opens": _hhmm(hours.opens), "closes": _hhmm(hours.closes)}
            for hours in facts.hours
        ],
        "exceptions": [
            {
                "starts_on": exception.starts_on,
                "ends_on": exception.ends_on,
                "is_closed": exception.is_closed,
                "opens": _hhmm(exception.opens),
                "closes": _hhmm(exception.closes),
                "reason": reason,
            }
            for exception, reason in zip(facts.exceptions, unit.exception_reasons, strict=True)
            if exception.ends_on >= today
        ],
    }


@router.get(
    "/units",
    response={200: UnitPage, 400: ErrorOut},
    summary="The receiving units of a county's published routes",
    description=(
        "Every unit the county's published routes send assessments to, as last published: its names in "
        "Finnish, Swedish and English, type, operator, phone, web address, weekly hours and the exceptions "
        "(such as holiday closures) that have not ended. `key` is how `/api/routes` names the unit. "
        f"At most {UNITS_MAX_LIMIT} units a page ({UNITS_DEFAULT_LIMIT} when `limit` is left out)."
    ),
)
def units(
    request,
    county: str = Query(..., pattern=COUNTY_CODE, description="County code, e.g. 09."),
    limit: int = Query(UNITS_DEFAULT_LIMIT, ge=1, le=UNITS_MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    county_row = _by_code(WellbeingCounty, county, parameter="county", what="county")
    found = county_units(county=county_row)
    today = timezone.localdate()
    return {
        "county": county,
        "count": len(found),
        "limit": limit,
        "offset": offset,
        "items": [_unit_out(unit, county=county_row, today=today) for unit in found[offset : offset + limit]],
    }
