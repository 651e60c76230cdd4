"""A published route in words, in the active language: its window, target, channel, roles and the unit's hours.

The public pages and the deck write routes with these, so a route reads the same everywhere.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from routing.choices import Channel, ProfessionalRole, ServiceLanguage, TargetKind, WindowKind
from routing.facts import UnitFacts
from routing.models import weekday_ranges

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def route_key(index: int) -> str:
    """The short key of the index-th route in the grid and its legend: A, B, …, Z, AA, AB, …"""
    key = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, len(LETTERS))
        key = LETTERS[remainder] + key
    return key


def _hours(opens: datetime.time, closes: datetime.time) -> str:
    return f"{opens:%H:%M}–{closes:%H:%M}"


def window_text(route, *, units: dict) -> str:
    """When the route takes what is sent: “ma–pe 07:00–21:00”, “whenever X is closed” or “around the clock”."""
    if route.window_kind == WindowKind.ALWAYS:
        return _("around the clock")
    if route.window_kind == WindowKind.UNIT_CLOSED:
        unit = units.get(route.window_unit_id)
        return _("whenever %(unit)s is closed") % {"unit": unit.name if unit else "?"}
    return f"{weekday_ranges(route.weekdays)} {_hours(route.starts_at, route.ends_at)}"


def unit_hours_text(unit: UnitFacts) -> str:
    """The unit's weekly hours with equal days together: “ma–pe 08:00–16:00, la–su 08:00–18:00”."""
    if unit.open_around_the_clock:
        return _("around the clock")
    days_by_hours: dict[tuple, list[int]] = {}
    for hours in unit.hours:
        days_by_hours.setdefault((hours.opens, hours.closes), []).append(hours.weekday)
    if not days_by_hours:
        return _("no weekly hours")
    parts = sorted(days_by_hours.items(), key=lambda item: (min(item[1]), item[0]))
    return ", ".join(f"{weekday_ranges(days)} {_hours(*hours)}" for hours, days in parts)


def target_text(route) -> str:
    """The handling target: “within 2 hours when sent by 13:00”, “the same working day”, or no target."""
    value = route.target_value or 0
    texts = {
        TargetKind.MINUTES: ngettext("within %(count)d minute", "within %(count)d minutes", value),
        TargetKind.HOURS: ngettext("within %(count)d hour", "within %(count)d hours", value),
        TargetKind.WORKING_DAYS: ngettext("within %(count)d working day", "within %(count)d working days", value),
        TargetKind.SAME_WORKING_DAY: _("the same working day"),
    }
    text = texts.get(route.target_kind)
    if text is None:
        return _("no handling target")
    text = text % {"count": value}
    if route.target_cutoff:
        text = _("%(target)s when sent by %(time)s") % {"target": text, "time": f"{route.target_cutoff:%H:%M}"}
    return text


def channel_text(channel: str) -> str:
    return str(Channel(channel).label) if channel in Channel.values else channel


def roles_text(roles) -> str:
    return ", ".join(str(ProfessionalRole(role).label) for role in ProfessionalRole.values if role in roles)


def languages_text(languages) -> str:
    return ", ".join(str(ServiceLanguage(code).label) for code in ServiceLanguage.values if code in languages)
