"""A demo-like published route set for the page, deck and browser tests.

A county's digital centre (Mon–Fri 7–21, weekends 8–18) takes urgent results by phone and
non-urgent ones in its work queue (handled in its hours, within 2 hours when sent by 13:00);
116117 takes the urgent ones whenever the centre is closed.
"""

import datetime

from routing.choices import Channel, TargetKind, UnitType, WindowKind
from routing.models import OpeningHours, Outcome, PublishedRouteSet, ReceivingUnit, Route
from routing.services import route_set_snapshot

T = datetime.time
VALID_FROM = datetime.date(2025, 1, 1)


def symptom_outcomes() -> dict[str, Outcome]:
    urgent, _created = Outcome.objects.get_or_create(
        code="urgent",
        defaults={
            "content_kind": "symptom_assessment",
            "urgency": "urgent",
            "order": 1,
            "name_fi": "Kiireellinen",
            "name_sv": "Brådskande",
            "name_en": "Urgent",
        },
    )
    non_urgent, _created = Outcome.objects.get_or_create(
        code="non-urgent",
        defaults={
            "content_kind": "symptom_assessment",
            "urgency": "non_urgent",
            "order": 2,
            "name_fi": "Kiireetön",
            "name_sv": "Icke brådskande",
            "name_en": "Non-urgent",
        },
    )
    return {"urgent": urgent, "non-urgent": non_urgent}


def helpline() -> ReceivingUnit:
    unit, _created = ReceivingUnit.objects.get_or_create(
        county=None,
        code="116117",
        defaults={
            "unit_type": UnitType.MEDICAL_HELPLINE,
            "name_fi": "Päivystysapu 116117",
            "name_sv": "Jourhjälpen 116117",
            "name_en": "Medical helpline 116117",
            "phone": "116117",
            "open_around_the_clock": True,
        },
    )
    return unit


def digital_centre(county, *, code="digikeskus") -> ReceivingUnit:
    unit = ReceivingUnit.objects.create(
        county=county,
        code=code,
        unit_type=UnitType.DIGITAL_CENTRE,
        name_fi="Digikeskus",
        name_sv="Digicentralen",
        name_en="Digital centre",
        phone="03 000 0000",
    )
    OpeningHours.objects.bulk_create(
        [OpeningHours(unit=unit, weekday=day, opens=T(7), closes=T(21)) for day in range(1, 6)]
        + [OpeningHours(unit=unit, weekday=day, opens=T(8), closes=T(18)) for day in (6, 7)]
    )
    return unit


def centre_routes(*, county, module, centre=None, verified_on=datetime.date(2026, 11, 2)) -> list[Route]:
    """The four routes of the set (urgent by day on weekdays and at weekends, at night; non-urgent)."""
    outcomes = symptom_outcomes()
    centre = centre or digital_centre(county)
    common = {"county": county, "module": module, "valid_from": VALID_FROM, "verified_on": verified_on}
    return [
        Route.objects.create(
            **common,
            outcome=outcomes["urgent"],
            weekdays=[1, 2, 3, 4, 5],
            starts_at=T(7),
            ends_at=T(21),
            channel=Channel.PHONE_LINE,
            receiving_unit=centre,
            roles=["nurse"],
            target_kind=TargetKind.MINUTES,
            target_value=30,
        ),
        Route.objects.create(
            **common,
            outcome=outcomes["urgent"],
            weekdays=[6, 7],
            starts_at=T(8),
            ends_at=T(18),
            channel=Channel.PHONE_LINE,
            receiving_unit=centre,
            roles=["nurse"],
            target_kind=TargetKind.MINUTES,
            target_value=30,
        ),
        Route.objects.create(
            **common,
            outcome=outcomes["urgent"],
            window_kind=WindowKind.UNIT_CLOSED,
            window_unit=centre,
            channel=Channel.HELPLINE_116117,
            receiving_unit=helpline(),
        ),
        Route.objects.create(
            **common,
            outcome=outcomes["non-urgent"],
            window_kind=WindowKind.ALWAYS,
            channel=Channel.WORK_QUEUE,
            receiving_unit=centre,
            roles=["nurse", "doctor"],
            handled_in_unit_hours=True,
            target_kind=TargetKind.HOURS,
            target_value=2,
            target_cutoff=T(13),
        ),
    ]


def published(*, county, module) -> PublishedRouteSet:
    """Publish the county's routes of the content as they are now (as the demo does, by nobody)."""
    return PublishedRouteSet.objects.create(
        county=county, module=module, snapshot=route_set_snapshot(county=county, module=module)
    )
