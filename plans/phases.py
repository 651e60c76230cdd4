"""The guide's phases as a plan runs them: which tasks belong to each, and whether the phase is done.

A task belongs to the phase its step (`PlanTask.source_step_id`) has in the published version
the plan follows; the go/no-go decision and tasks of steps removed since belong to none. A phase
is done when every one of its tasks is done or skipped (a phase without tasks is never done).
The phases' durations (`plans.durations`) and lessons (`plans.services.phase_lesson_write`) both
read the phases this way.
"""

from dataclasses import dataclass, field

from plans.models import OPEN_STATUSES, TaskKind


@dataclass
class PlanPhase:
    """One phase of the guide in a plan: its id and title in the published version, its order and its tasks."""

    source_phase_id: int
    title: str
    order: int
    tasks: list = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(task.status in OPEN_STATUSES for task in self.tasks)

    @property
    def is_done(self) -> bool:
        return bool(self.tasks) and self.open_count == 0


def plan_phases(tasks, snapshot: dict) -> list[PlanPhase]:
    """The phases of the published version `snapshot` that have tasks among `tasks`, in the guide's order."""
    phases, phase_of_step = {}, {}
    for order, phase in enumerate(snapshot.get("phases", []), start=1):
        phases[phase["id"]] = PlanPhase(source_phase_id=phase["id"], title=phase.get("title", ""), order=order)
        for step in phase.get("steps", []):
            phase_of_step[step["id"]] = phase["id"]
    for task in tasks:
        if task.kind == TaskKind.STEP and (phase_id := phase_of_step.get(task.source_step_id)) is not None:
            phases[phase_id].tasks.append(task)
    return [phase for phase in phases.values() if phase.tasks]
