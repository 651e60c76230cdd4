"""Experiences from N rollouts: how long a guide's steps and phases took in the plans that followed it.

Only plans that ended count (their phases' durations are stored, `plans.durations`): a running
plan's figures are still guesses. The plans of the guide's copies count too (`based_on`, copies
of copies as well), each copied phase and step laid on the guide's own one it was copied from.
For each step of the guide, across the done tasks copying it: the planned duration (the
estimate the plan copied) and the actual one (working days from start to done, both included),
as a median and a range; for each phase, the same from the stored phase durations; and under
each phase the lessons the teams wrote on it (`PlanPhaseLesson`) and on its steps' tasks, with
the county and the content. Nothing else of a plan is read: no owner, no notes, no writer of a
lesson (see docs/plans.md).

`section_of_guide` is registered on the public guide page (`processes.guide_sections`) by
`PlansConfig.ready`, because `processes` may not import `plans`.
"""

import statistics
from dataclasses import dataclass, field

from django.utils.translation import ngettext

from plans.models import PlanPhaseDuration, PlanPhaseLesson, PlanTask, RolloutPlan, TaskKind, TaskStatus
from processes.guide_sections import GuideSection
from processes.models import Phase, ProcessDescription, Step

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


@dataclass(frozen=True)
class Lesson:
    """A lesson as the public reads it: about a phase as a whole or one of its steps, by a county, never by a person."""

    about: str  # the guide's title of the step, or empty for the phase as a whole
    lesson: str
    rollout: object
    via_copy: bool


@dataclass
class Experiences:
    rollout_count: int
    phases: list[dict]  # {"phase", "figures", "steps": [{"step", "figures"}], "lessons": [Lesson]}
    lessons: list[Lesson]  # the steps' lessons, in the guide's order
    rollouts_of_copies: list = field(default_factory=list)  # rollouts that followed a copy of the guide

    @property
    def has_lessons(self) -> bool:
        return any(item["lessons"] for item in self.phases)


def _follow(pk, copied_from: dict, own: set):
    """The guide's own phase or step that `pk` is (a copy of, through copies of copies), or None."""
    for _hop in range(len(copied_from) + 1):
        if pk is None or pk in own:
            return pk
        pk = copied_from.get(pk)
    return None


def guide_experiences(*, process, phases) -> Experiences | None:
    """The experiences of the plans that followed `process` or a copy of it and ended, laid on its `phases`.

    A copy's phases and steps count as the guide's own that they were copied from
    (`Phase.copied_from`, `Step.copied_from`, through copies of copies); one deleted since, or
    added by the copy, is left out. Queries, whatever the number of plans: the stored phase
    durations of the guide and its copies (none: no section, one query in all), the plans with
    their rollouts, the done tasks, the phases' lessons; and when a copy's plan counts, the
    copies' phases and steps: four, or six with copies.
    """
    family = ProcessDescription.objects.with_copies_of(process)
    durations = list(
        # Only plans the public may follow (RolloutPlan...public()): a withdrawn copy takes its plans with it.
        PlanPhaseDuration.objects.filter(
            plan__in=RolloutPlan.objects.public().filter(source_version__process__in=family.values("pk"))
        ).values_list("plan_id", "source_phase_id", "planned_days", "actual_days")
    )
    plan_ids = {plan_id for plan_id, *_rest in durations}
    if not plan_ids:
        return None
    plans = {
        plan.pk: plan
        for plan in RolloutPlan.objects.filter(pk__in=plan_ids)
        .select_related("rollout__county", "rollout__module", "rollout__service_area", "source_version")
        .order_by("rollout__county__code", "pk")
    }
    of_copies = [plan for plan in plans.values() if plan.source_version.process_id != process.pk]
    via_copy = {plan.pk for plan in of_copies}
    own_phases = {phase.pk for phase in phases}
    own_steps = {step.pk: step for phase in phases for step in phase.step_list}
    phase_links, step_links = {}, {}
    if of_copies:
        copies = family.exclude(pk=process.pk).values("pk")
        phase_links = dict(Phase.objects.filter(process__in=copies).values_list("pk", "copied_from_id"))
        step_links = dict(Step.objects.filter(phase__process__in=copies).values_list("pk", "copied_from_id"))

    def phase_of(pk):
        return _follow(pk, phase_links, own_phases)

    own_step_ids = set(own_steps)

    def step_of(pk):
        return _follow(pk, step_links, own_step_ids)

    done = list(
        PlanTask.objects.filter(plan__in=plan_ids, kind=TaskKind.STEP, status=TaskStatus.DONE)
        .order_by("plan__rollout__county__code", "plan_id", "order")
        .values_list("plan_id", "source_step_id", "estimated_days", "actual_days", "lesson")
    )
    step_figures = figures_by_key(
        (step, planned, actual)
        for _plan, step_id, planned, actual, _lesson in done
        if (step := step_of(step_id)) is not None
    )
    phase_figures = figures_by_key(
        (phase, planned, actual)
        for _plan, phase_id, planned, actual in durations
        if (phase := phase_of(phase_id)) is not None
    )
    step_lessons = {}
    for plan_id, step_id, _planned, _actual, lesson in done:
        if lesson and (step := step_of(step_id)) is not None:
            plan = plans[plan_id]
            step_lessons.setdefault(step, []).append(
                Lesson(own_steps[step].title, lesson, plan.rollout, via_copy=plan.pk in via_copy)
            )
    phase_lessons = {}
    for plan_id, phase_id, lesson in (
        PlanPhaseLesson.objects.filter(plan__in=plan_ids)
        .order_by("plan__rollout__county__code", "plan_id", "pk")
        .values_list("plan_id", "source_phase_id", "lesson")
    ):
        if (phase := phase_of(phase_id)) is not None:
            plan = plans[plan_id]
            phase_lessons.setdefault(phase, []).append(Lesson("", lesson, plan.rollout, via_copy=plan.pk in via_copy))
    laid_out = []
    for phase in phases:
        steps = [{"step": step, "figures": step_figures.get(step.pk)} for step in phase.step_list]
        lessons = phase_lessons.get(phase.pk, []) + [
            lesson for step in phase.step_list for lesson in step_lessons.get(step.pk, [])
        ]
        laid_out.append({"phase": phase, "figures": phase_figures.get(phase.pk), "steps": steps, "lessons": lessons})
    return Experiences(
        rollout_count=len(plan_ids),
        phases=laid_out,
        lessons=[lesson for item in laid_out for lesson in item["lessons"] if lesson.about],
        rollouts_of_copies=[plan.rollout for plan in of_copies],
    )


def step_experiences(*, step) -> Figures | None:
    """The figures of one step of a guide (its live rows, as its editor sees them) over the ended plans, or None."""
    process = step.phase.process
    phases = list(process.phases.prefetch_related("steps"))
    for phase in phases:
        phase.step_list = list(phase.steps.all())
    experiences = guide_experiences(process=process, phases=phases)
    if experiences is None:
        return None
    return next(
        (item["figures"] for phase in experiences.phases for item in phase["steps"] if item["step"].pk == step.pk),
        None,
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
