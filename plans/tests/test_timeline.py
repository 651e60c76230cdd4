"""The timeline's geometry, without the database: where bars, milestones, month lines and today go."""

import datetime

from plans.timeline import (
    GROUP_HEIGHT,
    HEADER_HEIGHT,
    LABEL_WIDTH,
    ROW_HEIGHT,
    Milestone,
    Row,
    RowState,
    date_span,
    month_starts,
    timeline_layout,
)

D = datetime.date


def test_the_chart_spans_every_bar_milestone_and_today_padded_by_three_days():
    rows = [Row("A", D(2026, 3, 2), D(2026, 3, 6), RowState.DONE), Row("B", D(2026, 4, 1), D(2026, 4, 30), "open")]

    first, last = date_span(rows, [Milestone(D(2026, 5, 4), "go-live")], today=D(2026, 3, 20))

    assert (first, last) == (D(2026, 2, 27), D(2026, 5, 7))


def test_a_short_plan_still_shows_four_weeks():
    first, last = date_span([Row("A", D(2026, 3, 2), D(2026, 3, 3), "open")], [], today=D(2026, 3, 2))

    assert (first, last) == (D(2026, 2, 27), D(2026, 3, 27))


def test_month_lines_fall_on_the_first_of_each_month_inside_the_span():
    assert month_starts(D(2026, 11, 20), D(2027, 2, 1)) == [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]
    assert month_starts(D(2026, 3, 1), D(2026, 3, 31)) == [D(2026, 3, 1)]


def test_a_bar_runs_from_the_start_of_its_first_day_to_the_end_of_its_last():
    # 66 days from 27.2. to 3.5.: each day is (960 - 300) / 66 = 10 units wide.
    rows = [Row("A", D(2026, 3, 2), D(2026, 3, 6), RowState.DONE), Row("B", D(2026, 4, 27), D(2026, 4, 30), "open")]

    layout = timeline_layout(rows=rows, milestones=[], today=D(2026, 3, 2))

    assert (layout.first_day, layout.last_day) == (D(2026, 2, 27), D(2026, 5, 3))
    first, second = layout.rows
    assert (first.bar_x, first.bar_width) == (LABEL_WIDTH + 3 * 10, 5 * 10)
    assert (second.bar_x, second.bar_width) == (LABEL_WIDTH + 59 * 10, 4 * 10)
    assert second.bar_y - first.bar_y == ROW_HEIGHT
    assert layout.today_x == LABEL_WIDTH + 3 * 10 + 5


def test_an_overdue_task_gets_a_warning_triangle_at_its_due_date_and_others_none():
    rows = [
        Row("Late", D(2026, 3, 2), D(2026, 3, 6), RowState.OVERDUE),
        Row("Done", D(2026, 3, 2), D(2026, 3, 6), "done"),
    ]

    late, done = timeline_layout(rows=rows, milestones=[], today=D(2026, 3, 20)).rows

    assert late.row.overdue and not done.row.overdue
    # The triangle's apex sits at the end of the due day: 27.2. + 8 days.
    apex_x = late.warning_points.split()[0].split(",")[0]
    day_width = (960 - LABEL_WIDTH) / 29
    assert float(apex_x) == round(LABEL_WIDTH + 8 * day_width, 1)
    assert done.warning_points == ""


def test_a_task_without_dates_has_a_row_but_no_bar():
    (row,) = timeline_layout(rows=[Row("Waits", None, None, RowState.UNDATED)], milestones=[], today=D(2026, 3, 2)).rows

    assert row.bar_x is None and row.label == "Waits"


def test_a_new_phase_starts_with_its_heading_and_pushes_the_rows_down():
    rows = [
        Row("A", D(2026, 3, 2), D(2026, 3, 3), "open", group="Suunnittelu"),
        Row("B", D(2026, 3, 2), D(2026, 3, 3), "open", group="Suunnittelu"),
        Row("C", D(2026, 3, 2), D(2026, 3, 3), "open", group="Koulutus"),
    ]

    layout = timeline_layout(rows=rows, milestones=[], today=D(2026, 3, 2))

    assert [group.title for group in layout.groups] == ["Suunnittelu", "Koulutus"]
    tops = [row.bar_y for row in layout.rows]
    assert tops[1] - tops[0] == ROW_HEIGHT
    assert tops[2] - tops[1] == ROW_HEIGHT + GROUP_HEIGHT
    assert layout.rows[0].bar_y > HEADER_HEIGHT + GROUP_HEIGHT - 1


def test_milestones_are_diamonds_in_date_order_with_alternating_label_heights():
    milestones = [
        Milestone(D(2026, 6, 8), "go-live", "go_live"),
        Milestone(D(2026, 5, 4), "pilot start", "pilot_start"),
    ]

    layout = timeline_layout(rows=[], milestones=milestones, today=D(2026, 5, 4))

    assert [mark.milestone.label for mark in layout.milestones] == ["pilot start", "go-live"]
    assert layout.milestones[0].label_y != layout.milestones[1].label_y
    assert len(layout.milestones[0].points.split()) == 4


def test_a_long_label_is_cut_with_an_ellipsis():
    (row,) = timeline_layout(rows=[Row("x" * 80, None, None, "undated")], milestones=[], today=D(2026, 3, 2)).rows

    assert len(row.label) == 34 and row.label.endswith("…")


def test_a_month_line_at_the_right_edge_has_no_label_that_would_be_cut():
    # 2.1.–1.2.2026: 31 days of 660 / 31 units; 1.2. is at 300 + 30 × 21.3 = 938.7, within 44 of 960.
    rows = [Row("A", D(2026, 1, 5), D(2026, 1, 29), "open")]

    layout = timeline_layout(rows=rows, milestones=[], today=D(2026, 1, 5))

    assert [(tick.day, tick.labelled) for tick in layout.ticks] == [(D(2026, 2, 1), False)]
