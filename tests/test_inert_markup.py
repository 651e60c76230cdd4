"""Markup an editor writes into any text field is shown as text, never run, on every public page."""

from html.parser import HTMLParser

import pytest

from processes.models import ProcessDescription, ProcessLink, RolloutStatus
from processes.tests.factories import (
    ContentModuleFactory,
    PhaseFactory,
    ProcessDescriptionFactory,
    RolloutFactory,
    StepFactory,
)
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db

# Short enough for the shortest text field (a county's brand name, 100 characters).
PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>[a](javascript:alert(2))'
MARKDOWN_PAYLOAD = (
    f'{PAYLOAD}\n\n<javascript:alert(3)> [linkki](JaVaScRiPt:alert(4))\n\n<a href="javascript:alert(5)">a</a>'
)

PAGES = [
    "/{language}/",
    "/{language}/processes/",
    "/{language}/processes/?q=script",
    "/{language}/processes/vaarallinen/",
    "/{language}/counties/12/",
    "/{language}/modules/",
    "/{language}/modules/vaarallinen/",
]


class ElementCollector(HTMLParser):
    """The elements of a page with their attributes, as a browser would build them."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(content):
    collector = ElementCollector()
    collector.feed(content)
    return collector.elements


@pytest.fixture
def hostile_content():
    county = WellbeingCountyFactory(code="12", name_fi=PAYLOAD, name_sv=PAYLOAD, name_en="", brand=PAYLOAD)
    area = ServiceAreaFactory(county=county, name_fi=PAYLOAD, name_sv="", name_en=PAYLOAD)
    module = ContentModuleFactory(
        code="vaarallinen",
        name_fi=PAYLOAD,
        name_sv="",
        name_en=PAYLOAD,
        description_fi=PAYLOAD,
        description_en=PAYLOAD,
    )
    sections = dict.fromkeys(ProcessDescription.SECTION_FIELDS, MARKDOWN_PAYLOAD)
    process = ProcessDescriptionFactory(
        county=county,
        slug="vaarallinen",
        title=f"script {PAYLOAD}",
        summary=PAYLOAD,
        author=PAYLOAD,
        place_of_implementation=PAYLOAD,
        **sections,
    )
    process.modules.add(module)
    ProcessLink.objects.create(process=process, title=PAYLOAD, url="javascript:alert(6)")
    ProcessLink.objects.create(process=process, title="Välilyönti", url=" JAVASCRIPT:alert(7)")
    phase = PhaseFactory(process=process, title=PAYLOAD, goal=MARKDOWN_PAYLOAD)
    step = StepFactory(phase=phase, title=PAYLOAD, description=MARKDOWN_PAYLOAD, output=PAYLOAD, checklist=PAYLOAD)
    rollout = RolloutFactory(
        county=county,
        module=module,
        service_area=area,
        process=process,
        status=RolloutStatus.PILOTING,
        current_phase=phase,
        notes=PAYLOAD,
    )
    rollout.completed_steps.add(step)
    return process


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_script_tags_and_javascript_links_are_inert(client, hostile_content, page, language):
    content = client.get(page.format(language=language)).content.decode()
    elements = elements_of(content)

    assert [tag for tag, _attrs in elements if tag in {"script", "img", "iframe", "object"}] == []
    assert [attrs for _tag, attrs in elements if any(name.startswith("on") for name in attrs)] == []
    links = [(attrs.get("href") or "").strip().lower() for tag, attrs in elements if tag == "a"]
    assert [href for href in links if href.startswith("javascript:")] == []
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in content


def test_a_link_with_a_javascript_address_is_shown_as_plain_text(client, hostile_content):
    response = client.get("/en/processes/vaarallinen/")

    assert '<li>Välilyönti <span class="link-kind">(link)</span></li>' in response.content.decode()
