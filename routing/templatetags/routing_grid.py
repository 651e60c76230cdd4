"""The rows of a week's coverage grid, written in Python: 168 cells per result are too many for template nodes.

Rendered through the template engine (or `format_html` per cell) the grid took most of the
page's time; here each value is escaped with `html.escape` and the rows marked safe once.
"""

from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def coverage_rows(grid):
    """The grid's body rows: a row header with the day (and a holiday mark), then a cell per hour."""
    gap = '<span class="gap-mark" aria-hidden="true">✕</span>'
    gap += f'<span class="visually-hidden">{escape(_("no route"))}</span>'
    holiday = f'*<span class="visually-hidden"> {escape(_("public holiday"))}</span>'
    rows = []
    for day in grid.days:
        cells = "".join(
            f'<td class="{escape(cell.css_class)}">{escape(cell.text)}{"" if cell.complete else gap}</td>'
            for cell in day.cells
        )
        label = f"{escape(date_format(day.day, 'D'))} {day.day.day}.{day.day.month}.{holiday if day.is_holiday else ''}"
        rows.append(f'<tr><th scope="row" class="nowrap">{label}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def coverage_header():
    """The grid's header row: the day column and the 24 hours, each with its full span for screen readers."""
    hours = "".join(
        f'<th scope="col"><abbr title="{hour}:00–{hour + 1}:00">{hour:02d}</abbr></th>' for hour in range(24)
    )
    return mark_safe(f'<tr><th scope="col">{escape(_("Day"))}</th>{hours}</tr>')  # noqa: S308 - escaped above
