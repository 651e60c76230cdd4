"""Create the demo content: process descriptions with phases and steps, service areas, rollouts."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from metrics.aggregation import current_period_start
from metrics.models import PeriodType
from omaolo_portal.demo.content import PHASE_TEMPLATE, PROCESSES, RECENT_GO_LIVES, ROLLOUTS, SERVICE_AREAS
from omaolo_portal.demo.plans import demo_plans_seed, step_schedule
from omaolo_portal.demo.routing import demo_route_publications_seed, demo_routes_seed
from omaolo_portal.demo.statistics import demo_statistics_seed
from processes.models import (
    ContentModule,
    Phase,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    PublicationTransition,
    ResponsibleRole,
    Rollout,
    Step,
)
from processes.publishing import process_snapshot, published_version_create
from regions.models import ServiceArea, WellbeingCounty
from regions.permissions import editor_group_ensure, national_admin_group_ensure

DEMO_USERS = [
    # (username, password, county code or None for a superuser, role in the county)
    ("admin", "admin", None, None),
    ("paijat-hame", "paijat-hame", "09", "editor"),
    ("paijat-hame-julkaisija", "paijat-hame-julkaisija", "09", "publisher"),
]
# The Päijät-Häme guide's revision waiting for its publisher: what the demo changes after publishing it.
DEMO_REVISION_SLUG = "omaolo-kayttoonoton-vaiheet-paijat-hame"
DEMO_REVISION_TIPS = (
    " Esimerkki tarkastettavana olevasta muutoksesta: kerää ammattilaisten palaute jokaisen pilotin jälkeen."
)
DEMO_REVISION_STEP = {
    "title": "Kerää ammattilaisten palaute pilotista (esimerkki)",
    "responsible_role": ResponsibleRole.MAIN_USER,
    "estimated_days": 3,
    "output": "Koonti palautteesta ja sovitut korjaukset",
    "checklist": "Lyhyt kysely ammattilaisille\nPalautekeskustelu esihenkilöiden kanssa",
}


def demo_users_ensure() -> list[tuple[str, str]]:
    """A demo superuser, a Päijät-Häme editor and its publisher; returns (username, password) of each."""
    user_model = get_user_model()
    group = editor_group_ensure()
    created = []
    for username, password, county_code, role in DEMO_USERS:
        user, was_created = user_model.objects.get_or_create(username=username)
        if was_created:
            user.set_password(password)
        user.is_staff = True
        user.is_superuser = county_code is None
        user.save()
        if county_code:
            user.groups.add(group)
            county = WellbeingCounty.objects.get(code=county_code)
            (county.publishers if role == "publisher" else county.editors).add(user)
        created.append((username, password))
    return created


def _service_areas_seed():
    for county_code, areas in SERVICE_AREAS.items():
        county = WellbeingCounty.objects.get(code=county_code)
        for code, name_fi, name_sv, name_en in areas:
            ServiceArea.objects.update_or_create(
                county=county, code=code, defaults={"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en}
            )


def _process_seed(spec) -> ProcessDescription:
    county = WellbeingCounty.objects.get(code=spec["county"])
    process, created = ProcessDescription.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "county": county,
            "summary": spec["summary"],
            "status": spec["status"],
            "published_at": spec["published_at"],
            "development_stage": spec["development_stage"],
            "funder": spec["funder"],
            "author": spec["author"],
            "place_of_implementation": spec["place_of_implementation"],
            "created_at": spec["created_at"],
            **spec["sections"],
        },
    )
    if not created:
        return process
    # auto_now stamps today's date on save; the demo keeps the description's own history.
    ProcessDescription.objects.filter(pk=process.pk).update(modified_at=spec["modified_at"])
    process.modules.set(ContentModule.objects.filter(code__in=spec["modules"]))
    for order, (title, url) in enumerate(spec["links"], start=1):
        ProcessLink.objects.create(process=process, order=order, title=title, url=url)
    for phase_order, phase_spec in enumerate(PHASE_TEMPLATE, start=1):
        phase = Phase.objects.create(
            process=process, order=phase_order, title=phase_spec["title"], goal=phase_spec["goal"]
        )
        # One by one, so that each step has the history an editor's conflicting save is compared with.
        for step_order, step in enumerate(phase_spec["steps"], start=1):
            Step.objects.create(
                phase=phase,
                order=step_order,
                title=step["title"],
                responsible_role=step["role"],
                estimated_days=step["days"],
                output=step["output"],
                checklist=step["checklist"],
                **step_schedule(step["title"]),
            )
    if process.status == PublicationStatus.PUBLISHED:
        _published_version_ensure(process)
    if process.slug == DEMO_REVISION_SLUG:
        _revision_in_review_seed(process)
    return process


def _published_version_ensure(process: ProcessDescription) -> None:
    """The published version and the review log of a demo description that the demo publishes as it is."""
    process.refresh_from_db()
    version = published_version_create(
        process=process, snapshot=process_snapshot(process), user=None, published_at=process.published_at
    )
    for from_status, to_status in [
        (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW),
        (PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED),
    ]:
        PublicationTransition.objects.create(
            process=process, from_status=from_status, to_status=to_status, created_at=process.published_at
        )
    ProcessDescription.objects.filter(pk=process.pk).update(published_version=version)


def _revision_in_review_seed(process: ProcessDescription) -> None:
    """A revision of the published guide waiting for review: the public still reads the published version."""
    process.refresh_from_db()
    modified_at = process.modified_at
    process.tips += DEMO_REVISION_TIPS
    process.status = PublicationStatus.IN_REVIEW
    process.save()
    ProcessDescription.objects.filter(pk=process.pk).update(modified_at=modified_at)
    last_phase = process.phases.order_by("-order").first()
    Step.objects.create(phase=last_phase, order=last_phase.steps.count() + 1, **DEMO_REVISION_STEP)
    for from_status, to_status in [
        (PublicationStatus.PUBLISHED, PublicationStatus.DRAFT),
        (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW),
    ]:
        PublicationTransition.objects.create(process=process, from_status=from_status, to_status=to_status)


def _recent_dates(county_code, module_code, pilot, go_live, *, today):
    """A rollout's pilot start and go-live; those of RECENT_GO_LIVES counted back from the current week."""
    weeks = RECENT_GO_LIVES.get((county_code, module_code))
    if weeks is None:
        return pilot, go_live
    this_week = current_period_start(PeriodType.WEEK, today)
    return tuple(this_week - datetime.timedelta(weeks=weeks_back) for weeks_back in weeks)


