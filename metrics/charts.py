"""Chart geometry: where the bars, axis ticks and event markers of an SVG chart go, for a template to draw."""

import datetime
import itertools
import math
from dataclasses import dataclass, field

# Room right of the plot, so that the last axis label (anchored at its end) is never clipped.
PLOT_RIGHT_PADDING = 8
# Height of one row of event labels above the plot.
MARKER_ROW = 14
# The width of the narrow chart drawn for phones (a 375 px screen shows it at about its own size).
NARROW_WIDTH = 360
# An axis label's width is estimated from its length: 12-unit text is at most this wide per character.
LABEL_CHAR_WIDTH = 7.2
# The least room between two axis labels.
LABEL_GAP = 10
# Tick steps are 1, 2 or 5 times a power of ten.
NICE_MANTISSAS = (1, 2, 5)


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


def nice_ticks(largest: float, *, most: int = 4, integer: bool = False) -> list[float | int]:
    """Round axis values from 0 up to at least `largest`: steps of 1, 2 or 5 × 10^n, at most `most` steps.

    The smallest such step is taken, so that the top tick is as near the largest value as round
    numbers allow. `integer` (counts) never steps below 1. Nothing to show (0 or less) gives 0 and 1.
    """
    if largest <= 0:
        return [0, 1]
    largest = float(largest)
    exponent = math.floor(math.log10(largest / most))
    if integer:
        exponent = max(exponent, 0)
    while True:
        for mantissa in NICE_MANTISSAS:
            step = mantissa * 10**exponent
            steps = math.ceil(round(largest / step, 9))
            if steps <= most:
                digits = max(-exponent, 0)
                return [_tick(round(index * step, digits)) for index in range(steps + 1)]
        exponent += 1


def text_width(label: str) -> float:
    """The estimated width of an axis label in 12-unit text."""
    return len(label) * LABEL_CHAR_WIDTH


def _extent(x: float, anchor: str, width: float) -> tuple[float, float]:
    if anchor == "start":
        return x, x + width
    if anchor == "end":
        return x - width, x
    return x - width / 2, x + width / 2


def thin_labels(places: list[tuple[float, str]], widths: list[float], *, gap: float = LABEL_GAP) -> set[int]:
    """The labels to show so that none touches the next: every n-th (the least n that works), always the last.

    `places` are each label's x and text anchor, `widths` its estimated width. Labels are dropped,
    never shrunk; when even the first and the last would overlap, only the last is shown.
    """
    count = len(places)
    for every in range(1, count + 1):
        shown = _every_nth(count, every)
        extents = [_extent(*places[index], widths[index]) for index in sorted(shown)]
        if all(later[0] - earlier[1] >= gap for earlier, later in itertools.pairwise(extents)):
            return shown
    return {count - 1} if count else set()


def _every_nth(count: int, every: int) -> set[int]:
    """Every n-th label from the first, and always the last one.

    The previous shown label yields when it would crowd the last.
    """
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
    scale_max: float | None = None,
    events: list[ChartEvent] = (),
) -> BarChart:
    """Positions of the bars, the value axis and the event markers for an SVG drawn by a template.

    `totals` are period figures with `value`, `label` and `period_start` (and optionally `incomplete`).
    The value axis has round ticks (`nice_ticks`) and runs up to the top one; a score's axis runs
    up to its scale's top (`scale_max`), one tick a point up to five. Period labels are thinned
    (`thin_labels`) so that none overlaps the next at this width.
    """
    marker_rows = min(len(events), 3)
    plot_left, plot_top, plot_bottom = 56, 12 + marker_rows * MARKER_ROW, height - 40
    plot_height = plot_bottom - plot_top
    if scale_max:
        tick_values = nice_ticks(scale_max, most=5)
    else:
        largest_value = max((total.value or 0 for total in totals), default=0)
        tick_values = nice_ticks(largest_value, integer=all(isinstance(total.value or 0, int) for total in totals))
    largest = tick_values[-1]
    slot = (width - plot_left - PLOT_RIGHT_PADDING) / max(len(totals), 1)
    geometry = [(round(plot_left + index * slot + slot * 0.1, 1), round(slot * 0.8, 1)) for index in range(len(totals))]
    places = [_label_place(index, len(totals), x, bar_width) for index, (x, bar_width) in enumerate(geometry)]
    labels = [total.label + ("*" if getattr(total, "incomplete", False) else "") for total in totals]
    shown = thin_labels(places, [text_width(label) for label in labels])
    bars = []
    for index, total in enumerate(totals):
        x, bar_width = geometry[index]
        bar_height = round(max(total.value or 0, 0) / largest * plot_height, 1)
        label_x, anchor = places[index]
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
    ticks = [(round(plot_bottom - value / largest * plot_height, 1), value) for value in tick_values]
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
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "end"


@dataclass(frozen=True)
class RankChart:
    width: int
    height: int
    plot_left: int
    bar_height: int
    bars: list[RankBar]


