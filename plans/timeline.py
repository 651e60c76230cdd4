"""The geometry of a plan's timeline (an SVG Gantt chart): pure functions of dates, with no database.

A row is one bar from its start to its end date (a task, or a whole plan on the county's
timeline); a milestone is one date (go-live, the pilot's start, a named anchor) drawn as a
diamond across every row, or in one row only when the row has its own. Today is a line. A
row's state decides its shape, never its colour alone: done is a filled bar, open an outlined
one, skipped a dashed outline, and an overdue row also gets a warning triangle at its due date
and the word "overdue" beside its label (the templates write the word, `Row.overdue` says when).

The templates draw what `timeline_layout` returns and write the same facts as a table.
"""

import datetime
from dataclasses import dataclass, field

ONE_DAY = datetime.timedelta(days=1)
WIDTH = 960
LABEL_WIDTH = 300
HEADER_HEIGHT = 56
ROW_HEIGHT = 24
GROUP_HEIGHT = 26
BAR_HEIGHT = 12
MARK_SIZE = 7
LABEL_CHARS = 34
FOOTER_HEIGHT = 20
# A month's label needs this much room before the right edge.
TICK_LABEL_ROOM = 44
PADDING_DAYS = 3
# At least this many days are shown, so that a short plan's bars are not a page wide each.
MIN_SPAN_DAYS = 28


class RowState:
    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"
    SKIPPED = "skipped"
    UNDATED = "undated"


@dataclass(frozen=True)
class Milestone:
    day: datetime.date
    label: str
    kind: str = ""


@dataclass(frozen=True)
class Row:
    """One bar: `start` to `end` (both included); no dates, no bar."""

    label: str
    start: datetime.date | None
    end: datetime.date | None
    state: str
    group: str = ""
    milestones: tuple[Milestone, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.state == RowState.OVERDUE


@dataclass
class DrawnMilestone:
    milestone: Milestone
    x: float
    points: str  # the diamond's polygon
    label_y: float = 0


@dataclass
class DrawnRow:
    row: Row
    y: float
    label: str
    bar_x: float | None = None
    bar_width: float = 0
    bar_y: float = 0
    warning_points: str = ""  # the overdue triangle's polygon
    milestones: list[DrawnMilestone] = field(default_factory=list)


@dataclass
class DrawnGroup:
    title: str
    y: float


@dataclass
class Tick:
    day: datetime.date
    x: float
    labelled: bool = True


@dataclass
class Layout:
    width: int
    height: float
    label_width: int
    chart_top: float
    first_day: datetime.date
    last_day: datetime.date
    rows: list[DrawnRow]
    groups: list[DrawnGroup]
    milestones: list[DrawnMilestone]
    ticks: list[Tick]
    today: datetime.date
    today_x: float
    today_label_y: float = 0


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _diamond(x: float, y: float, size: float) -> str:
    return f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size:.1f},{y:.1f}"


def _triangle(x: float, y: float, size: float) -> str:
    return f"{x:.1f},{y - size:.1f} {x + size:.1f},{y + size:.1f} {x - size:.1f},{y + size:.1f}"


def date_span(rows, milestones, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day the chart shows: every dated bar and milestone, and today, a few days padded."""
    days = [today]
    for row in rows:
        days += [day for day in (row.start, row.end) if day]
        days += [milestone.day for milestone in row.milestones]
    days += [milestone.day for milestone in milestones]
    first, last = min(days) - PADDING_DAYS * ONE_DAY, max(days) + PADDING_DAYS * ONE_DAY
    if (last - first).days < MIN_SPAN_DAYS:
        last = first + MIN_SPAN_DAYS * ONE_DAY
    return first, last


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from `first` to `last` (the first month's only when `first` is the 1st)."""
    day = first if first.day == 1 else (first.replace(day=1) + 32 * ONE_DAY).replace(day=1)
    starts = []
    while day <= last:
        starts.append(day)
        day = (day + 32 * ONE_DAY).replace(day=1)
    return starts


def timeline_layout(
    *, rows: list[Row], milestones: list[Milestone], today: datetime.date, width: int = WIDTH
) -> Layout:
    """Where every bar, milestone, month line and today's line goes, in SVG user units.

    Rows are drawn in the order given; a row whose `group` differs from the previous row's
    starts with a group heading (a phase on a plan's timeline). A day is `day_width` wide, and a
    bar runs from the start of its first day to the end of its last.
    """
    first, last = date_span(rows, milestones, today)
    chart_width = width - LABEL_WIDTH
    day_width = chart_width / ((last - first).days + 1)

    def x_of(day: datetime.date) -> float:
        return LABEL_WIDTH + (day - first).days * day_width

    def middle_of(day: datetime.date) -> float:
        return x_of(day) + day_width / 2

    y = HEADER_HEIGHT
    drawn_rows, groups, previous_group = [], [], None
    for row in rows:
        if row.group and row.group != previous_group:
            groups.append(DrawnGroup(title=_clip(row.group, LABEL_CHARS + 20), y=y + GROUP_HEIGHT - 8))
            y += GROUP_HEIGHT
        previous_group = row.group
        center = y + ROW_HEIGHT / 2
        drawn = DrawnRow(row=row, y=center + 4, label=_clip(row.label, LABEL_CHARS), bar_y=center - BAR_HEIGHT / 2)
        if row.start and row.end:
            start, end = min(row.start, row.end), max(row.start, row.end)
            drawn.bar_x = round(x_of(start), 1)
            drawn.bar_width = round(max((end - start).days + 1, 1) * day_width, 1)
            if row.overdue:
                drawn.warning_points = _triangle(x_of(end + ONE_DAY), center, MARK_SIZE)
        drawn.milestones = [
            DrawnMilestone(
                milestone=milestone,
                x=middle_of(milestone.day),
                points=_diamond(middle_of(milestone.day), center, MARK_SIZE),
            )
            for milestone in row.milestones
        ]
        drawn_rows.append(drawn)
        y += ROW_HEIGHT
    height = y + FOOTER_HEIGHT
    drawn_milestones = [
        DrawnMilestone(
            milestone=milestone,
            x=round(middle_of(milestone.day), 1),
            points=_diamond(middle_of(milestone.day), HEADER_HEIGHT - 8, MARK_SIZE),
            label_y=26 + 12 * (index % 2),
        )
        for index, milestone in enumerate(sorted(milestones, key=lambda milestone: milestone.day))
    ]
    ticks = [
        Tick(day=day, x=round(x_of(day), 1), labelled=x_of(day) <= width - TICK_LABEL_ROOM)
        for day in month_starts(first, last)
    ]
    today_x = round(middle_of(today), 1)
    return Layout(
        width=width,
        height=height,
        label_width=LABEL_WIDTH,
        chart_top=HEADER_HEIGHT,
        first_day=first,
        last_day=last,
        rows=drawn_rows,
        groups=groups,
        milestones=drawn_milestones,
        ticks=ticks,
        today=today,
        today_x=today_x,
        today_label_y=height - 5,
    )
