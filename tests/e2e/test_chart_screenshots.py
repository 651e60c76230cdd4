"""The charts and filter forms of the usage pages read well at 1280 and at 375 pixels.

Each chart and filter form is photographed and compared with its reference image in
tests/e2e/screenshots/ (at most 1 % of the pixels may differ, for font hinting); a missing
reference fails the test unless UPDATE_SCREENSHOTS=1 is set, which writes it. The browser also
measures what the reference cannot prove: the axis labels of the chart shown do not overlap,
its text is at least 10 pixels high on a phone, and the fields of a filter form line up.
"""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.e2e.test_usage_accessibility import PAGES, usage  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 375}
# A pixel differs when a channel differs by more than this; a picture when more than the share of its pixels do.
CHANNEL_TOLERANCE = 24
PIXEL_SHARE_TOLERANCE = 0.01
SHOT_PAGES = {
    "statistics": PAGES["statistics of a county with rollout events"],
    "comparison": PAGES["county comparison"],
    "adoption": PAGES["adoption"],
}
FORM_PAGES = {name: SHOT_PAGES[name] for name in ("statistics", "comparison", "adoption")}


def differing_share(actual: Image.Image, expected: Image.Image) -> float:
    """The share of pixels that differ by more than CHANNEL_TOLERANCE in a channel (1.0 if the sizes differ)."""
    if actual.size != expected.size:
        return 1.0
    difference = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB"))
    mask = difference.convert("L").point(lambda level: 255 if level > CHANNEL_TOLERANCE else 0)
    return mask.histogram()[255] / (actual.width * actual.height)


def matches_reference(locator, name: str, tmp_path) -> float:
    shot = tmp_path / f"{name}.png"
    locator.screenshot(path=str(shot), animations="disabled")
    reference = SCREENSHOTS / f"{name}.png"
    if not reference.exists():
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            reference.write_bytes(shot.read_bytes())
            return 0.0
        pytest.fail(f"No reference image {reference.name}: run with UPDATE_SCREENSHOTS=1 and check it by eye.")
    with Image.open(shot) as actual, Image.open(reference) as expected:
        return differing_share(actual, expected)


@pytest.mark.parametrize("screen", WIDTHS)
@pytest.mark.parametrize("page_name", SHOT_PAGES)
def test_the_chart_looks_as_its_reference(live_server, page, usage, tmp_path, page_name, screen):  # noqa: F811
    page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    page.goto(live_server.url + SHOT_PAGES[page_name].format(language="fi"))

    assert matches_reference(page.locator("figure.chart"), f"{page_name}-chart-{WIDTHS[screen]}", tmp_path) <= (
        PIXEL_SHARE_TOLERANCE
    )


@pytest.mark.parametrize("screen", WIDTHS)
@pytest.mark.parametrize("page_name", FORM_PAGES)
def test_the_filter_form_looks_as_its_reference(live_server, page, usage, tmp_path, page_name, screen):  # noqa: F811
    page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    page.goto(live_server.url + FORM_PAGES[page_name].format(language="fi"))

    assert matches_reference(page.locator("form.filter-form"), f"{page_name}-form-{WIDTHS[screen]}", tmp_path) <= (
        PIXEL_SHARE_TOLERANCE
    )


# The boxes of the shown chart's axis labels (texts under the plot), and the smallest text height on screen.
MEASURE_LABELS = """() => {
  const svg = [...document.querySelectorAll('figure.chart svg')].find(s => s.getClientRects().length > 0);
  const bottom = svg.getBoundingClientRect().bottom;
  const texts = [...svg.querySelectorAll('text')];
  const boxes = texts.map(t => t.getBoundingClientRect());
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const axis = boxes.filter(b => b.bottom > bottom - 30 * scale)
    .sort((a, b) => a.left - b.left).map(b => [b.left, b.right]);
  return {screen: svg.getAttribute('class'), axis, smallest: Math.min(...boxes.map(b => b.height))};
}"""


@pytest.mark.parametrize("screen", WIDTHS)
@pytest.mark.parametrize("page_name", ["statistics", "adoption", "comparison"])
def test_axis_labels_never_overlap_and_stay_legible(live_server, page, usage, page_name, screen):  # noqa: F811
    page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    page.goto(live_server.url + SHOT_PAGES[page_name].format(language="fi"))

    measured = page.evaluate(MEASURE_LABELS)

    assert measured["screen"] == ("chart-wide" if screen == "desktop" else "chart-narrow")
    assert len(measured["axis"]) >= 2
    assert all(later[0] > earlier[1] for earlier, later in zip(measured["axis"], measured["axis"][1:], strict=False))
    assert measured["smallest"] >= 10


@pytest.mark.parametrize("page_name", FORM_PAGES)
def test_the_fields_of_a_filter_form_line_up(live_server, page, usage, page_name):  # noqa: F811
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + FORM_PAGES[page_name].format(language="fi"))

    tops = page.evaluate(
        """() => [...document.querySelectorAll('form.filter-form .field')].map(field => {
             const control = field.querySelector('input, select, button');
             return [Math.round(field.getBoundingClientRect().left), Math.round(control.getBoundingClientRect().top)];
           })"""
    )

    rows = {}
    for left, top in tops:
        rows.setdefault(left, []).append(top)
    first_row = [column[0] for column in rows.values()]
    assert len(set(first_row)) == 1, tops
