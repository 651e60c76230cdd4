"""A county's published routes as a PowerPoint deck for a training session (python-pptx).

A title slide, then one slide per content: the swimlane drawn with native shapes from the
page's geometry (`routing.swimlane`, so it stays editable in PowerPoint), the route table and
the week's coverage grid compressed into time bands. Built in memory from published snapshots
only, in the active language.
"""

import io

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.oxml import parse_xml
from pptx.util import Emu, Inches, Pt

from routing.published import published_routes
from routing.sheet import band_rows, route_sheet, time_bands
from routing.swimlane import OMAOLO

DECK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.3)
SWIMLANE_TOP, SWIMLANE_HEIGHT = Inches(0.95), Inches(3.3)
TABLES_TOP = Inches(4.4)
ROUTE_TABLE_WIDTH = Inches(7.6)
TEXT_SIZE = Pt(8)
SMALL_TEXT_SIZE = Pt(7)
SVG_FONT_PX = 11
INK = RGBColor(0x1A, 0x1A, 0x1A)
LANE_FILLS = (RGBColor(0xF4, 0xF6, 0xF8), RGBColor(0xFF, 0xFF, 0xFF))
BOX_FILLS = {"outcome": RGBColor(0xE3, 0xEE, 0xFA), "route": RGBColor(0xFF, 0xFF, 0xFF)}
BOX_LINE = RGBColor(0x33, 0x4E, 0x68)
ARROW_HEAD = '<a:tailEnd xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" type="triangle"/>'


def _date(value) -> str:
    """A date as the portal writes it in every language (7.12.2026)."""
    with translation.override("fi"):
        return date_format(value, "SHORT_DATE_FORMAT")


def _text(shape, lines, *, size, bold_first=False):
    frame = shape.text_frame
    frame.word_wrap = True
    for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, margin, Emu(30000))
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = size
        run.font.color.rgb = INK
        run.font.bold = bold_first and index == 0


def _textbox(slide, left, top, width, height, lines, *, size, bold_first=False):
    _text(slide.shapes.add_textbox(left, top, width, height), lines, size=size, bold_first=bold_first)


def _swimlane(slide, swimlane):
    scale = min((SLIDE_WIDTH - 2 * MARGIN) / swimlane.width, SWIMLANE_HEIGHT / swimlane.height)

    def at(x, y):
        return Emu(int(MARGIN + x * scale)), Emu(int(SWIMLANE_TOP + y * scale))

    font = Pt(max(5, SVG_FONT_PX * scale / 12700))
    for index, lane in enumerate(swimlane.lanes):
        left, top = at(0, lane.y)
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, left, top, Emu(int(swimlane.width * scale)), Emu(int(lane.height * scale))
        )
        band.fill.solid()
        band.fill.fore_color.rgb = LANE_FILLS[index % 2]
        band.line.color.rgb = BOX_LINE
        band.line.width = Pt(0.5)
        _textbox(
            slide,
            left,
            top,
            Emu(int(100 * scale)),
            Emu(int(lane.height * scale)),
            lane.label_lines,
            size=font,
            bold_first=True,
        )
    for box in swimlane.boxes:
        left, top = at(box.x, box.y)
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, left, top, Emu(int(box.width * scale)), Emu(int(box.height * scale))
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = BOX_FILLS.get(
            box.kind, BOX_FILLS["outcome"] if box.lane == OMAOLO else BOX_FILLS["route"]
        )
        shape.line.color.rgb = BOX_LINE
        shape.line.width = Pt(0.75)
        _text(shape, box.lines, size=font, bold_first=box.kind == "route")
    for arrow in swimlane.arrows:
        segments = list(zip(arrow.points, arrow.points[1:], strict=False))
        for index, (start, end) in enumerate(segments):
            connector = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, *at(*start), *at(*end))
            connector.line.color.rgb = BOX_LINE
            connector.line.width = Pt(1)
            if index == len(segments) - 1:
                connector.line._get_or_add_ln().append(parse_xml(ARROW_HEAD))


