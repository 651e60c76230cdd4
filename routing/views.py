"""The public routing pages: a county's routed contents, a county × content sheet, a content across counties, the deck.

Every page reads only published route sets (`PublishedRouteSet` snapshots, the latest of
each county × content), never the routes being edited, in a fixed number of queries.
"""

import datetime

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from processes.models import ContentModule
from regions.models import WellbeingCounty
from routing.calendar import holiday_dates, is_working_day
from routing.coverage import day_coverage
from routing.deck import DECK_CONTENT_TYPE, route_deck
from routing.models import Outcome, PublishedRouteSet
from routing.published import latest_route_sets, published_routes
from routing.sheet import route_sheet
from routing.wording import channel_text, target_text

UNKNOWN_DECK_CONTENT = gettext_lazy("The county has published no routes for the content “%(code)s”.")
BAD_WEEK = gettext_lazy("Give the week as the date of its Monday, e.g. %(example)s.")
WEEK_TOO_FAR = gettext_lazy("The week must start within a year of today.")
DAY_HOUR = 12
NIGHT_HOUR = 3


def _code(code: str) -> str:
    if "\x00" in code:
        # PostgreSQL refuses text with a NUL byte, and no code has one.
        raise Http404
    return code


def _urgencies(outcomes) -> dict[str, str]:
    return {outcome.code: outcome.urgency for outcome in outcomes}


def county_routes(request, code):
    """A county's contents with published routes, each linked to its sheet, and the deck download."""
    county = get_object_or_404(WellbeingCounty, code=_code(code))
    route_sets = list(
        latest_route_sets(county=county).select_related("module").defer("snapshot").order_by("module__name_fi")
    )
    return render(request, "routing/county_routes.html", {"county": county, "route_sets": route_sets})


def _week_start(value: str | None, today: datetime.date) -> datetime.date | None:
    """The Monday `?week=` names (None without one); ValueError with the reason when it is not one within a year."""
    if not value:
        return None
    this_monday = today - datetime.timedelta(days=today.weekday())
    try:
        monday = datetime.date.fromisoformat(value)
    except ValueError:
        monday = None
    if monday is None or len(value) != len("2026-12-14") or monday.weekday() != 0:
        raise ValueError(str(BAD_WEEK) % {"example": (this_monday + datetime.timedelta(days=7)).isoformat()})
    if abs((monday - today).days) > 366:
        raise ValueError(str(WEEK_TOO_FAR))
    return monday


def route_set_detail(request, code, module):
    """What happens after the assessment of one content in one county, as its publisher last published it.

    The coverage grid shows the current week, or the week starting on the Monday `?week=` names.
    """
    today = timezone.localdate()
    try:
        week_start = _week_start(request.GET.get("week"), today)
    except ValueError as refusal:
        return HttpResponseBadRequest(str(refusal), content_type="text/plain; charset=utf-8")
    county = get_object_or_404(WellbeingCounty, code=_code(code))
    module = get_object_or_404(ContentModule, code=_code(module))
    published = PublishedRouteSet.objects.latest_for(county=county, module=module)
    if published is None:
        raise Http404
    outcomes = list(Outcome.objects.filter(content_kind=module.kind).order_by("order", "code"))
    sheet = route_sheet(
        published=published_routes(published, urgencies=_urgencies(outcomes)),
        outcomes=[(outcome.code, outcome.name, outcome.needs_route) for outcome in outcomes],
        today=today,
        week_start=week_start,
    )
    return render(
        request,
        "routing/route_set_detail.html",
        {"county": county, "module": module, "published": published, "sheet": sheet},
    )


def _reference_day(today: datetime.date) -> tuple[datetime.date, frozenset]:
    """The first working day from today: where “by day” and “at night” are looked at."""
    holidays = holiday_dates(start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=14))
    day = today
    while not is_working_day(day, holidays=holidays):
        day += datetime.timedelta(days=1)
    return day, holidays


def _served_by(cell, routes, units) -> list[dict]:
    return [
        {
            "unit": units[routes[route_id].receiving_unit_id].name
            if routes[route_id].receiving_unit_id in units
            else "?",
            "channel": channel_text(routes[route_id].channel),
            "target": target_text(routes[route_id]),
        }
        for route_id in cell.route_ids
    ]


def module_routes(request, code):
    """How every county with published routes of the content routes each outcome by day and at night."""
    module = get_object_or_404(ContentModule, code=_code(code))
    outcomes = list(Outcome.objects.filter(content_kind=module.kind).order_by("order", "code"))
    route_sets = list(latest_route_sets(module=module).select_related("county").order_by("county__code"))
    day, holidays = _reference_day(timezone.localdate())
    counties = []
    for published in route_sets:
        routes = published_routes(published, urgencies=_urgencies(outcomes))
        by_id = {route.id: route for route in routes.routes}
        unit_facts = routes.unit_facts
        cells = []
        for outcome in outcomes:
            outcome_routes = [route for route in routes.routes if route.outcome == outcome.code]
            hours = day_coverage(routes=outcome_routes, units=unit_facts, day=day, holidays=holidays)
            cells.append(
                {
                    "outcome": outcome,
                    "has_routes": bool(outcome_routes),
                    "day": _served_by(hours[DAY_HOUR], by_id, routes.units),
                    "night": _served_by(hours[NIGHT_HOUR], by_id, routes.units),
                }
            )
        counties.append({"published": published, "county": published.county, "cells": cells})
    return render(
        request,
        "routing/module_routes.html",
        {"module": module, "outcomes": outcomes, "counties": counties, "reference_day": day},
    )


def route_deck_download(request, code):
    """The county's published routes as a PowerPoint deck: every content, or those chosen with `module=`."""
    county = get_object_or_404(WellbeingCounty, code=_code(code))
    route_sets = list(latest_route_sets(county=county).select_related("module").order_by("module__name_fi"))
    chosen = list(dict.fromkeys(request.GET.getlist("module")))
    if chosen:
        by_code = {published.module.code: published for published in route_sets}
        for module_code in chosen:
            if module_code not in by_code:
                return HttpResponseBadRequest(
                    str(UNKNOWN_DECK_CONTENT) % {"code": module_code[:60]}, content_type="text/plain; charset=utf-8"
                )
        route_sets = [by_code[module_code] for module_code in chosen]
    if not route_sets:
        raise Http404
    outcomes = list(
        Outcome.objects.filter(content_kind__in={published.module.kind for published in route_sets}).order_by(
            "order", "code"
        )
    )
    deck = route_deck(county=county, route_sets=route_sets, outcomes=outcomes, today=timezone.localdate())
    response = HttpResponse(deck, content_type=DECK_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="routes-{county.code}-{get_language()}.pptx"'
    return response
