"""In Chromium: an uploaded process picture in the guide, search passages, the county index, admin widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from processes.models import Phase, ProcessAttachment, ProcessDescription
from processes.services import process_publish, process_submit
from processes.tests.files import image_bytes, upload

pytestmark = pytest.mark.e2e

PASSWORD = "omaolo-salasana-2024"
ALT_TEXT = "Kaavio: kolme vaihetta suunnittelusta laajentamiseen."
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def superuser(transactional_db):
    return get_user_model().objects.create_superuser("paakayttaja", password=PASSWORD)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_an_uploaded_process_picture_is_shown_in_the_guide_with_its_alternative_text(
    live_server, page, portal, superuser
):
    log_in(page, live_server, superuser)
    page.goto(f"{live_server.url}{reverse('admin:processes_processdescription_change', args=[portal.pk])}")

    page.locator("#attachments-group .add-row a").click()
    page.fill("#id_attachments-0-title", "Prosessikuva")
    page.set_input_files(
        "#id_attachments-0-file", files=[{"name": "prosessikuva.png", "mimeType": "image/png", "buffer": image_bytes()}]
    )
    page.check("#id_attachments-0-show_in_guide")
    page.fill("#id_attachments-0-alt_text", ALT_TEXT)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    # The picture is part of the next published version: the public sees it once that is published.
    page.goto(f"{live_server.url}/fi/processes/{portal.slug}/")
    expect(page.get_by_role("img", name=ALT_TEXT)).to_have_count(0)
    revised = ProcessDescription.objects.get(pk=portal.pk)
    process_submit(process=revised, user=superuser)
    process_publish(process=revised, user=superuser)

    page.goto(f"{live_server.url}/fi/processes/{portal.slug}/")
    picture = page.get_by_role("img", name=ALT_TEXT)
    expect(picture).to_be_visible()
    assert picture.evaluate("image => image.complete && image.naturalWidth") == 40
    expect(page.locator("figure figcaption")).to_have_text("Prosessikuva")


def test_search_results_show_the_passage_with_the_words_marked(live_server, page, portal):
    page.goto(f"{live_server.url}/fi/processes/")
    page.fill("#id_q", "minitiimin")
    page.get_by_role("button", name="Hae").click()

    passage = page.locator(".search-passage")
    expect(passage).to_have_count(1)
    marks = passage.locator("mark")
    expect(marks.first).to_have_text("minitiimi", ignore_case=True)
    assert {text.casefold() for text in marks.all_inner_texts()} == {"minitiimi"}
    expect(page.get_by_role("link", name=portal.title)).to_be_visible()


def test_the_county_index_leads_to_a_county(live_server, page, portal):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Counties").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing services counties")
    row = page.get_by_role("row", name="North Karelia")
    expect(row.get_by_role("cell").nth(0)).to_have_text("Siun sote")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Karelia wellbeing services county")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_new_pages_have_no_serious_accessibility_violations(live_server, page, portal, language):
    ProcessAttachment.objects.create(
        process=portal,
        title="Prosessikuva",
        file=upload("prosessikuva.png", image_bytes()),
        show_in_guide=True,
        alt_text=ALT_TEXT,
    )
    ProcessAttachment.objects.create(process=portal, title="Liite", file=upload("liite.jpg", image_bytes("JPEG")))
    found = {}
    for path in (
        f"/{language}/counties/",
        f"/{language}/processes/?q=minitiimin",
        f"/{language}/processes/{portal.slug}/",
    ):
        page.goto(live_server.url + path)
        if violations := blocking_violations(page):
            found[path] = violations

    assert found == {}


def test_wide_inlines_fit_a_1280_pixel_wide_admin(live_server, page, portal, superuser):
    Phase.objects.filter(process=portal).update(
        title="Nykytilan kartoitus ja organisaation sitoutuminen käyttöönottoon", goal="Pitkä tavoite. " * 20
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, superuser)
    pages = {
        "process": reverse("admin:processes_processdescription_change", args=[portal.pk]),
        "phase": reverse("admin:processes_phase_change", args=[Phase.objects.filter(process=portal).first().pk]),
    }
    overflow = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        overflow[name] = page.evaluate(
            """() => ({
                page: document.documentElement.scrollWidth,
                inlines: [...document.querySelectorAll(".inline-group .wrapper, .inline-group fieldset")]
                    .filter(element => element.scrollWidth > element.clientWidth + 1).length,
            })"""
        )

    assert overflow == {"process": {"page": 1280, "inlines": 0}, "phase": {"page": 1280, "inlines": 0}}
