"""The swimlane's geometry: lanes one under another, boxes inside their lane and apart, an arrow to every route."""

from routing.swimlane import (
    COLUMN_WIDTH,
    LABEL_WIDTH,
    LANES,
    OMAOLO,
    OUT_OF_HOURS,
    RESIDENT,
    UNIT,
    SwimlaneStep,
    swimlane_layout,
    wrapped,
)

LABELS = {RESIDENT: "Asukas", OMAOLO: "Omaolo", UNIT: "Vastaanottava yksikkö", OUT_OF_HOURS: "Päivystys"}


def layout():
    return swimlane_layout(
        lane_labels=LABELS,
        start=("Täyttää arvion",),
        result=("Antaa tuloksen",),
        outcomes=[("urgent", "Kiireellinen"), ("self-care", "Omahoito")],
        routes=[
            SwimlaneStep(UNIT, ("A · Terveysasema", "puhelin"), outcome="urgent", key="A"),
            SwimlaneStep(OUT_OF_HOURS, ("B · Kumppanisairaala", "puhelin"), outcome="urgent", key="B"),
            SwimlaneStep(OUT_OF_HOURS, ("C · 116117", "puhelin"), outcome="urgent", key="C"),
            SwimlaneStep(RESIDENT, ("D · Omahoito-ohje",), outcome="self-care", key="D"),
        ],
    )


def overlap(first, second) -> bool:
    return not (
        first.x + first.width <= second.x
        or second.x + second.width <= first.x
        or first.y + first.height <= second.y
        or second.y + second.height <= first.y
    )


def test_the_lanes_follow_each_other_in_order_and_fill_the_height():
    swimlane = layout()

    assert [lane.code for lane in swimlane.lanes] == list(LANES)
    assert [lane.label_lines for lane in swimlane.lanes][2] == ("Vastaanottava", "yksikkö")
    for above, below in zip(swimlane.lanes, swimlane.lanes[1:], strict=False):
        assert above.y + above.height == below.y
    assert swimlane.height == sum(lane.height for lane in swimlane.lanes)
    assert swimlane.width == LABEL_WIDTH + 3 * COLUMN_WIDTH + 4


def test_every_box_is_inside_its_lane_and_no_two_overlap():
    swimlane = layout()
    lanes = {lane.code: lane for lane in swimlane.lanes}

    for box in swimlane.boxes:
        lane = lanes[box.lane]
        assert lane.y <= box.y and box.y + box.height <= lane.y + lane.height, box
    boxes = list(swimlane.boxes)
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlap(a, b)]
    assert [(box.kind, box.key) for box in boxes if box.lane == OUT_OF_HOURS] == [("route", "B"), ("route", "C")]


def test_an_arrow_ends_at_the_left_middle_of_every_route_and_at_the_top_of_every_outcome():
    swimlane = layout()
    ends = {arrow.points[-1] for arrow in swimlane.arrows}

    for box in swimlane.boxes:
        if box.kind == "route":
            assert (box.x, box.middle_y) in ends
        if box.kind == "outcome":
            assert (box.x + box.width // 2, box.y) in ends
    assert len(swimlane.arrows) == 1 + 2 + 4


def test_long_texts_are_wrapped_and_cut():
    assert wrapped(["Kumppanisairaalan päivystys, joka on auki iltaisin ja viikonloppuisin koko alueelle"]) == (
        "Kumppanisairaalan",
        "päivystys, joka on auki…",
    )
