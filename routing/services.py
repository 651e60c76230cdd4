"""Operations on routes: the route check over the database, publication, and copying a route set.

Each takes keyword arguments and the acting user and checks the permission itself; the admin,
the management commands and the tests call these and nothing else.
"""

import datetime
import functools
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from processes.models import ContentModule, Rollout, RolloutStatus
from regions.models import Municipality
from regions.scoping import can_edit_county, can_publish_county
from routing.checks import Finding, route_check
from routing.facts import (
    CareRule,
    DatedHours,
    DayHours,
    Deployment,
    MunicipalityFacts,
    OutcomeFacts,
    RouteFacts,
    UnitFacts,
)
from routing.models import (
    CareGuaranteeRule,
    OpeningException,
    OpeningHours,
    Outcome,
    PublishedRouteSet,
    ReceivingUnit,
    Route,
)

NOT_AN_EDITOR = _("You can only change the routes of your own county.")
NOT_A_PUBLISHER = _("Only a publisher of the county can publish its routes.")
NOTHING_TO_PUBLISH = _("There are no routes of this content to publish.")
COPY_SAME_CONTENT = _("Choose another content to copy the routes from.")
COPY_OTHER_KIND = _("Routes can only be copied between contents of the same kind, whose outcomes are the same.")
COPY_TARGET_HAS_ROUTES = _(
    "The content already has routes in this county. End or delete them first: copying never replaces routes."
)
COPY_NOTHING = _("The chosen content has no routes in use to copy.")
COPY_OWN_COUNTY = _("Choose another county's published routes; your own you can copy from another content.")
COPIED_FROM_CONTENT = _("Copied from the routes of %(content)s on %(date)s.")
COPIED_FROM_COUNTY = _("Copied from the published routes of %(county)s on %(date)s.")

# The fields of a route a published snapshot keeps and a copy carries over, beside its relations.
ROUTE_FIELDS = (
    "window_kind",
    "weekdays",
    "starts_at",
    "ends_at",
    "channel",
    "roles",
    "handled_in_unit_hours",
    "target_kind",
    "target_value",
    "target_cutoff",
    "languages",
    "age_from",
    "age_below",
    "strong_identification",
    "valid_from",
    "valid_to",
    "source",
    "verified_on",
    "foreign_unit_reason",
)
UNIT_FIELDS = (
    "code",
    "unit_type",
    "name_fi",
    "name_sv",
    "name_en",
    "operator",
    "phone",
    "web_address",
    "open_around_the_clock",
    "holidays_as_sundays",
)


# --- from the database to the pure functions' values ----------------------------------------------


def routes_for_check():
    """Routes with everything `route_facts` reads, in two queries beside the municipalities'."""
    return Route.objects.select_related("module", "outcome", "receiving_unit").prefetch_related("municipalities")


def _municipality_facts(municipality) -> MunicipalityFacts:
    return MunicipalityFacts(
        id=municipality.pk,
        name=municipality.name,
        county_id=municipality.county_id,
        bilingual=municipality.is_bilingual,
    )


def route_facts(route: Route) -> RouteFacts:
    """One route as the coverage and the check read it."""
    return RouteFacts(
        id=route.pk,
        label=str(route),
        county_id=route.county_id,
        module_id=route.module_id,
        outcome=route.outcome.code,
        urgency=route.outcome.urgency,
        channel=route.channel,
        receiving_unit_id=route.receiving_unit_id,
        valid_from=route.valid_from,
        valid_to=route.valid_to,
        window_kind=route.window_kind,
        weekdays=frozenset(route.weekdays),
        starts_at=route.starts_at,
        ends_at=route.ends_at,
        window_unit_id=route.window_unit_id,
        handled_in_unit_hours=route.handled_in_unit_hours,
        target_kind=route.target_kind,
        target_value=route.target_value,
        roles=frozenset(route.roles),
        languages=frozenset(route.languages),
        age_from=route.age_from,
        age_below=route.age_below,
        verified_on=route.verified_on,
        municipalities=tuple(_municipality_facts(municipality) for municipality in route.municipalities.all()),
        foreign_unit_reason=route.foreign_unit_reason,
    )


