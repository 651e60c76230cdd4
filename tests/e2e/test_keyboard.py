"""Someone who uses only the keyboard reaches every control and sees where the focus is."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOCUS_DESCRIPTION = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
    return {
        tag: element.tagName.toLowerCase(),
        text: (label || element.innerText || element.getAttribute("aria-label") || "").trim().split("\\n")[0],
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_until(page, text, limit=80):
    """Press Tab until the focused element's text is `text`; every stop must show a visible outline."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_DESCRIPTION)
        stops.append(focused)
        assert focused["outline"], f"no visible focus on {focused}"
        if focused["text"] == text:
            return stops
    raise AssertionError(f"{text!r} not reached with Tab; stops: {[stop['text'] for stop in stops]}")


def test_the_skip_link_is_first_and_moves_to_the_main_content(live_server, page, portal):
    page.goto(f"{live_server.url}/en/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/en/#main")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search process descriptions")).to_be_focused()


def test_walk_the_home_page_with_the_keyboard_alone(live_server, page, portal):
    page.goto(f"{live_server.url}/en/")

    stops = tab_until(page, "Log in for editors")

    assert [stop["text"] for stop in stops] == [
        "Skip to main content",
        "Omaolo rollout portal",
        "suomi",
        "svenska",
        "English",
        "Home",
        "Process descriptions",
        "Counties",
        "Omaolo contents",
        "Usage statistics",
        "Search process descriptions",
        "Search",
        "Number of Omaolo content rollouts by county and status",
        "Päijät-Häme wellbeing services county",
        "North Karelia wellbeing services county",
        "Omaolo-palvelun käyttöönotto Siun sotessa",
        "All process descriptions",
        "See the Omaolo contents and where each is in use",
        "Accessibility statement",
        "Log in for editors",
    ]


def test_search_with_the_keyboard(live_server, page, portal):
    page.goto(f"{live_server.url}/en/")

    tab_until(page, "Search process descriptions")
    page.keyboard.type("siun")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=2, name="1 process description found")).to_be_visible()


JOURNEYS = {
    "fi": ("Pohjois-Karjalan hyvinvointialue", "Vaiheet ja tehtävät"),
    "sv": ("Norra Karelens välfärdsområde", "Skeden och moment"),
    "en": ("North Karelia wellbeing services county", "Phases and steps"),
}


@pytest.mark.parametrize("language", JOURNEYS)
def test_from_home_to_county_to_guide_and_print_with_the_keyboard(live_server, page, portal, language):
    county_name, phases_heading = JOURNEYS[language]
    page.goto(f"{live_server.url}/{language}/")

    tab_until(page, county_name)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(county_name)

    tab_until(page, "Omaolo-palvelun käyttöönotto Siun sotessa")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Omaolo-palvelun käyttöönotto Siun sotessa")

    tab_until(page, phases_heading)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name=phases_heading)).to_be_in_viewport()

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("section.phase")).to_have_count(3)
