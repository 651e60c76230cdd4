"""The plan's pages as readers use them: the public progress without owners, the admin's with them, the county's.

The clock stands on Mon 25.5.2026. The conftest plan then has A done (8.5.), E done early
(25.5.), C skipped; B (due 7.5.) overdue; D (due 25.5.) due this week; the go/no-go decision
(4.6.) still to come.
"""

import datetime
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plans.models import TaskStatus
from plans.services import plan_create, plan_feed_token_renew, task_complete, task_update
from plans.tests.conftest import GO_LIVE, PILOT_START, publish
from processes.models import PublicationStatus, RolloutStatus
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, RolloutFactory, StepFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.datetime(2026, 5, 25, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
OWNER_TEXTS = ["Olli Omistaja", "Nimetty Henkilö", "Viestintävastaava", "Sisäinen muistiinpano"]


@pytest.fixture(autouse=True)
def monday_25_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def plan(rollout, people):
    editor = people["editor"]
    editor.first_name, editor.last_name = "Olli", "Omistaja"
    editor.save()
    plan = plan_create(rollout=rollout, user=editor)
    tasks = {task.title: task for task in plan.tasks.all()}
    task_update(task=tasks["A"], user=editor, owner=editor, notes="Sisäinen muistiinpano")
    task_update(task=tasks["B"], user=editor, owner_name="Nimetty Henkilö", owner_role="Viestintävastaava")
    task_complete(task=tasks["A"], user=editor, done_on=D(2026, 5, 8))
    task_complete(task=tasks["E"], user=editor, done_on=D(2026, 5, 25))
    task_update(task=tasks["C"], user=editor, status=TaskStatus.SKIPPED)
    return plan


def test_the_public_plan_page_shows_the_progress_and_no_owner_note_or_calendar_address(client, plan, people):
    token = plan_feed_token_renew(plan=plan, user=people["editor"])

    response = client.get(en("plans_public:plan_detail", plan.pk))

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "2 / 6 tasks done, 1 overdue" in page
    # Suunnittelu: A done, B open: 50 %; Koulutus: E done, D open, C skipped: 1 of 2, 50 %.
    assert page.count('<td class="number">50 %</td>') == 2
    assert '<strong class="deadline-overdue">⚠ overdue</strong>' in page
    overdue, this_week = page.split('id="plan-overdue-heading"')[1].split('id="plan-week-heading"')
    assert ">B<" in overdue and ">D<" not in overdue
    assert ">D<" in this_week.split("</ul>")[0]
    assert "⚠ overdue</tspan>" in page  # in the chart, beside the triangle
    assert page.count('class="timeline-warning"') == 1  # B's row
    assert "Go-live" in page and "Pilot start" in page and "today" in page
    for text in [*OWNER_TEXTS, token, "feed/"]:
        assert text not in page, text


def test_the_admin_plan_page_shows_the_timeline_with_owners_and_links_each_task(client, plan, people):
    client.force_login(people["editor"])

    page = client.get(reverse("admin:plans_rolloutplan_change", args=[plan.pk])).content.decode()

    assert "Olli Omistaja" in page and "Nimetty Henkilö, Viestintävastaava" in page
    task_b = plan.tasks.get(title="B")
    assert reverse("admin:plans_plantask_change", args=[task_b.pk]) in page
    assert 'class="timeline-chart"' in page
    assert "Sisäinen muistiinpano" not in page  # notes are on the task's own form


def test_the_admin_print_page_has_the_owners_and_the_landscape_page(client, plan, people):
    client.force_login(people["editor"])

    response = client.get(reverse("admin:plans_rolloutplan_print", args=[plan.pk]))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Olli Omistaja" in page and '<article class="plan-page">' in page


@pytest.mark.parametrize(
    "withdrawn",
    [{"status": PublicationStatus.ARCHIVED}, {"status": PublicationStatus.DRAFT, "published_at": None}],
    ids=["archived", "back-to-draft"],
)
def test_a_plan_of_a_guide_no_longer_public_is_on_no_public_page(client, plan, guide, withdrawn):
    type(guide).objects.filter(pk=guide.pk).update(**withdrawn)
    county = plan.rollout.county

    assert client.get(en("plans_public:plan_detail", plan.pk)).status_code == HTTPStatus.NOT_FOUND
    assert "tasks done" not in client.get(en("plans_public:county_plans", county.code)).content.decode()
    assert "tasks done" not in client.get(county.get_absolute_url()).content.decode()


def test_a_plan_that_does_not_exist_is_not_found(client):
    assert client.get(en("plans_public:plan_detail", 999999)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(en("plans_public:county_plans", "nope")).status_code == HTTPStatus.NOT_FOUND


def test_the_county_page_shows_each_plans_progress_with_a_link(client, plan):
    with translation.override("en"):
        page = client.get(plan.rollout.county.get_absolute_url()).content.decode()

    assert f'<a href="{en("plans_public:plan_detail", plan.pk)}">2 / 6 tasks done, 1 overdue</a>' in page
    assert en("plans_public:county_plans", plan.rollout.county.code) in page


def test_the_county_timeline_shows_running_plans_only(client, plan, guide, own_county, people):
    ended = RolloutFactory(county=own_county, process=guide, status=RolloutStatus.ENDED, ended_on=D(2026, 5, 1))
    plan_create(rollout=ended, user=people["editor"])

    page = client.get(en("plans_public:county_plans", own_county.code)).content.decode()

    assert page.count('<g class="timeline-row') == 1
    assert str(plan.rollout.module.name_en or plan.rollout.module.name_fi) in page
    assert "⚠ 1" in page  # B overdue
    assert "Olli Omistaja" not in page


def _plan_with(count, county, editor):
    guide = ProcessDescriptionFactory(county=county)
    phase = PhaseFactory(process=guide)
    for number in range(count - 1):
        StepFactory(phase=phase, order=number, title=f"Vaihe {number}", offset_days=-number, estimated_days=2)
    publish(guide)
    rollout = RolloutFactory(county=county, process=guide, pilot_start=PILOT_START, go_live=GO_LIVE)
    return plan_create(rollout=rollout, user=editor)


def _queries(client, path):
    client.get(path)  # the session, the permissions and the like warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == HTTPStatus.OK
    return len(queries)


# The plan with its rollout and guide, its tasks, its dates.
PUBLIC_PLAN_QUERIES = 3
# The county; its plans with their counts.
COUNTY_TIMELINE_QUERIES = 2


@pytest.fixture
def uncached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def test_the_public_plan_page_needs_as_many_queries_for_100_tasks_as_for_10(client, own_county, people, uncached):
    small, large = (_plan_with(count, own_county, people["editor"]) for count in (10, 100))

    counts = [_queries(client, en("plans_public:plan_detail", plan.pk)) for plan in (small, large)]

    assert counts == [PUBLIC_PLAN_QUERIES, PUBLIC_PLAN_QUERIES]


def test_the_county_timelines_need_as_many_queries_for_20_plans_as_for_2(
    client, own_county, other_county, people, uncached
):
    for _ in range(2):
        _plan_with(5, other_county, people["other_editor"])
    for _ in range(20):
        _plan_with(5, own_county, people["editor"])
    public = [_queries(client, en("plans_public:county_plans", county.code)) for county in (other_county, own_county)]
    superuser = get_user_model().objects.create_superuser("paakayttaja", password="x")
    client.force_login(superuser)
    url = reverse("admin:plans_rolloutplan_county_timeline")
    admin = [_queries(client, f"{url}?county={county.code}") for county in (other_county, own_county)]

    assert public == [COUNTY_TIMELINE_QUERIES, COUNTY_TIMELINE_QUERIES]
    assert admin[0] == admin[1]


def test_an_editor_sees_the_timeline_of_their_own_county_only(client, plan, other_county, people):
    client.force_login(people["editor"])
    url = reverse("admin:plans_rolloutplan_county_timeline")

    own = client.get(url)
    foreign = client.get(f"{url}?county={other_county.code}")

    assert own.status_code == HTTPStatus.OK
    assert [shown.pk for shown in own.context["timeline"].plans] == [plan.pk]
    assert "Olli Omistaja" not in own.content.decode()  # a plan's bar, not its tasks
    assert foreign.status_code == HTTPStatus.NOT_FOUND
