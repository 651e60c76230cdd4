"""Experiences from N rollouts: how long a guide's steps and phases took in the plans that followed it.

Only plans that ended count (their phases' durations are stored, `plans.durations`): a running
plan's figures are still guesses. For each step of the guide, across the done tasks copying it:
the planned duration (the estimate the plan copied) and the actual one (working days from start
to done, both included), as a median and a range; for each phase, the same from the stored
phase durations; and the lessons the teams wrote on those tasks. Nothing else of a plan is
read: no owner, no notes (see docs/plans.md).

`section_of_guide` is registered on the public guide page (`processes.guide_sections`) by
`PlansConfig.ready`, because `processes` may not import `plans`.
"""

import statistics
from dataclasses import dataclass

from django.utils.translation import ngettext

from plans.models import PlanPhaseDuration, PlanTask, TaskKind, TaskStatus
from processes.guide_sections import GuideSection

SECTION_ID = "experiences"


@dataclass(frozen=True)
class Figures:
    """Planned and actual durations over `count` plans, in working days."""

    count: int
    planned_median: float | None
    actual_median: float | None
    actual_min: int | None
    actual_max: int | None

    @property
    def actual_range(self) -> tuple[int, int] | None:
        return None if self.actual_min is None else (self.actual_min, self.actual_max)


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    median = statistics.median(values)
    return int(median) if float(median).is_integer() else round(median, 1)


def figures_of(pairs) -> Figures:
    """Figures of (planned, actual) pairs, one a plan; a missing value is left out of its own median only."""
    pairs = list(pairs)
    planned = [planned for planned, _actual in pairs if planned is not None]
    actual = [actual for _planned, actual in pairs if actual is not None]
    return Figures(
        count=len(pairs),
        planned_median=_median(planned),
        actual_median=_median(actual),
        actual_min=min(actual, default=None),
        actual_max=max(actual, default=None),
    )


def figures_by_key(rows) -> dict[int, Figures]:
    """(key, planned, actual) rows, one a plan and key, to each key's `Figures`."""
    grouped = {}
    for key, planned, actual in rows:
        grouped.setdefault(key, []).append((planned, actual))
    return {key: figures_of(pairs) for key, pairs in grouped.items()}


@dataclass
class Experiences:
    rollout_count: int
    phases: list[dict]  # {"phase", "figures", "steps": [{"step", "figures"}]}
    lessons: list[PlanTask]


def guide_experiences(*, process, phases) -> Experiences | None:
    """The experiences of the plans that followed `process` and ended, laid on its `phases` as the page shows them.

    Three queries at most, whatever the number of plans: the phases' stored durations (none:
    no section), the steps' done tasks, and the lessons with their rollouts.
    """
    durations = list(
        PlanPhaseDuration.objects.filter(plan__source_version__process=process).values_list(
            "plan_id", "source_phase_id", "planned_days", "actual_days"
        )
    )
    plan_ids = {plan_id for plan_id, *_rest in durations}
    if not plan_ids:
        return None
    done = PlanTask.objects.filter(plan__in=plan_ids, kind=TaskKind.STEP, status=TaskStatus.DONE)
    step_figures = figures_by_key(done.values_list("source_step_id", "estimated_days", "actual_days"))
    phase_figures = figures_by_key((phase_id, planned, actual) for _plan, phase_id, planned, actual in durations)
    lessons = list(
        done.exclude(lesson="")
        .select_related("plan__rollout__county", "plan__rollout__module")
        .order_by("plan__rollout__county__code", "plan_id", "order")
    )
    return Experiences(
        rollout_count=len(plan_ids),
        phases=[
            {
                "phase": phase,
                "figures": phase_figures.get(phase.pk),
                "steps": [{"step": step, "figures": step_figures.get(step.pk)} for step in phase.step_list],
            }
            for phase in phases
        ],
        lessons=lessons,
    )


def section_of_guide(*, process, phases) -> GuideSection | None:
    """The guide page's section "Experiences from N rollouts", when a plan that followed the guide has ended."""
    experiences = guide_experiences(process=process, phases=phases)
    if experiences is None:
        return None
    return GuideSection(
        id=SECTION_ID,
        title=ngettext(
            "Experiences from %(count)d rollout", "Experiences from %(count)d rollouts", experiences.rollout_count
        )
        % {"count": experiences.rollout_count},
        template="plans/guide_experiences.html",
        context={"experiences": experiences},
    )