# What the check reads of each route, as values: model instances for 10,000 routes cost seconds.
CHECKED_FIELDS = (
    "pk",
    "county_id",
    "module_id",
    "outcome_id",
    "receiving_unit_id",
    "window_unit_id",
    "window_kind",
    "starts_at",
    "ends_at",
    "channel",
    "handled_in_unit_hours",
    "target_kind",
    "target_value",
    "age_from",
    "age_below",
    "valid_from",
    "valid_to",
    "verified_on",
    "foreign_unit_reason",
)


# The JSON lists of the routes as text, each distinct text parsed once: "[1, 2, 3, 4, 5]" repeats thousands of times.
LIST_FIELDS = ("weekdays", "roles", "languages")


@functools.cache
def _frozen_list(text: str) -> frozenset:
    return frozenset(json.loads(text))


def _names(model, ids) -> dict[int, str]:
    return {row.pk: str(row) for row in model.objects.filter(pk__in=ids).only("name_fi", "name_sv", "name_en")}


def routes_facts(routes) -> list[RouteFacts]:
    """Every route of the queryset as `route_facts` makes it, in six queries whatever their number.

    The label is `str(route)` (content – outcome – unit (window)), each name and window worked out once.
    """
    as_text = {f"{name}_text": Cast(name, output_field=TextField()) for name in LIST_FIELDS}
    rows = list(routes.values(*CHECKED_FIELDS, **as_text))
    modules = _names(ContentModule, {row["module_id"] for row in rows})
    units = _names(ReceivingUnit, {row["receiving_unit_id"] for row in rows})
    outcomes = {outcome.pk: outcome for outcome in Outcome.objects.filter(pk__in={row["outcome_id"] for row in rows})}
    outcome_names = {pk: str(outcome) for pk, outcome in outcomes.items()}
    named = route_municipalities(routes)
    windows: dict[tuple, str] = {}
    facts = []
    for row in rows:
        weekdays = _frozen_list(row["weekdays_text"])
        window = (row["window_kind"], weekdays, row["starts_at"], row["ends_at"])
        if window not in windows:
            windows[window] = Route(
                window_kind=window[0], weekdays=sorted(weekdays), starts_at=window[2], ends_at=window[3]
            ).window_label()
        outcome = outcomes[row["outcome_id"]]
        names = (modules[row["module_id"]], outcome_names[outcome.pk], units[row["receiving_unit_id"]])
        facts.append(
            RouteFacts(
                id=row["pk"],
                label=f"{names[0]} – {names[1]} – {names[2]} ({windows[window]})",
                county_id=row["county_id"],
                module_id=row["module_id"],
                outcome=outcome.code,
                urgency=outcome.urgency,
                channel=row["channel"],
                receiving_unit_id=row["receiving_unit_id"],
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                window_kind=row["window_kind"],
                weekdays=weekdays,
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                window_unit_id=row["window_unit_id"],
                handled_in_unit_hours=row["handled_in_unit_hours"],
                target_kind=row["target_kind"],
                target_value=row["target_value"],
                roles=_frozen_list(row["roles_text"]),
                languages=_frozen_list(row["languages_text"]),
                age_from=row["age_from"],
                age_below=row["age_below"],
                verified_on=row["verified_on"],
                municipalities=named.get(row["pk"], ()),
                foreign_unit_reason=row["foreign_unit_reason"],
            )
        )
    return facts


def route_municipalities(routes) -> dict[int, tuple[MunicipalityFacts, ...]]:
    """The municipalities each route of the queryset names, in two queries whatever the number of routes."""
    through = Route.municipalities.through.objects.filter(route__in=routes.values("pk"))
    municipalities = {
        municipality.pk: _municipality_facts(municipality)
        for municipality in Municipality.objects.filter(pk__in=through.values("municipality_id"))
    }
    named: dict[int, list[MunicipalityFacts]] = {}
    for route_id, municipality_id in through.order_by("municipality_id").values_list("route_id", "municipality_id"):
        named.setdefault(route_id, []).append(municipalities[municipality_id])
    return {route_id: tuple(facts) for route_id, facts in named.items()}