def ranking_chart(
    rows, *, width: int = 760, label_width: int = 230, row_height: int = 24, stacked: bool = False
) -> RankChart:
    """Horizontal bars of `rows` (each with `label` and `value`), largest first as given.

    A value is written right of its bar, or inside its end when the bar nearly fills the plot,
    so that no number runs past the chart. A `stacked` chart (for a narrow screen) writes each
    county's name on its own line above its bar, so that long names need no room beside the bars.
    """
    if stacked:
        label_width, row_height = 0, 40
    plot_width = width - label_width - PLOT_RIGHT_PADDING
    largest = max((row.value for row in rows), default=0) or 1
    bar_height = 16
    bars = []
    for index, row in enumerate(rows):
        bar_width = round(max(row.value, 0) / largest * plot_width, 1)
        inside = bar_width > plot_width - 60
        top = index * row_height + 4
        y = top + (row_height - 4 - bar_height) if stacked else top
        bars.append(
            RankBar(
                y=y,
                width=bar_width,
                label=row.label,
                value=row.value,
                value_x=round(label_width + bar_width + (-4 if inside else 4), 1),
                value_anchor="end" if inside else "start",
                label_x=0 if stacked else label_width - 6,
                label_y=top + 12,
                label_anchor="start" if stacked else "end",
            )
        )
    return RankChart(width, max(len(rows), 1) * row_height + 8, label_width, bar_height, bars)


# --- lines aligned on weeks since go-live -----------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    label: str
    points: str  # the SVG polyline's points
    end_x: float
    end_y: float
    name: str = ""  # what is written at the line's end: its label, or its number in the legend of a narrow chart


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
    numbered: bool = False  # the lines are numbered at their ends and named in a legend


def week_step(weeks: list[int], pixels_per_week: float, *, gap: float = LABEL_GAP) -> int:
    """The round step (1, 2, 5, 10, 20, …) of week labels that leaves room between the widest two."""
    widest = max((text_width(str(week)) for week in weeks), default=0)
    exponent = 0
    while True:
        for mantissa in NICE_MANTISSAS:
            step = mantissa * 10**exponent
            if step * pixels_per_week >= widest + gap or step >= max(len(weeks), 1):
                return step
        exponent += 1


def spread(ys: list[float], *, least: float, top: float, bottom: float) -> list[float]:
    """Move label heights apart (keeping their order) so that no two are nearer than `least`, inside top…bottom."""
    order = sorted(range(len(ys)), key=lambda index: ys[index])
    placed = [0.0] * len(ys)
    previous = top - least
    for index in order:
        previous = max(ys[index], previous + least)
        placed[index] = previous
    overflow = (placed[order[-1]] - bottom) if order else 0
    if overflow > 0:
        following = bottom + least
        for index in reversed(order):
            following = min(placed[index], following - least)
            placed[index] = following
    return [round(y, 1) for y in placed]


def line_chart(
    curves, weeks: list[int], *, width: int = 760, height: int = 300, label_room: int = 150, numbered: bool = False
) -> LineChart:
    """One line per curve (`label`, `per_week` {week: value}) over `weeks`; each line named at its end in words.

    A `numbered` chart (for a narrow screen) writes each line's number at its end instead, for a
    legend beside it. The value axis has round ticks; week labels are every 1, 2, 5, 10… weeks
    as room allows, always including the go-live week 0 when shown; end labels never overlap.
    """
    if numbered:
        label_room = 24
    plot_left, plot_top, plot_bottom = 56, 12, height - 36
    plot_right = width - label_room
    step = (plot_right - plot_left) / max(len(weeks) - 1, 1)
    largest_value = max((value or 0 for curve in curves for value in curve.per_week.values()), default=0)
    tick_values = nice_ticks(largest_value)
    largest = tick_values[-1]

    def x_of(week):
        return round(plot_left + (week - weeks[0]) * step, 1)

    def y_of(value):
        return round(plot_bottom - max(value, 0) / largest * (plot_bottom - plot_top), 1)

    drawn = []
    for number, curve in enumerate(curves, start=1):
        points = [(x_of(week), y_of(curve.per_week[week])) for week in weeks if curve.per_week.get(week) is not None]
        if points:
            drawn.append((number, curve, points))
    end_ys = spread([points[-1][1] for _, _, points in drawn], least=12, top=plot_top, bottom=plot_bottom)
    lines = [
        ChartLine(
            curve.label,
            " ".join(f"{x},{y}" for x, y in points),
            points[-1][0] + 4,
            end_y,
            str(number) if numbered else curve.label,
        )
        for (number, curve, points), end_y in zip(drawn, end_ys, strict=True)
    ]
    ticks = [(y_of(value), value) for value in tick_values]
    every = week_step(weeks, step)
    x_ticks = [(x_of(week), week) for week in weeks if week % every == 0]
    return LineChart(width, height, plot_left, plot_top, plot_bottom, x_of(0), lines, ticks, x_ticks, numbered)
