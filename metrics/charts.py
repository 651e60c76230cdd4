"""Chart geometry: where the bars, axis ticks and event markers of an SVG chart go, for a template to draw."""

import datetime
from dataclasses import dataclass, field

# Room right of the plot, so that the last axis label (anchored at its end) is never clipped.
PLOT_RIGHT_PADDING = 8
# Height of one row of event labels above the plot.
MARKER_ROW = 14


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float | int | None
    show_label: bool
    label_x: float = 0
    label_anchor: str = "start"
    incomplete: bool = False


@dataclass(frozen=True)
class ChartMarker:
    """A rollout event on the time axis: a line at its period and its name in words."""

    x: float
    label_y: float
    anchor: str
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bars: list[ChartBar]
    ticks: list[tuple[float, float | int]]
    markers: list[ChartMarker] = field(default_factory=list)


@dataclass(frozen=True)
class ChartEvent:
    """Something that happened in a period: drawn as a marker when the period is on the chart."""

    period_start: datetime.date
    text: str


def _label_place(index: int, count: int, x: float, width: float) -> tuple[float, str]:
    """The first label starts at its bar, the last ends at its bar (never past the plot), the rest are centred."""
    if index == count - 1 and count > 1:
        return round(x + width, 1), "end"
    if index == 0:
        return x, "start"
    return round(x + width / 2, 1), "middle"


def _shown_labels(count: int, max_labels: int) -> set[int]:
    """Every n-th label, and always the last one (the previous shown label yields when it would crowd it)."""
    every = max(1, -(-count // max_labels))
    shown = set(range(0, count, every))
    if count:
        last = count - 1
        crowding = [index for index in shown if 0 < last - index < max(every, 2) and index != 0]
        shown.difference_update(crowding)
        shown.add(last)
    return shown


def bar_chart(
    totals,
    *,
    width: int = 760,
    height: int = 260,
    max_labels: int = 12,
    scale_max: float | None = None,
    events: list[ChartEvent] = (),
) -> BarChart:
    """Positions of the bars, the value axis and the event markers for an SVG drawn by a template.

    `totals` are period figures with `value`, `label` and `period_start` (and optionally `incomplete`).
    A score's axis runs up to its scale's top (`scale_max`), not to the largest value.
    """
    marker_rows = min(len(events), 3)
    plot_left, plot_top, plot_bottom = 56, 12 + marker_rows * MARKER_ROW, height - 40
    plot_height = plot_bottom - plot_top
    largest = scale_max or max((total.value or 0 for total in totals), default=0) or 1
    slot = (width - plot_left - PLOT_RIGHT_PADDING) / max(len(totals), 1)
    shown = _shown_labels(len(totals), max_labels)
    bars = []
    for index, total in enumerate(totals):
        x, bar_width = round(plot_left + index * slot + slot * 0.1, 1), round(slot * 0.8, 1)
        bar_height = round((total.value or 0) / largest * plot_height, 1)
        label_x, anchor = _label_place(index, len(totals), x, bar_width)
        bars.append(
            ChartBar(
                x=x,
                y=round(plot_bottom - bar_height, 1),
                width=bar_width,
                height=bar_height,
                label=total.label,
                value=total.value,
                show_label=index in shown,
                label_x=label_x,
                label_anchor=anchor,
                incomplete=getattr(total, "incomplete", False),
            )
        )
    ticks = [(round(plot_bottom - fraction * plot_height, 1), _tick(largest * fraction)) for fraction in (0, 0.5, 1)]
    return BarChart(width, height, plot_top, plot_bottom, plot_left, bars, ticks, _markers(totals, bars, events))


def _tick(value: float) -> float | int:
    return round(value) if value == round(value) or value >= 10 else round(value, 1)


def _markers(totals, bars: list[ChartBar], events) -> list[ChartMarker]:
    """A marker at the bar of each event's period; events outside the chart are left to the table."""
    index_of = {total.period_start: index for index, total in enumerate(totals)}
    markers = []
    for event in events:
        index = index_of.get(event.period_start)
        if index is None:
            continue
        bar = bars[index]
        x = round(bar.x + bar.width / 2, 1)
        anchor = "end" if index > len(bars) / 2 else "start"
        row = len(markers) % 3
        markers.append(ChartMarker(x=x, label_y=10 + row * MARKER_ROW, anchor=anchor, text=event.text))
    return markers


# --- a horizontal bar chart: one bar a county -------------------------------------------------------


@dataclass(frozen=True)
class RankBar:
    y: float
    width: float
    label: str
    value: float | int
    value_x: float
    value_anchor: str


@dataclass(frozen=True)
class RankChart:
    width: int
    height: int
    plot_left: int
    bar_height: int
    bars: list[RankBar]


def ranking_chart(rows, *, width: int = 760, label_width: int = 230, row_height: int = 24) -> RankChart:
    """Horizontal bars of `rows` (each with `label` and `value`), largest first as given.

    A value is written right of its bar, or inside its end when the bar nearly fills the plot,
    so that no number runs past the chart.
    """
    plot_width = width - label_width - PLOT_RIGHT_PADDING
    largest = max((row.value for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        bar_width = round(row.value / largest * plot_width, 1)
        inside = bar_width > plot_width - 60
        bars.append(
            RankBar(
                y=index * row_height + 4,
                width=bar_width,
                label=row.label,
                value=row.value,
                value_x=round(label_width + bar_width + (-4 if inside else 4), 1),
                value_anchor="end" if inside else "start",
            )
        )
    return RankChart(width, max(len(rows), 1) * row_height + 8, label_width, row_height - 8, bars)


# --- lines aligned on weeks since go-live -----------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    label: str
    points: str  # the SVG polyline's points
    end_x: float
    end_y: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    zero_x: float
    lines: list[ChartLine]
    ticks: list[tuple[float, float | int]]
    x_ticks: list[tuple[float, int]]


def line_chart(curves, weeks: list[int], *, width: int = 760, height: int = 300, label_room: int = 150) -> LineChart:
    """One line per curve (`label`, `per_week` {week: value}) over `weeks`; each line named at its end in words."""
    plot_left, plot_top, plot_bottom = 56, 12, height - 36
    plot_right = width - label_room
    step = (plot_right - plot_left) / max(len(weeks) - 1, 1)
    largest = max((value or 0 for curve in curves for value in curve.per_week.values()), default=0) or 1

    def x_of(week):
        return round(plot_left + (week - weeks[0]) * step, 1)

    def y_of(value):
        return round(plot_bottom - value / largest * (plot_bottom - plot_top), 1)

    lines = []
    for curve in curves:
        points = [(x_of(week), y_of(curve.per_week[week])) for week in weeks if curve.per_week.get(week) is not None]
        if not points:
            continue
        lines.append(ChartLine(curve.label, " ".join(f"{x},{y}" for x, y in points), points[-1][0] + 4, points[-1][1]))
    ticks = [(y_of(largest * fraction), _tick(largest * fraction)) for fraction in (0, 0.5, 1)]
    every = max(1, -(-len(weeks) // 10))
    x_ticks = [(x_of(week), week) for week in weeks if week % every == 0]
    return LineChart(width, height, plot_left, plot_top, plot_bottom, x_of(0), lines, ticks, x_ticks)
