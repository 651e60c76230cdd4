"""axe-core finds no serious or critical violation on any public page type, in any language."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv", "en"]
PAGES = {
    "home": "/{language}/",
    "process list": "/{language}/processes/?q=omaolo",
    "process detail": "/{language}/processes/siun-soten-kayttoonotto/",
    "county": "/{language}/counties/12/",
    "county index": "/{language}/counties/",
    "content list": "/{language}/modules/",
    "content detail": "/{language}/modules/virtsatietulehdus/",
    "accessibility statement": "/{language}/accessibility/",
    "statistics": "/{language}/statistics/?county=12",
}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def blocking_violations(axe, page):
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_violations_on_any_page(live_server, page, portal, axe, language):
    found = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + path.format(language=language))
        if violations := blocking_violations(axe, page):
            found[name] = violations

    assert found == {}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_pages_fit_a_320_pixel_wide_screen(live_server, page, portal, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + path.format(language="fi"))

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