def _rollouts_seed(processes: dict[str, ProcessDescription], *, today: datetime.date):
    counties = {county.code: county for county in WellbeingCounty.objects.all()}
    modules = {module.code: module for module in ContentModule.objects.all()}
    for county_code, module_code, area_code, process_slug, status, pilot, go_live, ended, phase_no in ROLLOUTS:
        pilot, go_live = _recent_dates(county_code, module_code, pilot, go_live, today=today)
        county = counties[county_code]
        area = ServiceArea.objects.get(county=county, code=area_code) if area_code else None
        process = processes.get(process_slug)
        rollout, created = Rollout.objects.get_or_create(
            county=county,
            module=modules[module_code],
            service_area=area,
            defaults={
                "process": process,
                "status": status,
                "pilot_start": pilot,
                "go_live": go_live,
                "ended_on": ended,
            },
        )
        if not created or process is None or phase_no is None:
            continue
        phases = list(process.phases.order_by("order"))
        rollout.current_phase = phases[phase_no - 1]
        rollout.save(update_fields=["current_phase"])
        rollout.completed_steps.set(Step.objects.filter(phase__process=process, phase__order__lt=phase_no))


@transaction.atomic
def demo_seed(*, with_users: bool, today: datetime.date | None = None) -> dict:
    """Create whatever demo content is missing; existing rows are left as they are.

    The figures end at the last complete week and month before `today` (the local date by
    default), and some rollouts go live within them, so the demo is alive on any date.
    """
    today = today or timezone.localdate()
    _service_areas_seed()
    processes = {spec["slug"]: _process_seed(spec) for spec in PROCESSES}
    _rollouts_seed(processes, today=today)
    statistics_created = demo_statistics_seed(today=today)
    routes_created = demo_routes_seed()
    demo_route_publications_seed()
    editor_group_ensure()
    national_admin_group_ensure()
    users = demo_users_ensure() if with_users else []
    plan_owner = get_user_model().objects.filter(username="paijat-hame").first() if with_users else None
    demo_plans_seed(owner=plan_owner, today=today)
    return {
        "processes": len(processes),
        "statistics_created": statistics_created,
        "routes_created": routes_created,
        "users": users,
    }
