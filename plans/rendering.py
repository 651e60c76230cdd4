"""The repeated rows of a plan's page as HTML: the timeline's bars and the task table's rows.

A plan of 100 tasks would cost the template engine thousands of variable lookups and date
formats for these rows alone, and `format_html` costs nearly as much (its lazy-text checks run
for every argument), which made them most of the page's time (docs/plans.md "Speed"). So they
are written here with f-strings, every text passed through `html.escape` (quotes too), and
marked safe in one place, `_safe`. Pure functions of what `plans.timeline` and
`plans.progress` computed; the words come in translated.
"""

import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

from plans.timeline import Layout, RowState

DASH = "–"
# A bar's fill, outline, outline width and dashes by its row's state: the shape tells, not the colour alone.
BAR_STYLES = {
    RowState.DONE: ("#1b5e20", "#1b5e20", "1", "none"),
    RowState.OVERDUE: ("#ffffff", "#8a1c1c", "2", "none"),
    RowState.SKIPPED: ("none", "#4a4a4a", "1", "4 3"),
}
OPEN_BAR_STYLE = ("#ffffff", "#0a4f8f", "2", "none")


def _safe(html: str) -> SafeString:
    """The one place this module marks its output safe: every text in it went through `escape`."""
    return mark_safe(html)  # noqa: S308 - every value interpolated above is escaped


def finnish_date(day: datetime.date) -> str:
    """24.11.2026: the Finnish short date (`j.n.Y`) the portal writes in every language."""
    return f"{day.day}.{day.month}.{day.year}"


def _time(day: datetime.date | None) -> str:
    if day is None:
        return DASH
    return f'<time datetime="{day.isoformat()}">{finnish_date(day)}</time>'


def _row_svg(drawn, *, overdue_word: str, no_date_word: str) -> str:
    row = drawn.row
    word = ""
    if row.overdue:
        word = f' <tspan fill="#8a1c1c" font-weight="bold">⚠ {escape(overdue_word)}</tspan>'
    elif row.state == RowState.UNDATED:
        word = f' <tspan fill="#4a4a4a">({escape(no_date_word)})</tspan>'
    parts = [f'<text x="12" y="{drawn.y:.1f}" fill="#1b1b1b">{escape(drawn.label)}{word}</text>']
    if drawn.bar_x is not None:
        fill, stroke, width, dashes = BAR_STYLES.get(row.state, OPEN_BAR_STYLE)
        parts.append(
            f'<rect x="{drawn.bar_x:.1f}" y="{drawn.bar_y:.1f}" width="{drawn.bar_width:.1f}" height="12" rx="2" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{width}" stroke-dasharray="{dashes}"/>'
        )
    if drawn.warning_points:
        parts.append(f'<polygon class="timeline-warning" points="{escape(drawn.warning_points)}" fill="#8a1c1c"/>')
    for mark in drawn.milestones:
        parts.append(f'<polygon class="timeline-milestone" points="{escape(mark.points)}" fill="#6a3d00"/>')
    return f'<g class="timeline-row timeline-{escape(row.state)}">{"".join(parts)}</g>'


def timeline_rows_svg(layout: Layout, *, overdue_word: str, no_date_word: str) -> SafeString:
    """Every row of the timeline: its label (with the word "overdue" when it is), its bar, its marks."""
    return _safe(
        "\n".join(_row_svg(drawn, overdue_word=overdue_word, no_date_word=no_date_word) for drawn in layout.rows)
    )


def _title(task, language: str, task_url) -> str:
    if task_url:
        return f'<a href="{escape(task_url(task.pk))}" lang="{escape(language)}">{escape(task.title)}</a>'
    return f'<span lang="{escape(language)}">{escape(task.title)}</span>'


def task_rows_html(lines, *, with_owners: bool, language: str, words: dict, task_url=None) -> SafeString:
    """The task table's rows: phase, task (linked to its form when `task_url` is given), owner, status and dates.

    `words` holds the translated "overdue", "due this week" and each status's label.
    """
    rows = []
    for line in lines:
        task = line.task
        phase = f'<span lang="{escape(language)}">{escape(task.phase_title)}</span>' if task.phase_title else DASH
        if line.overdue:
            deadline = f'<strong class="deadline-overdue">⚠ {escape(words["overdue"])}</strong>'
        else:
            deadline = escape(words["due_this_week"]) if line.due_this_week else DASH
        owner = f"<td>{escape(task.owner_label or DASH)}</td>" if with_owners else ""
        status = escape(words["statuses"].get(task.status, task.status))
        rows.append(
            f'<tr class="plan-task-{escape(line.state)}"><td>{phase}</td>'
            f'<th scope="row">{_title(task, language, task_url)}</th>{owner}<td>{status}</td>'
            f"<td>{_time(task.planned_start)}</td><td>{_time(task.due)}</td><td>{_time(task.done_on)}</td>"
            f"<td>{deadline}</td></tr>"
        )
    return _safe("\n".join(rows))


def task_items_html(lines, *, with_owners: bool, language: str, due_word: str, task_url=None) -> SafeString:
    """A list's items: each task, its due date, and its owner when shown."""
    items = []
    for line in lines:
        task = line.task
        due = f", {escape(due_word)} {_time(task.due)}" if task.due else ""
        owner = f" ({escape(task.owner_label)})" if with_owners and task.owner_label else ""
        items.append(f"<li>{_title(task, language, task_url)}{due}{owner}</li>")
    return _safe("\n".join(items))
