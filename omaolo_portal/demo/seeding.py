"""Create the demo content: process descriptions with phases and steps, service areas, rollouts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from omaolo_portal.demo.content import PHASE_TEMPLATE, PROCESSES, ROLLOUTS, SERVICE_AREAS
from omaolo_portal.demo.statistics import demo_statistics_seed
from processes.models import ContentModule, Phase, ProcessDescription, ProcessLink, Rollout, Step
from regions.models import ServiceArea, WellbeingCounty
from regions.permissions import editor_group_ensure

DEMO_USERS = [
    # (username, password, county code or None for a superuser)
    ("admin", "admin", None),
    ("paijat-hame", "paijat-hame", "09"),
]


def demo_users_ensure() -> list[tuple[str, str]]:
    """A demo superuser and a Päijät-Häme editor; returns (username, password) of each."""
    user_model = get_user_model()
    group = editor_group_ensure()
    created = []
    for username, password, county_code in DEMO_USERS:
        user, was_created = user_model.objects.get_or_create(username=username)
        if was_created:
            user.set_password(password)
        user.is_staff = True
        user.is_superuser = county_code is None
        user.save()
        if county_code:
            user.groups.add(group)
            WellbeingCounty.objects.get(code=county_code).editors.add(user)
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
        Step.objects.bulk_create(
            Step(
                phase=phase,
                order=step_order,
                title=step["title"],
                responsible_role=step["role"],
                estimated_days=step["days"],
                output=step["output"],
                checklist=step["checklist"],
            )
            for step_order, step in enumerate(phase_spec["steps"], start=1)
        )
    return process


def _rollouts_seed(processes: dict[str, ProcessDescription]):
    counties = {county.code: county for county in WellbeingCounty.objects.all()}
    modules = {module.code: module for module in ContentModule.objects.all()}
    for county_code, module_code, area_code, process_slug, status, pilot, go_live, ended, phase_no in ROLLOUTS:
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
def demo_seed(*, with_users: bool) -> dict:
    """Create whatever demo content is missing; existing rows are left as they are."""
    _service_areas_seed()
    processes = {spec["slug"]: _process_seed(spec) for spec in PROCESSES}
    _rollouts_seed(processes)
    statistics_created = demo_statistics_seed()
    editor_group_ensure()
    users = demo_users_ensure() if with_users else []
    return {"processes": len(processes), "statistics_created": statistics_created, "users": users}