def unit_facts(units) -> dict[int, UnitFacts]:
    """The units with their weekly hours and dated exceptions, by primary key."""
    units = units.prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("opening_exceptions", queryset=OpeningException.objects.order_by("starts_on")),
    )
    return {
        unit.pk: UnitFacts(
            id=unit.pk,
            name=unit.name,
            county_id=unit.county_id,
            unit_type=unit.unit_type,
            open_around_the_clock=unit.open_around_the_clock,
            holidays_as_sundays=unit.holidays_as_sundays,
            hours=tuple(DayHours(hours.weekday, hours.opens, hours.closes) for hours in unit.opening_hours.all()),
            exceptions=tuple(
                DatedHours(
                    exception.starts_on, exception.ends_on, exception.is_closed, exception.opens, exception.closes
                )
                for exception in unit.opening_exceptions.all()
            ),
        )
        for unit in units
    }


def deployments(*, county_ids=None) -> list[Deployment]:
    """Each county × content with a rollout: in use while any rollout has not ended, else when the last ended."""
    rollouts = Rollout.objects.all() if county_ids is None else Rollout.objects.filter(county__in=county_ids)
    rows = (
        rollouts.values("county", "module", "module__kind")
        .annotate(
            open_rollouts=Max("pk", filter=~Q(status=RolloutStatus.ENDED)),
            last_ended=Max("ended_on"),
        )
        .order_by("county", "module")
    )
    names = {module.pk: module.name for module in ContentModule.objects.filter(pk__in={row["module"] for row in rows})}
    return [
        Deployment(
            county_id=row["county"],
            module_id=row["module"],
            module_name=names[row["module"]],
            module_kind=row["module__kind"],
            in_use=row["open_rollouts"] is not None,
            ended_on=None if row["open_rollouts"] is not None else row["last_ended"],
        )
        for row in rows
    ]


def outcome_facts() -> list[OutcomeFacts]:
    return [
        OutcomeFacts(
            code=outcome.code,
            name=outcome.name,
            content_kind=outcome.content_kind,
            urgency=outcome.urgency,
            needs_route=outcome.needs_route,
        )
        for outcome in Outcome.objects.all()
    ]


def care_rules() -> list[CareRule]:
    return [
        CareRule(
            code=rule.code,
            measure=rule.measure,
            law=rule.law,
            section=rule.section,
            limit_unit=rule.limit_unit,
            valid_from=rule.valid_from,
            limit_value=rule.limit_value,
            valid_to=rule.valid_to,
            age_from=rule.age_from,
            age_below=rule.age_below,
            in_force=rule.in_force,
            source=rule.source,
        )
        for rule in CareGuaranteeRule.objects.all()
    ]


def municipality_facts(*, county_ids=None) -> list[MunicipalityFacts]:
    """The municipalities of the counties (every county when None), each saying whether it is bilingual."""
    municipalities = (
        Municipality.objects.all() if county_ids is None else Municipality.objects.filter(county__in=county_ids)
    )
    return [
        MunicipalityFacts(
            id=municipality.pk,
            name=municipality.name,
            county_id=municipality.county_id,
            bilingual=municipality.is_bilingual,
        )
        for municipality in municipalities
    ]


def route_check_run(*, counties=None, today: datetime.date | None = None) -> list[Finding]:
    """The route check of the counties (every county when None) as their routes are stored now."""
    today = today or timezone.localdate()
    routes = Route.objects.all()
    county_ids = None if counties is None else [county.pk for county in counties]
    if county_ids is not None:
        routes = routes.filter(county__in=county_ids)
    route_list = routes_facts(routes)
    unit_ids = {route.receiving_unit_id for route in route_list} | {
        route.window_unit_id for route in route_list if route.window_unit_id
    }
    return route_check(
        routes=route_list,
        units=unit_facts(ReceivingUnit.objects.filter(pk__in=unit_ids)),
        today=today,
        outcomes=outcome_facts(),
        deployments=deployments(county_ids=county_ids),
        rules=care_rules(),
        municipalities=municipality_facts(county_ids=county_ids),
    )


