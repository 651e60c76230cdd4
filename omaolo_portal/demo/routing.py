"""Demo routes in the shape of real county routings, in the portal's own words and marked as examples.

Päijät-Häme: a county-wide digital centre by day (Mon–Fri 7–21, weekends and holidays 8–18),
116117 whenever it is closed. Lapland: the health station by day, a partner hospital's
emergency line in the evening and at weekends, 116117 at night. North Karelia's routes ended
with its rollout in June 2024. Two findings are left for the route check to show: a health
check handled in 5 working days (the same-day rule of 1.9.2023) and a route not verified
since 2023. Every set is published but Lapland's ear ache, a draft (`PUBLISHED`).
"""

import datetime

from processes.models import ContentModule
from regions.models import WellbeingCounty
from routing.choices import Channel, TargetKind, UnitType, WindowKind
from routing.models import OpeningException, OpeningHours, Outcome, PublishedRouteSet, ReceivingUnit, Route
from routing.services import route_set_snapshot

EXAMPLE = "Esimerkki: demoaineisto, ei todellinen ohjaus."
T = datetime.time
WEEKDAYS, WEEKEND, EVERY_DAY = [1, 2, 3, 4, 5], [6, 7], [1, 2, 3, 4, 5, 6, 7]

# county, code, type, names fi/sv/en, operator, phone, weekly hours [(days, opens, closes)]
UNITS = [
    (
        "09",
        "digikeskus",
        UnitType.DIGITAL_CENTRE,
        (
            "Digitaalinen sote-keskus (esimerkki)",
            "Digitalt social- och hälsovårdscenter (exempel)",
            "Digital health and social services centre (example)",
        ),
        "",
        "03 000 0000",
        [(WEEKDAYS, T(7), T(21)), (WEEKEND, T(8), T(18))],
    ),
    (
        "09",
        "hyvinvointiasema",
        UnitType.HEALTH_STATION,
        ("Hyvinvointiasema (esimerkki)", "Välfärdsstation (exempel)", "Wellbeing station (example)"),
        "",
        "03 000 0001",
        [(WEEKDAYS, T(8), T(16))],
    ),
    (
        "21",
        "terveysasema",
        UnitType.HEALTH_STATION,
        (
            "Terveysaseman vastaanotto (esimerkki)",
            "Hälsostationens mottagning (exempel)",
            "Health station reception (example)",
        ),
        "",
        "016 000 0000",
        [(WEEKDAYS, T(8), T(16))],
    ),
    (
        "21",
        "kumppanipaivystys",
        UnitType.PARTNER_HOSPITAL,
        (
            "Kumppanisairaalan päivystys (esimerkki)",
            "Partnersjukhusets jour (exempel)",
            "Partner hospital emergency care (example)",
        ),
        "Kumppanisairaala Oy (esimerkki)",
        "016 000 0001",
        [(WEEKDAYS, T(16), T(22)), (WEEKEND, T(8), T(22))],
    ),
    (
        "14",
        "terveysasema",
        UnitType.HEALTH_STATION,
        ("Terveysasema (esimerkki)", "Hälsostation (exempel)", "Health station (example)"),
        "",
        "013 000 0000",
        [(WEEKDAYS, T(8), T(16))],
    ),
]