def _table(slide, left, top, width, rows, *, widths, size):
    row_height = Emu(int(size * 2.1))
    table = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, row_height * len(rows)).table
    total = sum(widths)
    for index, share in enumerate(widths):
        table.columns[index].width = Emu(int(width * share / total))
    for row_index, row in enumerate(rows):
        table.rows[row_index].height = row_height
        for column_index, value in enumerate(row):
            cell = table.cell(row_index, column_index)
            cell.margin_left = cell.margin_right = Emu(30000)
            cell.margin_top = cell.margin_bottom = Emu(10000)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size
    return table


def _route_table(slide, sheet):
    rows = [[_("Key"), _("Result"), _("Receiving unit"), _("Channel"), _("Hours"), _("Target"), _("Valid")]]
    for row in sheet.rows:
        valid = _date(row.route.valid_from) + "–"
        if row.route.valid_to:
            valid += _date(row.route.valid_to)
        hours = row.window + (f" ({_('handled %(hours)s') % {'hours': row.handled}})" if row.handled else "")
        rows.append([row.key, row.outcome_name, row.unit_name, row.channel, hours, row.target, valid])
    _table(slide, MARGIN, TABLES_TOP, ROUTE_TABLE_WIDTH, rows, widths=(3, 10, 16, 12, 16, 12, 10), size=SMALL_TEXT_SIZE)


def _coverage_table(slide, sheet):
    bands = time_bands(sheet.grids)
    rows = [[_("Result"), _("Days"), *(f"{start:02d}–{end:02d}" for start, end in bands)]]
    for grid in sheet.grids:
        for row in band_rows(grid, bands):
            rows.append(
                [
                    grid.name,
                    row.days,
                    *(" ".join(keys) + ("" if complete else " ✕") for keys, complete in row.cells),
                ]
            )
    left = MARGIN + ROUTE_TABLE_WIDTH + Inches(0.2)
    width = SLIDE_WIDTH - MARGIN - left
    _table(slide, left, TABLES_TOP, width, rows, widths=(8, 7, *([4] * len(bands))), size=SMALL_TEXT_SIZE)
    _textbox(
        slide,
        left,
        SLIDE_HEIGHT - Inches(0.45),
        width,
        Inches(0.3),
        [_("✕ = no route for all or part of these hours. Letters are the routes of the table.")],
        size=SMALL_TEXT_SIZE,
    )


def route_deck(*, county, route_sets, outcomes, today) -> bytes:
    """The deck of the county's published `route_sets` (with `module` loaded), one slide each, as .pptx bytes."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    title_slide = presentation.slides.add_slide(presentation.slide_layouts[0])
    title_slide.shapes.title.text = _("What happens after the assessment: %(county)s") % {"county": county.name}
    for placeholder in title_slide.placeholders:
        placeholder.left, placeholder.width = MARGIN, SLIDE_WIDTH - 2 * MARGIN
    title_slide.placeholders[1].text = _("Omaolo routes as published, %(date)s") % {"date": _date(today)}
    urgencies = {outcome.code: outcome.urgency for outcome in outcomes}
    blank = presentation.slide_layouts[6]
    for published in route_sets:
        kind_outcomes = [(o.code, o.name, o.needs_route) for o in outcomes if o.content_kind == published.module.kind]
        sheet = route_sheet(
            published=published_routes(published, urgencies=urgencies), outcomes=kind_outcomes, today=today
        )
        slide = presentation.slides.add_slide(blank)
        _textbox(
            slide,
            MARGIN,
            Inches(0.2),
            SLIDE_WIDTH - 2 * MARGIN,
            Inches(0.7),
            [
                f"{published.module.name} – {county.name}",
                _("Published %(date)s · coverage in the week %(start)s–%(end)s")
                % {
                    "date": _date(timezone.localtime(published.published_at)),
                    "start": _date(sheet.week_start),
                    "end": _date(sheet.week_end),
                },
            ],
            size=Pt(16),
            bold_first=True,
        )
        _swimlane(slide, sheet.swimlane)
        _route_table(slide, sheet)
        _coverage_table(slide, sheet)
    output = io.BytesIO()
    presentation.save(output)
    return output.getvalue()
