import datetime
import itertools
from dataclasses import dataclass

import pytest

from metrics import charts
from metrics.aggregation import PeriodFigure
from metrics.models import MetricKind


def _month(start, label, total):
    return PeriodFigure(total=total, weight=1, parts=0, kind=MetricKind.ADDITIVE, period_start=start, label=label)


def test_bar_chart_scales_the_largest_bar_to_the_plot_height():
    totals = [
        _month(datetime.date(2024, 1, 1), "2024-01", 50),
        _month(datetime.date(2024, 2, 1), "2024-02", 100),
    ]

    chart = charts.bar_chart(totals, height=240)

    assert chart.bars[1].height == chart.plot_bottom - chart.plot_top
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)
    assert [value for _, value in chart.ticks] == [0, 50, 100]


# --- round ticks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("largest", "options", "ticks"),
    [
        (1210, {}, [0, 500, 1000, 1500]),  # 100 → 13 steps, 200 → 7, 500 → 3 (at most 4)
        (605, {}, [0, 200, 400, 600, 800]),  # not 605 and 1 210 as before
        (946, {}, [0, 500, 1000]),
        (100, {}, [0, 50, 100]),
        (5, {"most": 5}, [0, 1, 2, 3, 4, 5]),  # a 1–5 score's axis: one tick a point
        (100, {"most": 5}, [0, 20, 40, 60, 80, 100]),
        (0.73, {}, [0, 0.2, 0.4, 0.6, 0.8]),  # per 1,000 residents
        (3, {"integer": True}, [0, 1, 2, 3]),  # counts never step by halves
        (0.4, {"integer": True}, [0, 1]),
        (0, {}, [0, 1]),  # nothing to show: an axis of 0…1, not a division by zero
    ],
)
def test_nice_ticks_step_by_one_two_or_five_times_a_power_of_ten(largest, options, ticks):
    assert charts.nice_ticks(largest, **options) == ticks


def test_the_bar_chart_axis_ends_at_its_top_round_tick():
    totals = [_month(datetime.date(2024, 1, 1), "2024-01", 605), _month(datetime.date(2024, 2, 1), "2024-02", 1210)]

    chart = charts.bar_chart(totals, height=240)

    assert [value for _, value in chart.ticks] == [0, 500, 1000, 1500]
    plot_height = chart.plot_bottom - chart.plot_top  # 240 - 40 - 12 = 188
    assert chart.bars[1].height == round(1210 / 1500 * plot_height, 1) == 151.7
    assert [y for y, _ in chart.ticks] == [200, 137.3, 74.7, 12]


def test_a_score_axis_runs_to_the_scale_top_one_tick_a_point():
    totals = [_month(datetime.date(2024, 1, 1), "2024-01", 4)]

    chart = charts.bar_chart(totals, scale_max=5)

    assert [value for _, value in chart.ticks] == [0, 1, 2, 3, 4, 5]


# --- labels that never overlap ------------------------------------------------------------------------


def test_thin_labels_takes_every_other_label_when_neighbours_would_touch():
    # Centred labels 30 wide, 20 apart: neighbours overlap; every other one leaves 40 − 30 = 10 between.
    places = [(x, "middle") for x in (0, 20, 40, 60, 80)]

    assert charts.thin_labels(places, [30] * 5, gap=10) == {0, 2, 4}


def test_thin_labels_keeps_the_last_and_drops_the_one_that_would_crowd_it():
    places = [(x, "middle") for x in (0, 20, 40, 60)]

    assert charts.thin_labels(places, [30] * 4, gap=10) == {0, 3}


def test_thin_labels_shows_only_the_last_when_nothing_else_fits():
    places = [(0, "start"), (10, "end")]

    assert charts.thin_labels(places, [50, 50]) == {1}


def _weeks(count):
    return [
        PeriodFigure(
            total=week,
            weight=1,
            parts=0,
            kind=MetricKind.ADDITIVE,
            period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
            label=f"2024-W{week + 1:02d}",
        )
        for week in range(count)
    ]


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        # 696 units for 26 weeks: 26.8 a slot; a label is 8 × 7.2 = 57.6 wide and needs 10 more, so every 4th.
        (760, [0, 4, 8, 12, 16, 20, 25]),
        # 296 units: 11.4 a slot; the start-anchored first label needs 9 slots before the next one.
        (charts.NARROW_WIDTH, [0, 9, 25]),
    ],
)
def test_week_labels_are_thinned_by_the_room_they_have(width, shown):
    chart = charts.bar_chart(_weeks(26), width=width)

    assert [index for index, bar in enumerate(chart.bars) if bar.show_label] == shown
    extents = [
        charts._extent(bar.label_x, bar.label_anchor, charts.text_width(bar.label))
        for bar in chart.bars
        if bar.show_label
    ]
    assert all(later[0] - earlier[1] >= charts.LABEL_GAP for earlier, later in itertools.pairwise(extents))
    assert extents[-1][1] <= width


# --- the line chart -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pixels_per_week", "step"),
    [
        (16.29, 2),  # 760 wide, weeks −8…26: a label of 2 characters needs 14.4 + 10 units
        (8.24, 5),  # the narrow chart
        (30, 1),
        (1, 50),
    ],
)
def test_week_steps_are_round(pixels_per_week, step):
    assert charts.week_step(list(range(-8, 27)), pixels_per_week) == step


def test_spread_moves_line_names_apart_keeping_their_order():
    assert charts.spread([100, 105, 50], least=12, top=12, bottom=264) == [100, 112, 50]
    assert charts.spread([260, 262], least=12, top=12, bottom=264) == [252, 264]


@dataclass
class _Curve:
    label: str
    per_week: dict


def test_a_narrow_line_chart_numbers_its_lines_for_the_legend():
    curves = [_Curve("Päijät-Hämeen hyvinvointialue", {0: 1.0, 1: 2.0}), _Curve("Kainuu", {0: 1.0, 1: 2.0})]

    chart = charts.line_chart(curves, list(range(-8, 27)), width=charts.NARROW_WIDTH, numbered=True)

    assert [(line.name, line.label) for line in chart.lines] == [
        ("1", "Päijät-Hämeen hyvinvointialue"),
        ("2", "Kainuu"),
    ]
    assert abs(chart.lines[0].end_y - chart.lines[1].end_y) == 12  # same last value, names apart
    assert [value for _, value in chart.ticks] == [0, 0.5, 1, 1.5, 2]
    assert [week for _, week in chart.x_ticks] == [-5, 0, 5, 10, 15, 20, 25]


def test_a_stacked_ranking_chart_writes_names_above_full_width_bars():
    rows = [_Curve("Pohjois-Karjalan hyvinvointialue", None), _Curve("Kainuu", None)]
    rows[0].value, rows[1].value = 10, 5

    chart = charts.ranking_chart(rows, width=charts.NARROW_WIDTH, stacked=True)

    first, second = chart.bars
    assert (first.label_x, first.label_y, first.label_anchor, first.y) == (0, 16, "start", 24)
    assert (second.label_y, second.y) == (56, 64)
    assert first.width == charts.NARROW_WIDTH - charts.PLOT_RIGHT_PADDING
    assert chart.height == 2 * 40 + 8
