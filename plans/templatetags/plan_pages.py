"""Template tags of the plans' pages: the timeline's rows and the task table, written by `plans.rendering`."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext

from plans import rendering
from plans.models import TaskStatus
from plans.progress import DUE_THIS_WEEK, OVERDUE

register = template.Library()


# Reversed once a page and filled in for each task: reversing a hundred times cost more than the rows.
PK_PLACEHOLDER = "9182736450"


def _task_url(url_name):
    if not url_name:
        return None
    address = reverse(url_name, args=[PK_PLACEHOLDER])
    return lambda pk: address.replace(PK_PLACEHOLDER, str(pk))


@register.simple_tag
def timeline_rows(layout):
    """The SVG of every row of `layout` (a `plans.timeline.Layout`)."""
    return rendering.timeline_rows_svg(layout, overdue_word=str(OVERDUE), no_date_word=gettext("no date"))


@register.simple_tag
def task_rows(progress, language, task_url_name=""):
    """The rows of the task table of `progress` (a `plans.progress.PlanProgress`)."""
    words = {
        "overdue": str(OVERDUE),
        "due_this_week": str(DUE_THIS_WEEK),
        "statuses": {value: str(label).capitalize() for value, label in TaskStatus.choices},
    }
    return rendering.task_rows_html(
        progress.lines,
        with_owners=progress.with_owners,
        language=language,
        words=words,
        task_url=_task_url(task_url_name),
    )


@register.simple_tag
def task_items(lines, progress, language, task_url_name=""):
    """The items of a list of tasks (overdue, due this week)."""
    return rendering.task_items_html(
        lines,
        with_owners=progress.with_owners,
        language=language,
        due_word=gettext("due"),
        task_url=_task_url(task_url_name),
    )
