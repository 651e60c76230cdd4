"""The swimlane picture of what happens after an assessment, as geometry: lanes, boxes, arrows.

Pure: texts in, coordinates out (in px of an SVG's viewBox). The public page draws it as SVG
(`routing/templates/routing/includes/swimlane.svg`) and the deck as native PowerPoint shapes
(`routing.deck`) from the same layout, so both pictures agree.

Lanes run across (resident, Omaolo, receiving unit, out-of-hours service) and time from left
to right: the resident fills in the assessment, Omaolo gives a result, and each result's
column holds the routes it takes, each in the lane of who handles it.
"""

import textwrap
from dataclasses import dataclass

RESIDENT, OMAOLO, UNIT, OUT_OF_HOURS = "resident", "omaolo", "unit", "out_of_hours"
LANES = (RESIDENT, OMAOLO, UNIT, OUT_OF_HOURS)

LABEL_WIDTH = 112
COLUMN_WIDTH = 200
BOX_WIDTH = 176
BOX_LEFT = 16  # a box's left edge in its column; the connectors run in the strip left of it
CONNECTOR_X = 7
LINE_HEIGHT = 14
PADDING = 6
BOX_GAP = 10
LANE_PADDING = 12
BUS_STRIP = 14  # above the Omaolo lane's boxes: the connector from the result to each outcome
MIN_LANE_HEIGHT = 44
CHARACTERS_A_LINE = 27
LABEL_CHARACTERS_A_LINE = 14
LINES_A_TEXT = 2


@dataclass(frozen=True)
class SwimlaneStep:
    """A box to draw: a route (its key, outcome and lane) or one of the fixed steps, with its lines of text."""

    lane: str
    lines: tuple[str, ...]
    outcome: str = ""
    key: str = ""


@dataclass(frozen=True)
class Lane:
    code: str
    label_lines: tuple[str, ...]
    y: int
    height: int


@dataclass(frozen=True)
class Box:
    kind: str  # "start", "result", "outcome" or "route"
    lane: str
    x: int
    y: int
    width: int
    height: int
    lines: tuple[str, ...]
    key: str = ""

    @property
    def middle_y(self) -> int:
        return self.y + self.height // 2

    def text_baselines(self) -> list[tuple[int, str]]:
        """Each line's baseline y with its text."""
        return [(self.y + PADDING + LINE_HEIGHT * (index + 1) - 3, line) for index, line in enumerate(self.lines)]


@dataclass(frozen=True)
class Arrow:
    points: tuple[tuple[int, int], ...]

    @property
    def svg_points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class Swimlane:
    width: int
    height: int
    lanes: tuple[Lane, ...]
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def wrapped(lines, *, width: int = CHARACTERS_A_LINE, most: int = LINES_A_TEXT) -> tuple[str, ...]:
    """Each text wrapped to `width` characters on at most `most` lines, the last cut with “…” when longer."""
    result = []
    for text in lines:
        parts = textwrap.wrap(text, width=width, break_long_words=True) or [""]
        if len(parts) > most:
            parts = parts[:most]
            parts[-1] = parts[-1][: width - 1].rstrip() + "…"
        result.extend(parts)
    return tuple(result)


def _box_height(lines) -> int:
    return 2 * PADDING + LINE_HEIGHT * len(lines)


def swimlane_layout(
    *,
    lane_labels: dict[str, str],
    start: tuple[str, ...],
    result: tuple[str, ...],
    outcomes: list[tuple[str, str]],
    routes: list[SwimlaneStep],
) -> Swimlane:
    """The picture for `outcomes` ((code, label) in order) and their `routes`, each in its own lane.

    `start` is the resident's first step and `result` Omaolo's, in column 0; the outcomes follow
    in columns 1, 2, … with their routes below or above them in the lanes of `routes`.
    """
    start_lines, result_lines = wrapped(start), wrapped(result)
    columns: list[dict[str, list[tuple[tuple[str, ...], SwimlaneStep | None]]]] = [
        {RESIDENT: [(start_lines, None)], OMAOLO: [(result_lines, None)]}
    ]
    for code, label in outcomes:
        column = {OMAOLO: [(wrapped([label], most=3), None)]}
        for step in routes:
            if step.outcome == code:
                column.setdefault(step.lane, []).append((wrapped(step.lines), step))
        columns.append(column)

    heights = {}
    for lane in LANES:
        stacked = [
            sum(_box_height(lines) for lines, _step in column.get(lane, ())) + BOX_GAP * (len(column.get(lane, ())) - 1)
            for column in columns
            if column.get(lane)
        ]
        extra = BUS_STRIP if lane == OMAOLO else 0
        heights[lane] = max([MIN_LANE_HEIGHT, *(height + 2 * LANE_PADDING + extra for height in stacked)])

    lanes, y = [], 0
    for lane in LANES:
        lanes.append(Lane(lane, wrapped([lane_labels[lane]], width=LABEL_CHARACTERS_A_LINE, most=3), y, heights[lane]))
        y += heights[lane]
    lane_top = {lane.code: lane.y for lane in lanes}

    boxes: list[Box] = []
    arrows: list[Arrow] = []
    outcome_boxes: list[Box] = []
    start_box = result_box = None
    for index, column in enumerate(columns):
        column_x = LABEL_WIDTH + index * COLUMN_WIDTH
        for lane in LANES:
            box_y = lane_top[lane] + LANE_PADDING + (BUS_STRIP if lane == OMAOLO else 0)
            for lines, step in column.get(lane, ()):
                if step is not None:
                    kind = "route"
                elif index == 0:
                    kind = "start" if lane == RESIDENT else "result"
                else:
                    kind = "outcome"
                box = Box(
                    kind,
                    lane,
                    column_x + BOX_LEFT,
                    box_y,
                    BOX_WIDTH,
                    _box_height(lines),
                    lines,
                    step.key if step else "",
                )
                boxes.append(box)
                box_y += box.height + BOX_GAP
                if kind == "start":
                    start_box = box
                elif kind == "result":
                    result_box = box
                elif kind == "outcome":
                    outcome_boxes.append(box)
        if index:
            outcome = outcome_boxes[-1]
            connector = column_x + CONNECTOR_X
            for box in boxes:
                if box.kind == "route" and box.x == outcome.x:
                    arrows.append(
                        Arrow(
                            (
                                (outcome.x, outcome.middle_y),
                                (connector, outcome.middle_y),
                                (connector, box.middle_y),
                                (box.x, box.middle_y),
                            )
                        )
                    )

    centre = start_box.x + start_box.width // 2
    head = [Arrow(((centre, start_box.y + start_box.height), (centre, result_box.y)))]
    bus_y = lane_top[OMAOLO] + LANE_PADDING + BUS_STRIP // 2 - 2
    jog = result_box.x + result_box.width + CONNECTOR_X
    for outcome in outcome_boxes:
        middle = outcome.x + outcome.width // 2
        head.append(
            Arrow(
                (
                    (result_box.x + result_box.width, result_box.middle_y),
                    (jog, result_box.middle_y),
                    (jog, bus_y),
                    (middle, bus_y),
                    (middle, outcome.y),
                )
            ),
        )
    width = LABEL_WIDTH + len(columns) * COLUMN_WIDTH + 4
    return Swimlane(width=width, height=y, lanes=tuple(lanes), boxes=tuple(boxes), arrows=tuple(head + arrows))
