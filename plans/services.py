"""Operations on rollout plans: the admin, the commands and the tests call these, never the models directly.

Each takes keyword-only arguments and the acting `user`, checks inside that the user may edit
the rollout's county, and runs in one transaction. A plan is made from the rollout's guide's
*published* version (`PublishedVersion.snapshot`), never from the live rows, so editing the
guide does not touch a running plan; `plan_pull` brings a newer published version in when an
editor asks, and says what it changed.

Dates: a task's due date is its anchor's date moved by its offset in Finnish working days
(`plans.working_days`); it starts its estimated duration earlier (a one-day task starts on the
day it is due). Done and skipped tasks keep their dates; a task whose date was set by hand keeps
it when an anchor moves.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from plans.durations import plan_durations_forget, plan_durations_store
from plans.models import LESSON_MAX_LENGTH, PlanAnchor, PlanPhaseLesson, PlanTask, RolloutPlan, TaskKind, TaskStatus
from plans.phases import plan_phases
from plans.working_days import add_working_days, next_working_day, working_days_between
from processes.models import ResponsibleRole, Rollout, StepAnchor
from processes.publishing import snapshot_changes
from regions.scoping import FOREIGN_COUNTY_ERROR, can_edit_county, can_publish_county

NO_PUBLISHED_GUIDE = _("A plan is made from a published process description: this rollout follows none.")
PLAN_EXISTS = _("This rollout already has a plan.")
NOTHING_TO_PULL = _("The plan already follows the guide's latest published version.")
GO_NO_GO_NEEDS_PUBLISHER = _("Only a publisher of the county can sign off the go/no-go decision.")
TASK_ALREADY_CLOSED = _("This task is already done or skipped.")
DONE_IN_THE_FUTURE = _("A task cannot be done on a date still to come.")
START_AFTER_DUE = _("A task cannot start after it is due.")
UNKNOWN_ANCHOR = _("This plan has no such date.")
GO_LIVE_BEFORE_PILOT = _("Go-live cannot be before the pilot starts.")
UNKNOWN_PHASE = _("This plan has no such phase.")
PHASE_STILL_OPEN = ngettext_lazy(
    "The phase “%(phase)s” still has %(count)d open task: its lesson can be written once every task "
    "of the phase is done or skipped.",
    "The phase “%(phase)s” still has %(count)d open tasks: its lesson can be written once every task "
    "of the phase is done or skipped.",
    "count",
)
LESSON_EMPTY = _("Write the lesson: it cannot be empty.")
LESSON_TOO_LONG = _("A lesson is at most %(max)d characters; this one has %(length)d.")
STEP_REMOVED_NOTE = _("The step was removed from the guide (pulled {date}).")

GO_NO_GO_TITLE = _("Go/no-go decision")
GO_NO_GO_CHECKLIST = _(
    "Professionals are trained\n"
    "The routes of the results are set and tested\n"
    "Residents' communication is ready\n"
    "Support for the first weeks is agreed\n"
    "The publisher signs off: go or no go"
)
GO_NO_GO_OFFSET = -2

TOKEN_BYTES = 32


def _check_may_edit(*, rollout: Rollout, user) -> None:
    if not can_edit_county(user, rollout.county_id):
        raise PermissionDenied(FOREIGN_COUNTY_ERROR)


def scheduled_dates(
    anchor_date: datetime.date | None, offset_days: int | None, estimated_days: int | None
) -> tuple[datetime.date | None, datetime.date | None]:
    """(planned start, due) of a task: due `offset_days` working days from the anchor, started its duration before.

    A missing anchor date or offset gives no dates: the task waits rather than pretending a day.
    """
    if anchor_date is None or offset_days is None:
        return None, None
    due = next_working_day(add_working_days(anchor_date, offset_days))
    duration = estimated_days or 1
    return add_working_days(due, -(duration - 1)), due


def _schedule(task: PlanTask) -> None:
    anchor_date = task.anchor.date if task.anchor_id else None
    task.planned_start, task.due = scheduled_dates(anchor_date, task.offset_days, task.estimated_days)


def _anchor_key(step: dict) -> tuple[str, str]:
    kind = step.get("anchor") or StepAnchor.GO_LIVE
    return kind, (step.get("anchor_name") or "").strip() if kind == StepAnchor.NAMED else ""


def _anchors_ensure(plan: RolloutPlan, keys) -> dict[tuple[str, str], PlanAnchor]:
    existing = {(anchor.kind, anchor.name): anchor for anchor in plan.anchors.all()}
    rollout = plan.rollout
    dates = {StepAnchor.GO_LIVE: rollout.go_live, StepAnchor.PILOT_START: rollout.pilot_start}
    for key in [(StepAnchor.GO_LIVE, ""), (StepAnchor.PILOT_START, ""), *keys]:
        if key not in existing:
            existing[key] = PlanAnchor.objects.create(plan=plan, kind=key[0], name=key[1], date=dates.get(key[0]))
    return existing


def _task_fields_of(step: dict, phase: dict) -> dict:
    return {
        "phase_title": phase.get("title", ""),
        "title": step.get("title", ""),
        "description": step.get("description") or "",
        "responsible_role": step.get("responsible_role") or "",
        "output": step.get("output") or "",
        "checklist": step.get("checklist") or "",
        "offset_days": step.get("offset_days"),
        "estimated_days": step.get("estimated_days"),
    }


def _steps_of(snapshot: dict):
    """(phase, step, order) of a snapshot's steps in the guide's order."""
    order = 0
    for phase in snapshot.get("phases", []):
        for step in phase.get("steps", []):
            order += 10
            yield phase, step, order


def _go_no_go_task(plan: RolloutPlan, anchors, order: int) -> PlanTask:
    # Stored in the portal's default language, as the guides' own steps are written.
    with translation.override(settings.LANGUAGE_CODE):
        title, checklist = str(GO_NO_GO_TITLE), str(GO_NO_GO_CHECKLIST)
    task = PlanTask(
        plan=plan,
        kind=TaskKind.GO_NO_GO,
        order=order,
        title=title,
        responsible_role=ResponsibleRole.STEERING_GROUP,
        checklist=checklist,
        anchor=anchors[(StepAnchor.GO_LIVE, "")],
        offset_days=GO_NO_GO_OFFSET,
        estimated_days=1,
    )
    _schedule(task)
    return task


@transaction.atomic
def plan_create(*, rollout: Rollout, user) -> RolloutPlan:
    """Make the rollout's plan from its guide's published version: one task a step, and the go/no-go decision."""
    _check_may_edit(rollout=rollout, user=user)
    return plan_make(rollout=rollout, made_by=user)


@transaction.atomic
def plan_make(*, rollout: Rollout, made_by=None) -> RolloutPlan:
    """`plan_create` without the permission check: for data loading (the demo), which acts as nobody."""
    rollouts = Rollout.objects.select_for_update(of=("self",)).select_related("process__published_version")
    rollout = rollouts.get(pk=rollout.pk)
    version = rollout.process.published_version if rollout.process_id else None
    if version is None:
        raise ValidationError(NO_PUBLISHED_GUIDE)
    if RolloutPlan.objects.filter(rollout=rollout).exists():
        raise ValidationError(PLAN_EXISTS)
    plan = RolloutPlan(rollout=rollout, source_version=version, created_by=made_by)
    plan._history_user = made_by
    plan.save()
    steps = list(_steps_of(version.snapshot))
    anchors = _anchors_ensure(plan, {_anchor_key(step) for _phase, step, _order in steps})
    tasks = []
    for phase, step, order in steps:
        task = PlanTask(
            plan=plan,
            source_step_id=step["id"],
            order=order,
            anchor=anchors[_anchor_key(step)],
            **_task_fields_of(step, phase),
        )
        _schedule(task)
        tasks.append(task)
    tasks.append(_go_no_go_task(plan, anchors, order=(len(steps) + 1) * 10))
    _tasks_create(tasks, user=made_by)
    return plan


def _tasks_create(tasks: list[PlanTask], *, user) -> None:
    for task in tasks:
        task._history_user = user
    PlanTask.objects.bulk_create(tasks)
    PlanTask.history.bulk_history_create(tasks, default_user=user)


def _tasks_save(tasks: list[PlanTask], fields: list[str], *, user) -> None:
    if not tasks:
        return
    PlanTask.objects.bulk_update(tasks, fields)
    PlanTask.history.bulk_history_create(tasks, default_user=user, update=True)


def _task_dates_save(tasks: list[PlanTask], *, user) -> None:
    """Store new planned starts and due dates: one statement run for every task, not `bulk_update`'s CASE.

    A reschedule moves up to every task of a plan, each to a date of its own; building and
    compiling bulk_update's CASE expression for 100 rows cost more than the UPDATEs themselves.
    """
    if not tasks:
        return
    table = connection.ops.quote_name(PlanTask._meta.db_table)
    start, due, key = (
        connection.ops.quote_name(PlanTask._meta.get_field(name).column) for name in ("planned_start", "due", "id")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {start} = %s, {due} = %s WHERE {key} = %s",  # noqa: S608 - names from the model
            [(task.planned_start, task.due, task.pk) for task in tasks],
        )
    PlanTask.history.bulk_history_create(tasks, default_user=user, update=True)


@dataclass
class PullResult:
    """What pulling a newer published version did (or would do) to a plan."""

    changes: object  # processes.publishing.SnapshotChanges between the plan's version and the newest
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    kept_done: list[str] = field(default_factory=list)


@transaction.atomic
def plan_pull(*, plan: RolloutPlan, user, apply: bool = False) -> PullResult:
    """Compare the plan with its guide's newest published version; with `apply`, bring the plan up to it.

    New steps become new tasks; open tasks take the step's new texts, offset and duration (and
    new dates unless set by hand); open tasks of removed steps are skipped with a note, never
    deleted; done and skipped tasks stay as they are.
    """
    _check_may_edit(rollout=plan.rollout, user=user)
    plan = (
        RolloutPlan.objects.select_for_update(of=("self",))
        .select_related("rollout__process__published_version", "source_version")
        .get(pk=plan.pk)
    )
    newest = plan.rollout.process.published_version if plan.rollout.process_id else None
    if newest is None or newest.pk == plan.source_version_id:
        raise ValidationError(NOTHING_TO_PULL)
    result = PullResult(changes=snapshot_changes(plan.source_version.snapshot, newest.snapshot))
    tasks = {task.source_step_id: task for task in plan.tasks.filter(kind=TaskKind.STEP).select_related("anchor")}
    steps = list(_steps_of(newest.snapshot))
    anchors = _anchors_ensure(plan, {_anchor_key(step) for _phase, step, _order in steps}) if apply else {}
    new_tasks, changed = [], []
    for phase, step, order in steps:
        task = tasks.pop(step["id"], None)
        if task is None:
            result.added.append(step["title"])
            if apply:
                new = PlanTask(
                    plan=plan,
                    source_step_id=step["id"],
                    order=order,
                    anchor=anchors[_anchor_key(step)],
                    **_task_fields_of(step, phase),
                )
                _schedule(new)
                new_tasks.append(new)
            continue
        if not task.is_open:
            result.kept_done.append(task.title)
            continue
        wanted = _task_fields_of(step, phase)
        if any(getattr(task, name) != value for name, value in wanted.items()) or (
            task.anchor.kind,
            task.anchor.name,
        ) != _anchor_key(step):
            result.updated.append(step["title"])
            if apply:
                for name, value in wanted.items():
                    setattr(task, name, value)
                task.order = order
                task.anchor = anchors[_anchor_key(step)]
                if not task.date_set_by_hand:
                    _schedule(task)
                changed.append(task)
    today = timezone.localdate()
    for task in tasks.values():
        if task.is_open:
            result.skipped.append(task.title)
            if apply:
                task.status = TaskStatus.SKIPPED
                with translation.override(settings.LANGUAGE_CODE):
                    removed = str(STEP_REMOVED_NOTE).format(date=f"{today.day}.{today.month}.{today.year}")
                task.notes = "\n".join(filter(None, [task.notes, removed]))
                changed.append(task)
    if apply:
        _tasks_create(new_tasks, user=user)
        _tasks_save(
            changed,
            [
                "phase_title",
                "title",
                "description",
                "responsible_role",
                "output",
                "checklist",
                "offset_days",
                "estimated_days",
                "order",
                "anchor",
                "planned_start",
                "due",
                "status",
                "notes",
            ],
            user=user,
        )
        plan.source_version = newest
        plan._history_user = user
        plan.save(update_fields=["source_version"])
    return result


@dataclass
class RescheduleResult:
    moved: int
    kept_by_hand: list[str]


@transaction.atomic
def plan_reschedule(*, plan: RolloutPlan, anchor: PlanAnchor, date: datetime.date | None, user) -> RescheduleResult:
    """Move one of the plan's dates and recompute every open task: done ones and hand-set ones keep their dates.

    Moving go-live or the pilot's start moves the rollout's own date too.
    """
    _check_may_edit(rollout=plan.rollout, user=user)
    return plan_reschedule_unchecked(plan=plan, anchor=anchor, date=date, user=user)


@transaction.atomic
def plan_reschedule_unchecked(
    *, plan: RolloutPlan, anchor: PlanAnchor, date: datetime.date | None, user=None
) -> RescheduleResult:
    """`plan_reschedule` without the permission check: for data loading (the demo)."""
    plan = RolloutPlan.objects.select_for_update(of=("self",)).select_related("rollout").get(pk=plan.pk)
    anchor = PlanAnchor.objects.filter(plan=plan, pk=anchor.pk).first()
    if anchor is None:
        raise ValidationError(UNKNOWN_ANCHOR)
    rollout = plan.rollout
    rollout_field = {StepAnchor.GO_LIVE: "go_live", StepAnchor.PILOT_START: "pilot_start"}.get(anchor.kind)
    if rollout_field:
        setattr(rollout, rollout_field, date)
        if rollout.pilot_start and rollout.go_live and rollout.pilot_start > rollout.go_live:
            raise ValidationError(GO_LIVE_BEFORE_PILOT)
        rollout._history_user = user
        rollout.save(update_fields=[rollout_field, "updated_at"])
    anchor.date = date
    anchor.save(update_fields=["date"])
    moved, kept = [], []
    for task in plan.tasks.open().filter(anchor=anchor).select_related("anchor"):
        if task.date_set_by_hand:
            kept.append(task.title)
            continue
        before = (task.planned_start, task.due)
        _schedule(task)
        if (task.planned_start, task.due) != before:
            moved.append(task)
    _task_dates_save(moved, user=user)
    return RescheduleResult(moved=len(moved), kept_by_hand=kept)


def _closed_check(task: PlanTask) -> None:
    if not task.is_open:
        raise ValidationError(TASK_ALREADY_CLOSED)


def _finish_if_done(plan: RolloutPlan, *, today: datetime.date, user) -> None:
    if plan.finished_on is None and not plan.tasks.open().exists():
        plan.finished_on = today
        plan._history_user = user
        plan.save(update_fields=["finished_on"])
        plan_durations_store(plan=plan)


@transaction.atomic
def task_complete(*, task: PlanTask, user, done_on: datetime.date | None = None, lesson: str = "") -> PlanTask:
    """Mark a task done on `done_on` (today by default), store its actual duration, and finish the plan when last.

    The go/no-go decision is signed off by a publisher of the county.
    """
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("plan__rollout").get(pk=task.pk)
    _check_may_edit(rollout=task.plan.rollout, user=user)
    if task.kind == TaskKind.GO_NO_GO and not can_publish_county(user, task.plan.rollout.county_id):
        raise PermissionDenied(GO_NO_GO_NEEDS_PUBLISHER)
    _closed_check(task)
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise ValidationError(DONE_IN_THE_FUTURE)
    task.status = TaskStatus.DONE
    task.done_on = done_on
    started = task.started_on or task.planned_start
    task.actual_days = working_days_between(started, done_on) + 1 if started and started <= done_on else None
    if task.kind == TaskKind.GO_NO_GO:
        task.signed_off_by = user
    if lesson:
        task.lesson = lesson
    task._history_user = user
    task.save()
    _finish_if_done(task.plan, today=done_on, user=user)
    return task


UNCHANGED = object()
TASK_UPDATE_FIELDS = (
    "owner",
    "owner_name",
    "owner_role",
    "status",
    "planned_start",
    "due",
    "started_on",
    "notes",
    "lesson",
)
OWNER_OF_OTHER_COUNTY = _("The owner must be an editor or publisher of the rollout's county.")


@transaction.atomic
def task_update(*, task: PlanTask, user, **changes) -> PlanTask:
    """Change a task's owner, status, dates, notes or lesson; a date given by hand marks the task "set by hand".

    Use `task_complete` to mark a task done.
    """
    unknown = set(changes) - set(TASK_UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"task_update() got unexpected fields: {sorted(unknown)}")
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("plan__rollout").get(pk=task.pk)
    county_id = task.plan.rollout.county_id
    _check_may_edit(rollout=task.plan.rollout, user=user)
    owner = changes.get("owner")
    if owner is not None and not (owner.is_superuser or can_edit_county(owner, county_id)):
        raise ValidationError({"owner": OWNER_OF_OTHER_COUNTY})
    if changes.get("status") == TaskStatus.DONE:
        return task_complete(task=task, user=user, lesson=changes.get("lesson", ""))
    if ("planned_start" in changes or "due" in changes) and (
        changes.get("planned_start", task.planned_start),
        changes.get("due", task.due),
    ) != (task.planned_start, task.due):
        task.date_set_by_hand = True
    reopened = task.status == TaskStatus.DONE and changes.get("status", task.status) != TaskStatus.DONE
    for name, value in changes.items():
        setattr(task, name, value)
    if reopened:
        task.done_on = task.actual_days = None
        task.plan.finished_on = None
        task.plan.save(update_fields=["finished_on"])
        plan_durations_forget(plan=task.plan)
    if task.planned_start and task.due and task.planned_start > task.due:
        raise ValidationError({"due": START_AFTER_DUE})
    if task.status == TaskStatus.IN_PROGRESS and task.started_on is None:
        task.started_on = timezone.localdate()
    task._history_user = user
    task.save()
    if task.status == TaskStatus.SKIPPED:
        _finish_if_done(task.plan, today=timezone.localdate(), user=user)
    return task


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def plan_feed_token_renew(*, plan: RolloutPlan, user) -> str:
    """Revoke the plan's calendar address and make a new one; the token is returned once and stored only hashed."""
    _check_may_edit(rollout=plan.rollout, user=user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    plan.feed_token_hash = _token_hash(token)
    plan.feed_token_created_at = timezone.now()
    plan._history_user = user
    plan.save(update_fields=["feed_token_hash", "feed_token_created_at"])
    return token


def plan_of_feed_token(token: str) -> RolloutPlan | None:
    """The one plan whose calendar address carries this token, or None (a wrong or revoked token)."""
    if not token:
        return None
    return (
        RolloutPlan.objects.filter(feed_token_hash=_token_hash(token))
        .select_related("rollout__county", "rollout__module")
        .first()
    )


@transaction.atomic
def phase_lesson_write(*, plan: RolloutPlan, source_phase_id: int, lesson: str, user) -> PlanPhaseLesson:
    """Write or change what the team learned in one phase of the plan, once every task of the phase is done or skipped.

    The lesson stays when the plan reopens (a task set back to open): it is never deleted here.
    """
    _check_may_edit(rollout=plan.rollout, user=user)
    return phase_lesson_write_unchecked(plan=plan, source_phase_id=source_phase_id, lesson=lesson, user=user)


@transaction.atomic
def phase_lesson_write_unchecked(*, plan: RolloutPlan, source_phase_id: int, lesson: str, user=None) -> PlanPhaseLesson:
    """`phase_lesson_write` without the permission check: for data loading (the demo), which acts as nobody."""
    plan = RolloutPlan.objects.select_for_update(of=("self",)).select_related("source_version").get(pk=plan.pk)
    phase = next(
        (
            phase
            for phase in plan_phases(plan.tasks.all(), plan.source_version.snapshot)
            if phase.source_phase_id == source_phase_id
        ),
        None,
    )
    if phase is None:
        raise ValidationError(UNKNOWN_PHASE)
    if not phase.is_done:
        raise ValidationError(PHASE_STILL_OPEN % {"phase": phase.title, "count": phase.open_count})
    lesson = (lesson or "").strip()
    if not lesson:
        raise ValidationError({"lesson": LESSON_EMPTY})
    if len(lesson) > LESSON_MAX_LENGTH:
        raise ValidationError({"lesson": LESSON_TOO_LONG % {"max": LESSON_MAX_LENGTH, "length": len(lesson)}})
    written = PlanPhaseLesson.objects.filter(plan=plan, source_phase_id=source_phase_id).first() or PlanPhaseLesson(
        plan=plan, source_phase_id=source_phase_id
    )
    written.phase_title = phase.title
    written.lesson = lesson
    written.written_by = user
    written.written_at = timezone.now()
    written._history_user = user
    written.save()
    return written
