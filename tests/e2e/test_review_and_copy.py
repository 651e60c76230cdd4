"""An editor sends a guide to review, a publisher publishes it; another county copies it from the public page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from processes.models import ProcessDescription, PublicationStatus
from processes.services import process_copy, process_publish, process_submit
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, StepFactory
from regions.models import WellbeingCounty
from regions.permissions import editor_group_ensure
from tests.e2e.test_accessibility import LANGUAGES, blocking_violations

pytestmark = pytest.mark.e2e

PASSWORD = "omaolo-salasana-2024"
DRAFT_TITLE = "Päijät-Hämeen kurkkukipuarvion käyttöönotto"


def staff_user(username, county, role):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(editor_group_ensure())
    (county.publishers if role == "publisher" else county.editors).add(user)
    return user


@pytest.fixture
def paijat_hame(portal):
    return WellbeingCounty.objects.get(code="07")


@pytest.fixture
def editor(paijat_hame):
    return staff_user("paijat-hame", paijat_hame, "editor")


@pytest.fixture
def publisher(paijat_hame):
    return staff_user("paijat-hame-julkaisija", paijat_hame, "publisher")


@pytest.fixture
def draft(paijat_hame):
    process = ProcessDescriptionFactory(
        county=paijat_hame,
        slug="kurkkukipu",
        title=DRAFT_TITLE,
        status=PublicationStatus.DRAFT,
        published_at=None,
    )
    StepFactory(phase=PhaseFactory(process=process, order=1, title="Suunnittelu"), title="Nimeä vastuuhenkilö")
    return process


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def test_an_editor_sends_to_review_a_publisher_publishes_and_the_guide_appears(
    live_server, browser, page, editor, publisher, draft
):
    public_url = f"{live_server.url}/fi/processes/kurkkukipu/"
    change_url = f"{live_server.url}{reverse('admin:processes_processdescription_change', args=[draft.pk])}"
    log_in(page, live_server, editor)
    page.goto(change_url)
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Send to review").click()

    expect(page.locator(".messagelist")).to_contain_text(f"“{DRAFT_TITLE}” was sent to review.")
    reader = browser.new_page()
    assert reader.goto(public_url).status == 404

    reviewer = browser.new_page()
    log_in(reviewer, live_server, publisher)
    reviewer.goto(change_url)
    reviewer.get_by_role("link", name="Changes since the last published version").click()
    expect(reviewer.get_by_role("heading", level=3, name="Added: Suunnittelu")).to_be_visible()
    # Published from the changes page: exactly the version it shows.
    reviewer.get_by_role("button", name="Publish this version").click()
    expect(reviewer.locator(".messagelist")).to_contain_text(f"“{DRAFT_TITLE}” was published.")

    reader.goto(public_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(DRAFT_TITLE)
    reader.goto(f"{live_server.url}/fi/")
    expect(reader.get_by_role("link", name=DRAFT_TITLE)).to_be_visible()


def test_a_copy_made_from_the_public_page(live_server, page, portal, editor, paijat_hame):
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/en/processes/siun-soten-kayttoonotto/")

    page.get_by_role("button", name="Copy as a draft of Päijät-Häme wellbeing services county").click()

    expect(page).to_have_url(re.compile(r"/admin/processes/processdescription/\d+/change/$"))
    copy = ProcessDescription.objects.get(county=paijat_hame)
    assert (copy.based_on, copy.status) == (portal, PublicationStatus.DRAFT)
    assert [phase.title for phase in copy.phases.order_by("order")] == ["Suunnittelu", "Pilotointi", "Laajentaminen"]
    expect(page.locator("#id_title")).to_have_value(portal.title)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_based_on_note_and_the_copy_form_have_no_serious_violations(
    live_server, page, axe, portal, editor, publisher, paijat_hame, language
):
    copy = process_copy(source=portal, county=paijat_hame, user=editor)
    process_submit(process=copy, user=editor)
    process_publish(process=copy, user=publisher)
    log_in(page, live_server, editor)
    pages = {
        "based on": f"/{language}/processes/{copy.slug}/",
        "copy button": f"/{language}/processes/{portal.slug}/",
        "copy page": f"/{language}/processes/{portal.slug}/copy/",
    }

    found = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        expect(page.locator(".based-on, .copy-model").first).to_be_visible()
        if violations := blocking_violations(axe, page):
            found[name] = violations

    assert found == {}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
