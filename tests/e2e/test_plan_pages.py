"""A rollout plan in the browser: no serious axe-core finding on its pages in fi, sv and en; it prints A4 landscape."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from plans.models import PlanPhaseLesson, TaskStatus
from plans.services import phase_lesson_write, plan_create, task_complete, task_update
from plans.tests.conftest import publish
from processes.models import StepAnchor
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, RolloutFactory, StepFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv", "en"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "omaolo-salasana-2024"
# A4 landscape in PDF points (1/72 inch): 297 mm × 210 mm.
A4_LANDSCAPE_POINTS = (841.89, 595.28)


@pytest.fixture
def plans(transactional_db):
    """A county with a running plan (one task done, one overdue) and an ended one that gives the guide experiences."""
    county = WellbeingCountyFactory(
        code="09",
        name_fi="Päijät-Hämeen hyvinvointialue",
        name_sv="Päijänne-Tavastlands välfärdsområde",
        name_en="Päijät-Häme wellbeing services county",
    )
    guide = ProcessDescriptionFactory(county=county, slug="paijat-hameen-malli", title="Päijät-Hämeen malli")
    planning = PhaseFactory(process=guide, order=1, title="Suunnittelu")
    training = PhaseFactory(process=guide, order=2, title="Koulutus")
    StepFactory(phase=planning, order=1, title="Nimeä minitiimi", offset_days=-30, estimated_days=5)
    StepFactory(phase=planning, order=2, title="Kuvaa prosessi", offset_days=-20, estimated_days=10)
    StepFactory(phase=training, order=1, title="Kouluta ammattilaiset", anchor=StepAnchor.PILOT_START, offset_days=-2)
    publish(guide)
    superuser = get_user_model().objects.create_superuser("paakayttaja", password=PASSWORD)
    today = timezone.localdate()
    running = RolloutFactory(
        county=county,
        process=guide,
        status="piloting",
        pilot_start=today - datetime.timedelta(days=7),
        go_live=today + datetime.timedelta(days=21),
    )
    plan = plan_create(rollout=running, user=superuser)
    first = plan.tasks.get(title="Nimeä minitiimi")
    task_update(task=first, user=superuser, owner_name="Aino Virtanen", owner_role="pääkäyttäjä")
    task_complete(task=first, user=superuser, done_on=today - datetime.timedelta(days=1))
    ended = RolloutFactory(county=county, process=guide, status="in_use")
    ended_plan = plan_create(rollout=ended, user=superuser)
    for task in ended_plan.tasks.all():
        if task.due and task.due < today:
            task_complete(task=task, user=superuser, done_on=task.due, lesson="Varaa aikaa kommenteille.")
        else:
            task_update(task=task, user=superuser, status=TaskStatus.SKIPPED)
    phase_lesson_write(
        plan=ended_plan,
        source_phase_id=planning.pk,
        lesson="Minitiimi kannatti koota ennen kuin prosessia alettiin kuvata.",
        user=superuser,
    )
    return {"plan": plan, "ended_plan": ended_plan, "county": county, "guide": guide, "superuser": superuser}


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


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_pages_have_no_serious_or_critical_violations(live_server, page, plans, axe, language):
    plan, county, ended = plans["plan"], plans["county"], plans["ended_plan"]
    training_id = ended.source_version.snapshot["phases"][1]["id"]
    public = {
        "plan": f"/{language}/plans/{plan.pk}/",
        "county plans": f"/{language}/counties/{county.code}/plans/",
        "county": f"/{language}/counties/{county.code}/",
        "guide with experiences": f"/{language}/processes/{plans['guide'].slug}/",
    }
    found = {}
    for name, path in public.items():
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        if violations := blocking_violations(axe, page):
            found[name] = violations
    page.set_extra_http_headers({"Accept-Language": language})
    log_in(page, live_server, plans["superuser"])
    admin = {
        "admin plan": reverse("admin:plans_rolloutplan_change", args=[plan.pk]),
        "admin county timeline": reverse("admin:plans_rolloutplan_county_timeline") + f"?county={county.code}",
        "admin print": reverse("admin:plans_rolloutplan_print", args=[plan.pk]),
        "admin ended plan with its lessons' forms": reverse("admin:plans_rolloutplan_change", args=[ended.pk]),
        "admin lesson form": reverse("admin:plans_rolloutplan_lesson", args=[ended.pk]) + f"?phase={training_id}",
    }
    for name, path in admin.items():
        page.goto(live_server.url + path)
        if violations := blocking_violations(axe, page):
            found[name] = violations

    assert found == {}


def test_the_guide_shows_how_long_its_steps_took(live_server, page, plans):
    page.goto(f"{live_server.url}/en/processes/{plans['guide'].slug}/")

    assert page.locator("#experiences").inner_text() == "Experiences from 1 rollout"
    assert "Varaa aikaa kommenteille." in page.locator("section.experiences").inner_text()


def test_a_lesson_is_written_on_the_plans_page_and_shown_under_its_phase_on_the_guide(live_server, page, plans):
    ended = plans["ended_plan"]
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server, plans["superuser"])
    page.goto(f"{live_server.url}{reverse('admin:plans_rolloutplan_change', args=[ended.pk])}")

    page.get_by_label("Lesson of the phase “Koulutus”").fill("Koulutus kahdessa osassa toimi paremmin.")
    page.get_by_role("button", name="Save the lesson").click()

    assert "The lesson of the phase “Koulutus” was saved." in page.locator("ul.messagelist").inner_text()
    assert PlanPhaseLesson.objects.get(plan=ended, phase_title="Koulutus").lesson == (
        "Koulutus kahdessa osassa toimi paremmin."
    )
    page.goto(f"{live_server.url}/en/processes/{plans['guide'].slug}/")
    lessons = page.locator("section.experiences").inner_text()
    assert "The phase as a whole" in lessons
    assert lessons.index("Minitiimi kannatti") < lessons.index("Koulutus kahdessa osassa")
    assert "paakayttaja" not in lessons


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(round(float(x1) - float(x0), 2), round(float(y1) - float(y0), 2)) for x0, y0, x1, y1 in boxes]


@pytest.mark.parametrize("where", ["public", "admin"])
def test_a_plan_prints_on_a4_landscape(live_server, page, plans, where):
    plan = plans["plan"]
    if where == "admin":
        log_in(page, live_server, plans["superuser"])
        page.goto(f"{live_server.url}{reverse('admin:plans_rolloutplan_print', args=[plan.pk])}")
    else:
        page.goto(f"{live_server.url}/fi/plans/{plan.pk}/")
    page.emulate_media(media="print")
    assert page.locator(".site-header").count() == 0 or not page.locator(".site-header").is_visible()

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    sizes = _page_sizes(pdf)
    assert sizes, "the PDF names no page size"
    assert all(size == pytest.approx(A4_LANDSCAPE_POINTS, abs=1) for size in sizes), sizes
