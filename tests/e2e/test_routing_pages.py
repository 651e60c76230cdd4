"""The routing pages in Chromium: no axe-core violation in fi, sv or en; a content's sheet prints on one A4 page."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from processes.models import ContentModule
from regions.models import WellbeingCounty
from routing.choices import Channel, TargetKind, UnitType, WindowKind
from routing.models import Outcome, ReceivingUnit, Route
from routing.tests.published_sets import centre_routes, published

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv", "en"]
PAGES = {
    "county × content sheet": "/{language}/routes/counties/07/virtsatietulehdus/",
    "county's routes": "/{language}/routes/counties/07/",
    "content across counties": "/{language}/routes/contents/virtsatietulehdus/",
    "county with routed contents": "/{language}/counties/07/",
}
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture
def routed(portal):
    """Päijät-Häme's published UTI routes in the shape of Lapland's: seven routes of four results, a change coming."""
    county = WellbeingCounty.objects.get(code="07")
    module = ContentModule.objects.get(code="virtsatietulehdus")
    centre_routes(county=county, module=module)
    emergency = Outcome.objects.create(
        code="emergency",
        content_kind="symptom_assessment",
        urgency="emergency",
        order=0,
        name_fi="Hätätilanne",
        name_sv="Nödsituation",
        name_en="Emergency",
    )
    self_care = Outcome.objects.create(
        code="self-care",
        content_kind="symptom_assessment",
        urgency="none",
        needs_route=False,
        order=3,
        name_fi="Omahoito",
        name_sv="Egenvård",
        name_en="Self-care",
    )
    number_112 = ReceivingUnit.objects.create(
        county=None,
        code="112",
        unit_type=UnitType.EMERGENCY_NUMBER,
        name_fi="Hätänumero 112",
        name_sv="Nödnumret 112",
        name_en="Emergency number 112",
        open_around_the_clock=True,
    )
    partner = ReceivingUnit.objects.create(
        county=county,
        code="kumppani",
        unit_type=UnitType.PARTNER_HOSPITAL,
        name_fi="Kumppanisairaalan päivystys",
        name_sv="Partnersjukhusets jour",
        name_en="Partner hospital emergency",
        operator="Kumppanisairaala Oy",
        phone="03 000 0001",
    )
    centre = Route.objects.filter(county=county).first().receiving_unit
    common = {"county": county, "module": module, "valid_from": datetime.date(2025, 1, 1)}
    Route.objects.create(
        **common,
        outcome=emergency,
        window_kind=WindowKind.ALWAYS,
        channel=Channel.EMERGENCY_112,
        receiving_unit=number_112,
    )
    Route.objects.create(
        **common, outcome=self_care, window_kind=WindowKind.ALWAYS, channel=Channel.SELF_CARE, receiving_unit=centre
    )
    Route.objects.create(
        county=county,
        module=module,
        outcome=Outcome.objects.get(code="urgent"),
        weekdays=[1, 2, 3, 4, 5],
        starts_at=datetime.time(16),
        ends_at=datetime.time(22),
        channel=Channel.PHONE_LINE,
        receiving_unit=partner,
        target_kind=TargetKind.MINUTES,
        target_value=15,
        valid_from=datetime.date(2099, 1, 1),
    )
    return published(county=county, module=module)


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violation_on_the_routing_pages(live_server, page, routed, axe, language):
    found = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + path.format(language=language))
        violations = axe.run(page).response["violations"]
        if violations:
            found[name] = [f"{violation['id']} ({violation['impact']})" for violation in violations]

    assert found == {}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_the_routing_pages_fit_a_320_pixel_wide_screen(live_server, page, routed, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + path.format(language="fi"))

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contents_sheet_prints_on_one_a4_page_without_navigation(live_server, page, routed, language):
    page.goto(live_server.url + PAGES["county × content sheet"].format(language=language))
    page.emulate_media(media="print")

    assert not page.locator(".main-nav").is_visible()
    assert page.locator("svg.swimlane").is_visible() and page.locator(".coverage-grid").first.is_visible()
    pdf = page.pdf(format="A4")
    assert len(PDF_PAGE.findall(pdf)) == 1
