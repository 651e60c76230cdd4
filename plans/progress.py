"""Where a team stands: a plan's timeline, its phases' progress, the tasks due this week and overdue; a county's plans.

The plan's admin page and its public page, the county's timelines and the county page's rollout
table read these, so that all of them count alike. The public reads the same figures without
owners (`with_owners=False` neither loads nor shows them) and never a task's notes.
A fixed number of queries, whatever the number of tasks or plans.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext_lazy as _

from plans.models import OPEN_STATUSES, PlanTask, RolloutPlan, TaskStatus
from plans.timeline import Milestone, Row, RowState, timeline_layout
from processes.models import StepAnchor

OVERDUE = _("overdue")
DUE_THIS_WEEK = _("due this week")


def week_of(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of today's week."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def is_overdue(task, today: datetime.date) -> bool:
    return task.status in OPEN_STATUSES and task.due is not None and task.due < today


def is_due_this_week(task, today: datetime.date) -> bool:
    _monday, sunday = week_of(today)
    return task.status in OPEN_STATUSES and task.due is not None and today <= task.due <= sunday


def task_state(task, today: datetime.date) -> str:
    """The shape the timeline draws a task with."""
    if task.status == TaskStatus.SKIPPED:
        return RowState.SKIPPED
    if task.status == TaskStatus.DONE:
        return RowState.DONE
    if task.due is None:
        return RowState.UNDATED
    return RowState.OVERDUE if task.due < today else RowState.OPEN


def task_row(task, today: datetime.date) -> Row:
    """A task as a bar: planned start to due, or to the day it was done when it is done."""
    end = task.done_on if task.status == TaskStatus.DONE and task.done_on else task.due
    start = task.started_on or task.planned_start or end
    if start and end and start > end:
        start = end
    return Row(label=task.title, start=start, end=end, state=task_state(task, today), group=task.phase_title)


def anchor_milestones(anchors) -> list[Milestone]:
    return [Milestone(day=anchor.date, label=str(anchor), kind=anchor.kind) for anchor in anchors if anchor.date]


@dataclass
class PhaseProgress:
    title: str
    total: int = 0
    done: int = 0
    skipped: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int | None:
        """Done ÷ tasks not skipped, rounded down (a skipped task is no work); None when every task was skipped."""
        counted = self.total - self.skipped
        return None if counted == 0 else self.done * 100 // counted


def phase_progress(tasks, today: datetime.date) -> list[PhaseProgress]:
    """Each phase's tasks done, skipped and overdue, in the plan's order (the go/no-go decision under its own name)."""
    phases: dict[str, PhaseProgress] = {}
    for task in tasks:
        phase = phases.setdefault(task.phase_title, PhaseProgress(title=task.phase_title))
        phase.total += 1
        phase.done += task.status == TaskStatus.DONE
        phase.skipped += task.status == TaskStatus.SKIPPED
        phase.overdue += is_overdue(task, today)
    return list(phases.values())


@dataclass
class TaskLine:
    """A task as the table shows it: the task, its shape on the timeline and its deadline word."""

    task: PlanTask
    state: str
    overdue: bool
    due_this_week: bool


@dataclass
class PlanProgress:
    plan: RolloutPlan
    today: datetime.date
    with_owners: bool
    lines: list[TaskLine]
    anchors: list
    phases: list[PhaseProgress]
    layout: object
    overdue: list[TaskLine] = field(default_factory=list)
    due_this_week: list[TaskLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def done(self) -> int:
        return sum(line.task.status == TaskStatus.DONE for line in self.lines)


def plan_progress(plan: RolloutPlan, *, today: datetime.date, with_owners: bool) -> PlanProgress:
    """The plan's timeline and figures (two queries: its tasks, its dates)."""
    tasks = plan.tasks.order_by("order", "pk")
    tasks = tasks.select_related("owner") if with_owners else tasks.defer("notes", "owner_name", "owner_role")
    tasks = list(tasks)
    anchors = list(plan.anchors.order_by("date", "pk"))
    lines = [
        TaskLine(
            task=task,
            state=task_state(task, today),
            overdue=is_overdue(task, today),
            due_this_week=is_due_this_week(task, today),
        )
        for task in tasks
    ]
    layout = timeline_layout(
        rows=[task_row(task, today) for task in tasks], milestones=anchor_milestones(anchors), today=today
    )
    return PlanProgress(
        plan=plan,
        today=today,
        with_owners=with_owners,
        lines=lines,
        anchors=anchors,
        phases=phase_progress(tasks, today),
        layout=layout,
        overdue=[line for line in lines if line.overdue],
        due_this_week=[line for line in lines if line.due_this_week],
    )


def with_task_counts(plans, today: datetime.date):
    """Annotate plans with `task_total`, `done_total`, `skipped_total`, `overdue_total`, `first_day` and `last_day`."""
    return plans.annotate(
        task_total=Count("tasks"),
        done_total=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        skipped_total=Count("tasks", filter=Q(tasks__status=TaskStatus.SKIPPED)),
        overdue_total=Count("tasks", filter=Q(tasks__status__in=OPEN_STATUSES, tasks__due__lt=today)),
        first_day=Min("tasks__planned_start"),
        last_day=Max("tasks__due"),
    )


def plan_row(plan, today: datetime.date) -> Row:
    """A whole plan as one bar (its first planned start to its last due date), its go-live and pilot start marked."""
    rollout = plan.rollout
    state = RowState.OVERDUE if plan.overdue_total else (RowState.DONE if plan.finished_on else RowState.OPEN)
    marks = []
    if rollout.pilot_start:
        marks.append(
            Milestone(day=rollout.pilot_start, label=str(StepAnchor.PILOT_START.label), kind=StepAnchor.PILOT_START)
        )
    if rollout.go_live:
        marks.append(Milestone(day=rollout.go_live, label=str(StepAnchor.GO_LIVE.label), kind=StepAnchor.GO_LIVE))
    if plan.first_day is None and plan.last_day is None:
        state = RowState.UNDATED
    label = f"{rollout.module.name} – {rollout.service_area.name}" if rollout.service_area_id else rollout.module.name
    return Row(label=label, start=plan.first_day, end=plan.last_day, state=state, milestones=tuple(marks))


@dataclass
class CountyPlans:
    plans: list
    layout: object
    today: datetime.date


def county_plans(plans, *, today: datetime.date) -> CountyPlans:
    """The county's running plans on one timeline (one query, whatever their number)."""
    plans = list(
        with_task_counts(plans, today)
        .select_related("rollout__county", "rollout__module", "rollout__service_area")
        .order_by("rollout__go_live", "pk")
    )
    rows = [plan_row(plan, today) for plan in plans]
    for plan, row in zip(plans, rows, strict=True):
        plan.row_state = row.state
    return CountyPlans(plans=plans, layout=timeline_layout(rows=rows, milestones=[], today=today), today=today)