PAIJAT_HAME_SYMPTOMS = [
    ("emergency", {"window_kind": WindowKind.ALWAYS, "channel": Channel.EMERGENCY_112, "receiving_unit": "112"}),
    (
        "urgent",
        {
            "weekdays": WEEKDAYS,
            "starts_at": T(7),
            "ends_at": T(21),
            "channel": Channel.CHAT,
            "receiving_unit": "digikeskus",
            "target_kind": TargetKind.MINUTES,
            "target_value": 30,
            "roles": ["nurse"],
        },
    ),
    (
        "urgent",
        {
            "weekdays": WEEKEND,
            "starts_at": T(8),
            "ends_at": T(18),
            "channel": Channel.CHAT,
            "receiving_unit": "digikeskus",
            "target_kind": TargetKind.MINUTES,
            "target_value": 30,
            "roles": ["nurse"],
        },
    ),
    (
        "urgent",
        {
            "window_kind": WindowKind.UNIT_CLOSED,
            "window_unit": "digikeskus",
            "channel": Channel.HELPLINE_116117,
            "receiving_unit": "116117",
        },
    ),
    (
        "non-urgent",
        {
            "window_kind": WindowKind.ALWAYS,
            "channel": Channel.WORK_QUEUE,
            "receiving_unit": "digikeskus",
            "handled_in_unit_hours": True,
            "target_kind": TargetKind.SAME_WORKING_DAY,
            "roles": ["nurse", "doctor"],
        },
    ),
    ("self-care", {"window_kind": WindowKind.ALWAYS, "channel": Channel.SELF_CARE, "receiving_unit": "digikeskus"}),
]
LAPLAND_SYMPTOMS = [
    ("emergency", {"window_kind": WindowKind.ALWAYS, "channel": Channel.EMERGENCY_112, "receiving_unit": "112"}),
    (
        "urgent",
        {
            "weekdays": WEEKDAYS,
            "starts_at": T(8),
            "ends_at": T(16),
            "channel": Channel.PHONE_LINE,
            "receiving_unit": "terveysasema",
        },
    ),
    (
        "urgent",
        {
            "weekdays": WEEKDAYS,
            "starts_at": T(16),
            "ends_at": T(22),
            "channel": Channel.PHONE_LINE,
            "receiving_unit": "kumppanipaivystys",
        },
    ),
    (
        "urgent",
        {
            "weekdays": WEEKEND,
            "starts_at": T(8),
            "ends_at": T(22),
            "channel": Channel.PHONE_LINE,
            "receiving_unit": "kumppanipaivystys",
        },
    ),
    (
        "urgent",
        {
            "weekdays": EVERY_DAY,
            "starts_at": T(22),
            "ends_at": T(8),
            "channel": Channel.HELPLINE_116117,
            "receiving_unit": "116117",
        },
    ),
    (
        "non-urgent",
        {
            "window_kind": WindowKind.ALWAYS,
            "channel": Channel.WORK_QUEUE,
            "receiving_unit": "terveysasema",
            "handled_in_unit_hours": True,
            "target_kind": TargetKind.HOURS,
            "target_value": 2,
            "target_cutoff": T(13),
            "roles": ["nurse"],
        },
    ),
    ("self-care", {"window_kind": WindowKind.ALWAYS, "channel": Channel.SELF_CARE, "receiving_unit": "terveysasema"}),
]

# county, content, valid from, valid to, last verified, routes
ROUTE_SETS = [
    ("09", "kurkkukipu", datetime.date(2026, 9, 7), None, datetime.date(2026, 8, 31), PAIJAT_HAME_SYMPTOMS),
    (
        "09",
        "hyvinvointitarkastus",
        datetime.date(2023, 11, 6),
        None,
        datetime.date(2026, 6, 1),
        [
            (
                "report-sent",
                {
                    "window_kind": WindowKind.ALWAYS,
                    "channel": Channel.WORK_QUEUE,
                    "receiving_unit": "hyvinvointiasema",
                    "handled_in_unit_hours": True,
                    "target_kind": TargetKind.WORKING_DAYS,
                    "target_value": 5,
                    "roles": ["nurse"],
                },
            )
        ],
    ),
    ("21", "yska", datetime.date(2021, 4, 12), None, datetime.date(2026, 5, 4), LAPLAND_SYMPTOMS),
    ("21", "korvakipu", datetime.date(2022, 2, 14), None, datetime.date(2023, 2, 1), LAPLAND_SYMPTOMS),
    (
        "14",
        "virtsatietulehdus",
        datetime.date(2018, 5, 7),
        datetime.date(2024, 6, 30),
        datetime.date(2024, 1, 15),
        [
            (
                "non-urgent",
                {
                    "window_kind": WindowKind.ALWAYS,
                    "channel": Channel.E_PRESCRIPTION,
                    "receiving_unit": "terveysasema",
                    "handled_in_unit_hours": True,
                    "target_kind": TargetKind.SAME_WORKING_DAY,
                    "roles": ["nurse", "doctor"],
                },
            ),
        ],
    ),
]
# Christmas closures like Ostrobothnia's in 2025: the non-urgent reception closed, 116117 covering.
EXCEPTIONS = [
    ("09", "hyvinvointiasema", datetime.date(2026, 12, 24), datetime.date(2026, 12, 31), "Joulun sulku (esimerkki)"),
    ("21", "terveysasema", datetime.date(2026, 12, 24), datetime.date(2026, 12, 27), "Joulun sulku (esimerkki)"),
]
# Every set meant to be live is published; Lapland's ear-ache routes stay a draft nobody has
# published, to show that the public reads only what a publisher published.
PUBLISHED = [("09", "hyvinvointitarkastus"), ("09", "kurkkukipu"), ("21", "yska"), ("14", "virtsatietulehdus")]