# --- publication ---------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _unit_data(unit: ReceivingUnit) -> dict:
    return {
        "id": unit.pk,
        "county": unit.county_id,
        **{name: getattr(unit, name) for name in UNIT_FIELDS},
        "hours": [
            {"weekday": hours.weekday, "opens": hours.opens.isoformat(), "closes": hours.closes.isoformat()}
            for hours in unit.opening_hours.all()
        ],
        "exceptions": [
            {
                "starts_on": exception.starts_on.isoformat(),
                "ends_on": exception.ends_on.isoformat(),
                "is_closed": exception.is_closed,
                "opens": _json_value(exception.opens),
                "closes": _json_value(exception.closes),
                "reason": exception.reason,
            }
            for exception in unit.opening_exceptions.all()
        ],
    }


def route_set_snapshot(*, county, module) -> dict:
    """The county's routes of the content as they are stored now, with their units, as JSON-ready data."""
    routes = list(
        Route.objects.filter(county=county, module=module)
        .select_related("outcome")
        .prefetch_related("municipalities")
        .order_by("outcome__order", "valid_from", "pk")
    )
    unit_ids = {route.receiving_unit_id for route in routes} | {r.window_unit_id for r in routes if r.window_unit_id}
    units = ReceivingUnit.objects.filter(pk__in=unit_ids).prefetch_related("opening_hours", "opening_exceptions")
    return {
        "routes": [
            {
                "id": route.pk,
                "outcome": route.outcome.code,
                "receiving_unit": route.receiving_unit_id,
                "window_unit": route.window_unit_id,
                "service_area": route.service_area_id,
                "municipalities": sorted(municipality.pk for municipality in route.municipalities.all()),
                **{name: _json_value(getattr(route, name)) for name in ROUTE_FIELDS},
            }
            for route in routes
        ],
        "units": [_unit_data(unit) for unit in units.order_by("pk")],
    }


@transaction.atomic
def route_set_publish(*, county, module, user) -> PublishedRouteSet:
    """Publish the county's routes of the content as they are now: the public reads this snapshot until the next."""
    if not can_publish_county(user, county.pk):
        raise PermissionDenied(NOT_A_PUBLISHER)
    snapshot = route_set_snapshot(county=county, module=module)
    if not snapshot["routes"]:
        raise ValidationError(NOTHING_TO_PUBLISH)
    return PublishedRouteSet.objects.create(county=county, module=module, snapshot=snapshot, published_by=user)


# --- copying a route set --------------------------------------------------------------------------


def _check_may_edit(*, county, user) -> None:
    if not (user.has_perm("routing.add_route") and can_edit_county(user, county.pk)):
        raise PermissionDenied(NOT_AN_EDITOR)


def _saved_with_user(row, user):
    row._history_user = user
    row.save()
    return row


def _ensure_target_empty(*, county, module) -> None:
    if Route.objects.filter(county=county, module=module).exists():
        raise ValidationError(COPY_TARGET_HAS_ROUTES)


