"""The phases' durations of a plan that ended, stored for the guide's "experiences from N rollouts".

A plan ends when its last open task is done or skipped (`plans.services`), or when its rollout
ends (the receiver below, connected in `PlansConfig.ready`). Then each phase of the guide gets one
`PlanPhaseDuration`: planned from its tasks' planned dates, actual from their done dates, in
working days with both ends counted. A plan reopened (a done task set back to open) loses them
until it ends again.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from plans.models import PlanPhaseDuration, RolloutPlan, TaskStatus
from plans.phases import plan_phases
from plans.working_days import working_days_between
from processes.models import RolloutStatus


def _inclusive_days(first: datetime.date | None, last: datetime.date | None) -> int | None:
    if first is None or last is None or last < first:
        return None
    return working_days_between(first, last) + 1


@dataclass(frozen=True)
class PhaseDuration:
    source_phase_id: int
    phase_title: str
    order: int
    planned_days: int | None
    actual_days: int | None
    started_on: datetime.date | None
    finished_on: datetime.date | None


def phase_durations(tasks, snapshot: dict) -> list[PhaseDuration]:
    """Each phase of the published version `snapshot`, measured on the plan's `tasks` (skipped tasks left out).

    A phase with no done task has no actual duration; one with no dated task, no planned one.
    """
    durations = []
    for phase in plan_phases(tasks, snapshot):
        tasks_here = [task for task in phase.tasks if task.status != TaskStatus.SKIPPED]
        if not tasks_here:
            continue
        starts = [task.planned_start for task in tasks_here if task.planned_start]
        dues = [task.due for task in tasks_here if task.due]
        done = [task for task in tasks_here if task.status == TaskStatus.DONE and task.done_on]
        started = [task.started_on or task.planned_start for task in done if task.started_on or task.planned_start]
        first_start = min(started) if started else None
        last_done = max(task.done_on for task in done) if done else None
        durations.append(
            PhaseDuration(
                source_phase_id=phase.source_phase_id,
                phase_title=phase.title,
                order=phase.order,
                planned_days=_inclusive_days(min(starts, default=None), max(dues, default=None)),
                actual_days=_inclusive_days(first_start, last_done),
                started_on=first_start,
                finished_on=last_done,
            )
        )
    return durations


@transaction.atomic
def plan_durations_store(*, plan: RolloutPlan) -> list[PlanPhaseDuration]:
    """Store (again) the phases' durations of a plan that ended; called by the services, not by users."""
    plan = RolloutPlan.objects.select_related("source_version").get(pk=plan.pk)
    durations = phase_durations(list(plan.tasks.all()), plan.source_version.snapshot)
    PlanPhaseDuration.objects.filter(plan=plan).delete()
    return PlanPhaseDuration.objects.bulk_create(
        PlanPhaseDuration(plan=plan, **duration.__dict__) for duration in durations
    )


def plan_durations_forget(*, plan: RolloutPlan) -> None:
    """A reopened plan has not ended: its stored durations go until it ends again."""
    PlanPhaseDuration.objects.filter(plan=plan).delete()


def rollout_ended(sender, instance, **kwargs) -> None:
    """Receiver of the rollout's post_save: an ended rollout's plan stores its phases' durations once."""
    if instance.status != RolloutStatus.ENDED:
        return
    plan = RolloutPlan.objects.filter(rollout=instance).first()
    if plan is not None and not plan.phase_durations.exists():
        plan_durations_store(plan=plan)