def demo_routes_seed() -> int:
    """Create the demo units and routes that are missing; returns the number of routes created."""
    counties = {county.code: county for county in WellbeingCounty.objects.filter(code__in={"09", "14", "21"})}
    units = {}
    for county_code, code, unit_type, (name_fi, name_sv, name_en), operator, phone, hours in UNITS:
        unit, created = ReceivingUnit.objects.get_or_create(
            county=counties[county_code],
            code=code,
            defaults={
                "unit_type": unit_type,
                "name_fi": name_fi,
                "name_sv": name_sv,
                "name_en": name_en,
                "operator": operator,
                "phone": phone,
            },
        )
        if created:
            for days, opens, closes in hours:
                OpeningHours.objects.bulk_create(
                    OpeningHours(unit=unit, weekday=day, opens=opens, closes=closes) for day in days
                )
        units[(county_code, code)] = unit
    for county_code, code, starts_on, ends_on, reason in EXCEPTIONS:
        OpeningException.objects.get_or_create(
            unit=units[(county_code, code)], starts_on=starts_on, ends_on=ends_on, defaults={"reason": reason}
        )
    national = {unit.code: unit for unit in ReceivingUnit.objects.national()}
    outcomes = {outcome.code: outcome for outcome in Outcome.objects.all()}
    modules = {module.code: module for module in ContentModule.objects.all()}
    created = 0
    for county_code, module_code, valid_from, valid_to, verified_on, routes in ROUTE_SETS:
        county, module = counties[county_code], modules[module_code]
        if Route.objects.filter(county=county, module=module).exists():
            continue
        for outcome_code, values in routes:
            values = dict(values)
            unit_code = values.pop("receiving_unit")
            window_unit = values.pop("window_unit", None)
            Route.objects.create(
                county=county,
                module=module,
                outcome=outcomes[outcome_code],
                receiving_unit=national.get(unit_code) or units[(county_code, unit_code)],
                window_unit=units[(county_code, window_unit)] if window_unit else None,
                valid_from=valid_from,
                valid_to=valid_to,
                verified_on=verified_on,
                languages=["fi", "sv"] if county_code == "09" else ["fi"],
                source=EXAMPLE,
                **values,
            )
            created += 1
    return created


def demo_route_publications_seed() -> None:
    """Publish the demo route sets that have never been published (as nobody: the demo's own publication)."""
    for county_code, module_code in PUBLISHED:
        county = WellbeingCounty.objects.get(code=county_code)
        module = ContentModule.objects.get(code=module_code)
        if not PublishedRouteSet.objects.filter(county=county, module=module).exists():
            PublishedRouteSet.objects.create(
                county=county, module=module, snapshot=route_set_snapshot(county=county, module=module)
            )
