"""A reader goes from the home page to their county's guide, reads it, searches and switches language."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

GUIDE_TITLE = "Omaolo-palvelun käyttöönotto Siun sotessa"


def test_read_a_guide_from_the_home_page_to_the_last_link(live_server, page, portal):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="North Karelia wellbeing services county").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("North Karelia wellbeing services county")
    expect(page.get_by_role("table")).to_contain_text("Piloting")
    page.get_by_role("link", name=GUIDE_TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE_TITLE)
    expect(page.get_by_text("This description is available only in Finnish.")).to_be_visible()
    page.get_by_role("navigation", name="Table of contents").get_by_role("link", name="Phases and steps").click()
    expect(page).to_have_url(re.compile(r"#phases$"))
    phase_headings = page.locator("section.phase h3")
    expect(phase_headings).to_have_text(["Phase 1: Suunnittelu", "Phase 2: Pilotointi", "Phase 3: Laajentaminen"])
    first_step = page.locator(".step").first
    expect(first_step.get_by_role("heading", level=4)).to_have_text("1.1 Nimeä minitiimi")
    expect(first_step.get_by_role("definition")).to_have_text(["Manager", "5 working days", "Nimetty minitiimi"])
    expect(page.locator(".checklist").first.locator("li")).to_have_text(["Pääkäyttäjä", "Esihenkilö", "Viestintä"])
    expect(page.get_by_role("link", name="Käyttöönoton tarkistuslista")).to_have_attribute(
        "href", "https://example.fi/lista.pdf"
    )


def test_search_from_the_home_page_finds_the_guide(live_server, page, portal):
    page.goto(f"{live_server.url}/fi/")
    page.get_by_role("searchbox", name="Hae toimintamalleja").fill("pohjois-karjalassa")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/fi/processes/\?q=pohjois-karjalassa$"))
    expect(page.get_by_role("heading", level=2, name="1 toimintamalli löytyi")).to_be_visible()
    page.get_by_role("link", name=GUIDE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE_TITLE)


def test_filter_by_county_with_the_list_form(live_server, page, portal):
    page.goto(f"{live_server.url}/en/processes/")
    page.get_by_label("County").select_option(label="Päijät-Häme wellbeing services county")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=2, name="0 process descriptions found")).to_be_visible()


def test_switching_language_keeps_the_page(live_server, page, portal):
    page.goto(f"{live_server.url}/fi/processes/siun-soten-kayttoonotto/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    page.get_by_role("navigation", name="Valitse kieli").get_by_role("link", name="svenska").click()

    expect(page).to_have_url(f"{live_server.url}/sv/processes/siun-soten-kayttoonotto/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_text("Den här beskrivningen finns bara på finska.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "fi")

    page.get_by_role("navigation", name="Välj språk").get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/processes/siun-soten-kayttoonotto/")
    expect(page.get_by_role("heading", level=2, name="Phases and steps")).to_be_visible()


def test_printing_the_guide_leaves_out_navigation_and_keeps_every_phase(live_server, page, portal):
    page.goto(f"{live_server.url}/fi/processes/siun-soten-kayttoonotto/")
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("section.phase")).to_have_count(3)
    for phase in page.locator("section.phase").all():
        expect(phase).to_be_visible()
    link_after = page.locator(".link-list a").evaluate("link => getComputedStyle(link, '::after').content")
    assert link_after == '" (" attr(href) ")"' or "example.fi/lista.pdf" in link_after
    assert page.pdf(format="A4").startswith(b"%PDF")
