"""Shared test data for the public pages: a county with a guide, contents and rollouts, scaled by `size`."""

import datetime
from dataclasses import dataclass

from metrics.models import UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.models import (
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    Rollout,
    RolloutStatus,
    Step,
)
from processes.tests.factories import (
    ContentModuleFactory,
    PhaseFactory,
    ProcessDescriptionFactory,
    RolloutFactory,
    StepFactory,
)
from regions.models import WellbeingCounty
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

STATUS_CYCLE = [RolloutStatus.IN_USE, RolloutStatus.PILOTING, RolloutStatus.PLANNED, RolloutStatus.ENDED]


@dataclass
class PortalData:
    county: WellbeingCounty
    guide: ProcessDescription
    module: ContentModule
    processes: list[ProcessDescription]
    rollouts: list[Rollout]


def build_portal(size: int, *, county_code: str = "12") -> PortalData:
    """A county with `size` published guides, phases, steps, contents, service areas, rollouts, months of usage."""
    county = WellbeingCountyFactory(code=county_code, name_fi="Pohjois-Karjalan hyvinvointialue", brand="Siun sote")
    areas = [ServiceAreaFactory(county=county) for _ in range(size)]
    modules = [ContentModuleFactory() for _ in range(size)]
    guide = ProcessDescriptionFactory(
        county=county,
        slug="kayttoonotto",
        title="Omaolon käyttöönoton prosessikuvaus",
        author="Minna Tuuri",
        place_of_implementation="Pohjois-Karjalan hyvinvointialue",
        funder="ministry",
        operating_environment="Alueeseen kuuluu 13 kuntaa.",
        solution="Kuvataan käyttöönoton vaiheet.",
    )
    guide.modules.set(modules)
    ProcessLink.objects.create(process=guide, title="Käyttöönoton tarkistuslista", url="https://example.fi/lista.pdf")
    ProcessAttachment.objects.bulk_create(
        ProcessAttachment(
            process=guide,
            title=f"Liite {number}",
            file=f"attachments/liite-{number}.png",
            kind="png",
            show_in_guide=number % 2 == 0,
            alt_text=f"Kuva {number}",
            order=number,
        )
        for number in range(size)
    )
    phases: list[Phase] = []
    steps: list[Step] = []
    for number in range(1, size + 1):
        phase = PhaseFactory(process=guide, order=number, title=f"Vaihe {number}")
        phases.append(phase)
        steps.append(StepFactory(phase=phase, order=1, title=f"Askel {number}"))
    processes = [guide]
    for number in range(1, size):
        process = ProcessDescriptionFactory(county=county)
        process.modules.add(modules[number % len(modules)])
        processes.append(process)
    rollouts = []
    for number, module in enumerate(modules):
        status = STATUS_CYCLE[number % len(STATUS_CYCLE)]
        rollout = RolloutFactory(
            county=county,
            module=module,
            service_area=areas[number],
            process=guide,
            status=status,
            ended_on=datetime.date(2024, 6, 30) if status == RolloutStatus.ENDED else None,
            current_phase=phases[number % len(phases)],
        )
        rollout.completed_steps.set(steps[: number % len(steps) + 1])
        rollouts.append(rollout)
    started = MetricFactory(code="assessments_started", name_fi="Aloitetut arviot")
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=module,
            metric=started,
            period_type="month",
            period_start=datetime.date(2020 + month // 12, month % 12 + 1, 1),
            value=100 + month,
        )
        for module in modules
        for month in range(size)
    )
    return PortalData(county=county, guide=guide, module=modules[0], processes=processes, rollouts=rollouts)
