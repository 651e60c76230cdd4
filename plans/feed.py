"""A plan as an iCalendar feed (RFC 5545): a VTODO a task, a VEVENT a dated anchor (go-live, pilot start, …).

Calendar clients (Outlook, Google, Apple) subscribe to it at the plan's secret address
(`plans.views.plan_feed`) and fetch it again every few hours, so every UID is stable (made from
the row's primary key) and so is DTSTAMP (the time the plan was made), and a task keeps its UID
when its dates or status change. Texts are in Finnish, the portal's default language.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event, Todo

from plans.models import RolloutPlan, TaskStatus
from processes.models import ResponsibleRole

FEED_LANGUAGE = "fi"
UID_DOMAIN = "omaolo-portal"
PRODUCT_ID = "-//Omaolo rollout portal//Rollout plans//FI"

ANCHOR_SUMMARY = _("{anchor}: {rollout}")
TASK_PHASE = _("Phase: {phase}")
TASK_ROLE = _("Responsible role: {role}")
TASK_OWNER = _("Owner: {owner}")
TASK_OUTPUT = _("Produces: {output}")
TASK_CHECKLIST = _("Checklist:")


def _task_description(task, words: dict) -> str:
    lines = []
    if task.phase_title:
        lines.append(words["phase"].format(phase=task.phase_title))
    if task.responsible_role:
        lines.append(words["role"].format(role=words["roles"].get(task.responsible_role, task.responsible_role)))
    if task.owner_label:
        lines.append(words["owner"].format(owner=task.owner_label))
    if task.output:
        lines.append(words["output"].format(output=task.output))
    if task.checklist:
        lines += ["", words["checklist"], *(f"- {item}" for item in task.checklist.splitlines() if item.strip())]
    if task.notes:
        lines += ["", task.notes]
    return "\n".join(lines)


def plan_calendar(plan: RolloutPlan) -> bytes:
    """The plan's tasks and dates as an iCalendar document."""
    stamp = plan.created_at.astimezone(datetime.UTC)
    with translation.override(FEED_LANGUAGE):
        # Translated once for the feed, not once a task.
        words = {
            "phase": str(TASK_PHASE),
            "role": str(TASK_ROLE),
            "roles": {value: str(label) for value, label in ResponsibleRole.choices},
            "owner": str(TASK_OWNER),
            "output": str(TASK_OUTPUT),
            "checklist": str(TASK_CHECKLIST),
        }
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", str(plan.rollout))
        for anchor in plan.anchors.exclude(date=None).order_by("date", "pk"):
            event = Event()
            event.add("uid", f"plan-{plan.pk}-anchor-{anchor.pk}@{UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", anchor.date)
            event.add("dtend", anchor.date + datetime.timedelta(days=1))
            event.add("summary", str(ANCHOR_SUMMARY).format(anchor=anchor, rollout=plan.rollout))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        for task in plan.tasks.select_related("owner").order_by("order", "pk"):
            todo = Todo()
            todo.add("uid", f"plan-{plan.pk}-task-{task.pk}@{UID_DOMAIN}")
            todo.add("dtstamp", stamp)
            todo.add("summary", task.title)
            if task.planned_start and task.due:
                todo.add("dtstart", task.planned_start)
            if task.due:
                todo.add("due", task.due)
            todo.add("status", task.status)
            todo.add("percent-complete", task.percent_complete)
            if task.status == TaskStatus.DONE and task.done_on:
                noon = datetime.datetime.combine(
                    task.done_on, datetime.time(12), tzinfo=timezone.get_current_timezone()
                )
                todo.add("completed", noon.astimezone(datetime.UTC))
            todo.add("sequence", 0)
            description = _task_description(task, words)
            if description:
                todo.add("description", description)
            calendar.add_component(todo)
    return calendar.to_ical()