@transaction.atomic
def route_set_copy_from_content(*, county, source_module, target_module, user, today=None) -> list[Route]:
    """New routes for `target_module` made from the county's routes of `source_module` that are in use or coming."""
    _check_may_edit(county=county, user=user)
    today = today or timezone.localdate()
    if source_module.pk == target_module.pk:
        raise ValidationError(COPY_SAME_CONTENT)
    if source_module.kind != target_module.kind:
        raise ValidationError(COPY_OTHER_KIND)
    _ensure_target_empty(county=county, module=target_module)
    sources = list(
        Route.objects.filter(county=county, module=source_module)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .prefetch_related("municipalities")
        .order_by("pk")
    )
    if not sources:
        raise ValidationError(COPY_NOTHING)
    note = str(COPIED_FROM_CONTENT) % {"content": source_module.name, "date": date_format(today, "SHORT_DATE_FORMAT")}
    copies = []
    for source in sources:
        copy = Route(
            county=county,
            module=target_module,
            outcome_id=source.outcome_id,
            service_area_id=source.service_area_id,
            receiving_unit_id=source.receiving_unit_id,
            window_unit_id=source.window_unit_id,
            **{name: getattr(source, name) for name in ROUTE_FIELDS},
        )
        copy.valid_from = max(source.valid_from, today)
        copy.source = note
        copy.verified_on = None
        _saved_with_user(copy, user)
        copy.municipalities.set(source.municipalities.all())
        copies.append(copy)
    return copies


@transaction.atomic
def route_set_copy_from_published(*, published: PublishedRouteSet, county, user, today=None) -> list[Route]:
    """New routes of `county` made from another county's published routes of a content, with units of its own.

    A unit of the other county becomes a unit of `county` with the same code (or the one it
    already has by that code); national services stay as they are. Municipalities and service
    areas are the other county's, so they are left out; nothing is marked verified.
    """
    _check_may_edit(county=county, user=user)
    today = today or timezone.localdate()
    if published.county_id == county.pk:
        raise ValidationError(COPY_OWN_COUNTY)
    latest = PublishedRouteSet.objects.latest_for(county=published.county, module=published.module)
    snapshot = latest.snapshot
    _ensure_target_empty(county=county, module=published.module)
    in_use = [
        data
        for data in snapshot["routes"]
        if not data["valid_to"] or datetime.date.fromisoformat(data["valid_to"]) >= today
    ]
    if not in_use:
        raise ValidationError(COPY_NOTHING)
    units = _units_copied(snapshot=snapshot, county=county, user=user)
    outcomes = {outcome.code: outcome for outcome in Outcome.objects.all()}
    note = str(COPIED_FROM_COUNTY) % {"county": latest.county.name, "date": date_format(today, "SHORT_DATE_FORMAT")}
    copies = []
    for data in in_use:
        copy = Route(
            county=county,
            module=latest.module,
            outcome=outcomes[data["outcome"]],
            receiving_unit=units[data["receiving_unit"]],
            window_unit=units.get(data["window_unit"]),
            **{name: data[name] for name in ROUTE_FIELDS},
        )
        copy.valid_from = max(datetime.date.fromisoformat(data["valid_from"]), today)
        copy.valid_to = datetime.date.fromisoformat(data["valid_to"]) if data["valid_to"] else None
        for name in ("starts_at", "ends_at", "target_cutoff"):
            value = data[name]
            setattr(copy, name, datetime.time.fromisoformat(value) if value else None)
        copy.source = note
        copy.verified_on = None
        copy.foreign_unit_reason = ""
        copy.full_clean()
        copies.append(_saved_with_user(copy, user))
    return copies


def _units_copied(*, snapshot, county, user) -> dict[int, ReceivingUnit]:
    """The snapshot's units by their id there, as units `county` may route to."""
    own = {unit.code: unit for unit in ReceivingUnit.objects.for_county(county)}
    national = {unit.pk: unit for unit in ReceivingUnit.objects.national()}
    units = {}
    for data in snapshot["units"]:
        if data["county"] is None and data["id"] in national:
            units[data["id"]] = national[data["id"]]
            continue
        unit = own.get(data["code"])
        if unit is None:
            unit = _saved_with_user(ReceivingUnit(county=county, **{name: data[name] for name in UNIT_FIELDS}), user)
            for hours in data["hours"]:
                _saved_with_user(
                    OpeningHours(
                        unit=unit,
                        weekday=hours["weekday"],
                        opens=datetime.time.fromisoformat(hours["opens"]),
                        closes=datetime.time.fromisoformat(hours["closes"]),
                    ),
                    user,
                )
            own[unit.code] = unit
        units[data["id"]] = unit
    return units
