"""The plans' reminders: each owner's tasks due soon and overdue, and each county's weekly summary for its editors.

`rollout_reminders` (the command) calls `reminders_send`. Mail goes through Django's mail with
the settings the usage alerts and the review's notifications use (MAILERS, DEFAULT_FROM_EMAIL,
SITE_URL), one message a recipient so that no address is shown to another. The project stores
no language per user, so the messages are written in Finnish, the portal's default language.
Only running plans of rollouts that have not ended are read; a task whose owner is only named
(no user) reaches the team through the editors' summary.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans.models import PlanTask
from plans.working_days import add_working_days
from processes.models import RolloutStatus

MAIL_LANGUAGE = "fi"
DEFAULT_DAYS = 5

OWNER_SUBJECT = _("Omaolo: your rollout tasks")
OWNER_GREETING = _("Hello {name},")
OVERDUE_HEADING = _("Overdue:")
SUMMARY_SUBJECT = _("Omaolo: the week of {county}'s rollout plans")
SUMMARY_INTRO = _("The open tasks of {county}'s running rollout plans in the week from {monday}.")
DUE_THIS_WEEK_HEADING = _("Due this week:")
TASK_LINE = _("- {title} ({rollout}), due {due}{owner}")
OPEN_IN_ADMIN = _("Open the tasks in the portal:")


@dataclass
class Reminders:
    """Who is told what: the owners' tasks and each county's summary."""

    owners: dict = field(default_factory=dict)  # user → (due soon, overdue)
    counties: dict = field(default_factory=dict)  # county → (due this week, overdue)

    @property
    def is_empty(self) -> bool:
        return not self.owners and not self.counties


def _date(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _open_tasks(county):
    tasks = PlanTask.objects.open().filter(plan__finished_on__isnull=True, due__isnull=False)
    tasks = tasks.exclude(plan__rollout__status=RolloutStatus.ENDED)
    if county is not None:
        tasks = tasks.filter(plan__rollout__county=county)
    return tasks.select_related(
        "owner", "plan__rollout__county", "plan__rollout__module", "plan__rollout__service_area"
    )


def reminders_collect(*, today: datetime.date, days: int = DEFAULT_DAYS, county=None, summary: bool) -> Reminders:
    """The tasks to tell about: due within `days` working days (today included) or overdue; the week's for a summary."""
    horizon = add_working_days(today, days)
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    reminders = Reminders()
    owners = defaultdict(lambda: ([], []))
    counties = defaultdict(lambda: ([], []))
    for task in _open_tasks(county).filter(due__lte=max(horizon, sunday)).order_by("due", "plan", "order"):
        overdue = task.due < today
        if task.owner_id and task.owner.is_active and task.owner.email and (overdue or task.due <= horizon):
            owners[task.owner][1 if overdue else 0].append(task)
        if summary and (overdue or monday <= task.due <= sunday):
            counties[task.plan.rollout.county][1 if overdue else 0].append(task)
    reminders.owners = dict(owners)
    reminders.counties = dict(counties)
    return reminders


def _line(task, *, with_owner: bool) -> str:
    owner = f" – {task.owner_label}" if with_owner and task.owner_label else ""
    return str(TASK_LINE).format(title=task.title, rollout=task.plan.rollout, due=_date(task.due), owner=owner)


def _link(query: str) -> str:
    return f"{settings.SITE_URL}{reverse('admin:plans_plantask_changelist')}{query}"


def _owner_message(user, due_soon, overdue, days: int) -> tuple[str, str]:
    lines = [str(OWNER_GREETING).format(name=user.get_full_name() or user.get_username()), ""]
    if overdue:
        lines += [str(OVERDUE_HEADING), *(_line(task, with_owner=False) for task in overdue), ""]
    if due_soon:
        heading = ngettext("Due within %(days)d working day:", "Due within %(days)d working days:", days)
        lines += [heading % {"days": days}, *(_line(task, with_owner=False) for task in due_soon), ""]
    lines += [str(OPEN_IN_ADMIN), _link("?deadline=overdue" if overdue else "?deadline=this_week")]
    return str(OWNER_SUBJECT), "\n".join(lines) + "\n"


def _summary_message(county, this_week, overdue, today) -> tuple[str, str]:
    monday = today - datetime.timedelta(days=today.weekday())
    lines = [str(SUMMARY_INTRO).format(county=county.name, monday=_date(monday)), ""]
    if overdue:
        lines += [str(OVERDUE_HEADING), *(_line(task, with_owner=True) for task in overdue), ""]
    if this_week:
        lines += [str(DUE_THIS_WEEK_HEADING), *(_line(task, with_owner=True) for task in this_week), ""]
    lines += [str(OPEN_IN_ADMIN), _link(f"?plan__rollout__county__id__exact={county.pk}")]
    return str(SUMMARY_SUBJECT).format(county=county.name), "\n".join(lines) + "\n"


def reminders_send(*, today: datetime.date, days: int = DEFAULT_DAYS, county=None, summary: bool) -> tuple[int, int]:
    """Email the owners (and with `summary` the counties' editors); (owner messages, summary messages) sent."""
    reminders = reminders_collect(today=today, days=days, county=county, summary=summary)
    owner_messages, summary_messages = [], []
    with translation.override(MAIL_LANGUAGE):
        for user, (due_soon, overdue) in sorted(reminders.owners.items(), key=lambda item: item[0].pk):
            subject, body = _owner_message(user, due_soon, overdue, days)
            owner_messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
        for reported, (this_week, overdue) in sorted(reminders.counties.items(), key=lambda item: item[0].code):
            subject, body = _summary_message(reported, this_week, overdue, today)
            addresses = sorted({editor.email for editor in reported.editors.all() if editor.is_active and editor.email})
            summary_messages += [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    if not owner_messages and not summary_messages:
        return 0, 0
    send_mass_mail([*owner_messages, *summary_messages])
    return len(owner_messages), len(summary_messages)
