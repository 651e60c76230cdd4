"""The plans in the admin, as an editor uses them: the plan's page, its actions, the task form, the lists."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.admin import KEPT_BY_HAND, OVERDUE, PLAN_MADE
from plans.exporting import COLUMNS
from plans.models import RolloutPlan, TaskKind, TaskStatus
from plans.services import (
    GO_LIVE_BEFORE_PILOT,
    GO_NO_GO_NEEDS_PUBLISHER,
    plan_create,
    plan_feed_token_renew,
    task_update,
)
from plans.tests.conftest import publish
from processes.models import StepAnchor
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, RolloutFactory, StepFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def change_url(plan):
    return reverse("admin:plans_rolloutplan_change", args=[plan.pk])


def posted(response) -> dict:
    """The plan's change form and its inlines as a browser posts them."""
    data = {}
    forms_to_post = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_to_post += [inline.formset.management_form, *inline.formset.forms]
    for form in forms_to_post:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form[name].html_name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


@pytest.fixture
def editor_client(client, people):
    client.force_login(people["editor"])
    return client


@pytest.fixture
def plan(rollout, people):
    return plan_create(rollout=rollout, user=people["editor"])


def test_moving_go_live_on_the_plans_page_recomputes_its_open_tasks(editor_client, plan, people):
    task_update(task=plan.tasks.get(title="E"), user=people["editor"], due=D(2026, 6, 3), planned_start=D(2026, 6, 3))
    page = editor_client.get(change_url(plan))
    data = posted(page)
    go_live_index = next(
        index
        for index, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms)
        if form.instance.kind == StepAnchor.GO_LIVE
    )
    data[f"anchors-{go_live_index}-date"] = "2026-06-15"

    response = editor_client.post(change_url(plan), data)

    assert response.status_code == HTTPStatus.FOUND
    due = dict(plan.tasks.values_list("title", "due"))
    assert (due["A"], due["E"], due["Go/no-go-päätös"]) == (D(2026, 5, 18), D(2026, 6, 3), D(2026, 6, 11))
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert str(KEPT_BY_HAND).format(tasks="E") in shown
    plan.rollout.refresh_from_db()
    assert plan.rollout.go_live == D(2026, 6, 15)


def test_a_pilot_after_go_live_is_refused_on_the_form_and_nothing_moves(editor_client, plan):
    page = editor_client.get(change_url(plan))
    data = posted(page)
    for index, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms):
        if form.instance.kind == StepAnchor.PILOT_START:
            data[f"anchors-{index}-date"] = "2026-07-01"

    response = editor_client.post(change_url(plan), data)

    assert response.status_code == HTTPStatus.OK
    assert str(GO_LIVE_BEFORE_PILOT) in response.content.decode()
    assert plan.anchors.get(kind=StepAnchor.PILOT_START).date == D(2026, 5, 4)


def test_the_go_no_go_decision_needs_a_publisher_on_the_task_form(client, plan, people):
    decision = plan.tasks.get(kind=TaskKind.GO_NO_GO)
    url = reverse("admin:plans_plantask_change", args=[decision.pk])
    client.force_login(people["editor"])
    data = {
        "status": TaskStatus.DONE,
        "done_on": "2026-06-04",
        "owner_name": "",
        "owner_role": "",
        "notes": "",
        "lesson": "",
    }

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert str(GO_NO_GO_NEEDS_PUBLISHER) in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == TaskStatus.NOT_STARTED

    client.force_login(people["publisher"])
    response = client.post(url, {**data, "lesson": "Päätös viikkoa aiemmin antoi aikaa korjauksille."})
    assert response.status_code == HTTPStatus.FOUND
    decision.refresh_from_db()
    assert (decision.status, decision.done_on, decision.signed_off_by) == (
        TaskStatus.DONE,
        D(2026, 6, 4),
        people["publisher"],
    )
    assert decision.lesson == "Päätös viikkoa aiemmin antoi aikaa korjauksille."


def test_a_date_set_on_the_task_form_is_marked_set_by_hand(editor_client, plan, people):
    task = plan.tasks.get(title="B")
    data = {
        "status": TaskStatus.IN_PROGRESS,
        "planned_start": "2026-05-06",
        "due": "2026-05-12",
        "owner": people["editor"].pk,
        "owner_name": "",
        "owner_role": "",
        "notes": "Aloitettu",
        "lesson": "",
    }

    response = editor_client.post(reverse("admin:plans_plantask_change", args=[task.pk]), data)

    assert response.status_code == HTTPStatus.FOUND
    task.refresh_from_db()
    assert (task.due, task.date_set_by_hand, task.owner, task.status) == (
        D(2026, 5, 12),
        True,
        people["editor"],
        TaskStatus.IN_PROGRESS,
    )
    assert task.started_on == timezone.localdate()


def test_the_overdue_list_shows_the_open_tasks_past_their_due_date(editor_client, plan, people):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for title in ("A", "B"):
        task_update(task=plan.tasks.get(title=title), user=people["editor"], planned_start=yesterday, due=yesterday)
    task_update(task=plan.tasks.get(title="B"), user=people["editor"], status=TaskStatus.SKIPPED)

    response = editor_client.get(reverse("admin:plans_plantask_changelist") + "?deadline=overdue")

    assert response.status_code == HTTPStatus.OK
    # Today is after the plan's go-live in June 2026: D, E and the decision are overdue too, by due date.
    assert [task.title for task in response.context["cl"].result_list] == ["D", "E", "Go/no-go-päätös", "A"]
    assert str(OVERDUE) in response.content.decode()


def test_make_a_plan_is_an_action_on_the_rollouts_list(editor_client, rollout, own_county):
    without_guide = RolloutFactory(county=own_county, process=None)
    response = editor_client.post(
        reverse("admin:processes_rollout_changelist"),
        {"action": "make_plans", "_selected_action": [rollout.pk, without_guide.pk]},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert RolloutPlan.objects.filter(rollout=rollout).exists()
    assert not RolloutPlan.objects.filter(rollout=without_guide).exists()
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Suunnitelma tehtiin 1 käyttöönotolle." in shown


def test_the_plan_downloads_as_xlsx(editor_client, plan, people):
    task_update(
        task=plan.tasks.get(title="A"), user=people["editor"], owner_name="Maija Meikäläinen", owner_role="pääkäyttäjä"
    )

    response = editor_client.get(reverse("admin:plans_rolloutplan_xlsx", args=[plan.pk]))

    assert response.status_code == HTTPStatus.OK
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(str(column) for column in COLUMNS)
    assert rows[0][:7] == ("vaihe", "tehtävä", "vastuurooli", "vastuuhenkilö", "tila", "suunniteltu alku", "erääntyy")
    assert rows[1][:7] == (
        "Suunnittelu",
        "A",
        "pääkäyttäjä",
        "Maija Meikäläinen, pääkäyttäjä",
        "ei aloitettu",
        datetime.datetime(2026, 5, 4),
        datetime.datetime(2026, 5, 8),
    )
    assert rows[3][5:7] == (None, None)  # C waits for its coaching date: empty, not zero
    assert len(rows) == 7


def test_a_new_calendar_address_is_shown_once_and_the_old_one_stops(editor_client, plan, people, client):
    old = plan_feed_token_renew(plan=plan, user=people["editor"])

    response = editor_client.post(reverse("admin:plans_rolloutplan_feed", args=[plan.pk]))

    assert response.status_code == HTTPStatus.FOUND
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    new_url = message.rsplit(" ", 1)[1]
    assert new_url.startswith("http://testserver/plans/feed/")
    assert client.get(new_url.removeprefix("http://testserver")).status_code == HTTPStatus.OK
    assert client.get(reverse("plans:feed", args=[old])).status_code == HTTPStatus.NOT_FOUND
    assert new_url in editor_client.get(change_url(plan)).content.decode()
    assert new_url not in editor_client.get(change_url(plan)).content.decode()


def test_another_countys_editor_gets_404_and_changes_nothing(client, plan, people):
    token = plan_feed_token_renew(plan=plan, user=people["editor"])
    stored = RolloutPlan.objects.get(pk=plan.pk).feed_token_hash
    client.force_login(people["other_editor"])

    for url in (
        change_url(plan),
        reverse("admin:plans_rolloutplan_xlsx", args=[plan.pk]),
        reverse("admin:plans_rolloutplan_pull", args=[plan.pk]),
        reverse("admin:plans_plantask_change", args=[plan.tasks.first().pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert client.post(reverse("admin:plans_rolloutplan_feed", args=[plan.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("admin:plans_rolloutplan_pull", args=[plan.pk])).status_code == HTTPStatus.NOT_FOUND
    assert RolloutPlan.objects.get(pk=plan.pk).feed_token_hash == stored
    assert client.get(reverse("plans:feed", args=[token])).status_code == HTTPStatus.OK
    listed = client.get(reverse("admin:plans_plantask_changelist"))
    assert listed.context["cl"].result_count == 0


def test_pull_shows_what_changes_before_it_changes_anything(editor_client, plan, guide):
    StepFactory(phase=guide.phases.get(order=1), order=3, title="Uusi askel", offset_days=-15, estimated_days=1)
    publish(guide)

    preview = editor_client.get(reverse("admin:plans_rolloutplan_pull", args=[plan.pk]))
    assert preview.status_code == HTTPStatus.OK
    assert "Uusi askel" in preview.content.decode()
    assert not plan.tasks.filter(title="Uusi askel").exists()

    response = editor_client.post(reverse("admin:plans_rolloutplan_pull", args=[plan.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert plan.tasks.get(title="Uusi askel").due == D(2026, 5, 18)


def _plan_with_steps(county, editor, count):
    process = ProcessDescriptionFactory(county=county)
    phase = PhaseFactory(process=process, order=1)
    for number in range(count - 1):
        StepFactory(phase=phase, order=number, offset_days=-number, estimated_days=1)
    publish(process)
    plan = plan_create(rollout=RolloutFactory(county=county, process=process, go_live=D(2026, 6, 8)), user=editor)
    for task in plan.tasks.all()[:3]:
        task_update(task=task, user=editor, owner=editor)
    assert plan.tasks.count() == count
    return plan


def test_the_plans_page_needs_as_many_queries_for_100_tasks_as_for_10(editor_client, own_county, people):
    small, large = (_plan_with_steps(own_county, people["editor"], count) for count in (10, 100))
    editor_client.get(change_url(small))  # sessions, permissions and the like warm up

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as for_small:
        assert editor_client.get(change_url(small)).status_code == HTTPStatus.OK
    with CaptureQueriesContext(connection) as for_large:
        assert editor_client.get(change_url(large)).status_code == HTTPStatus.OK
    assert len(for_large) == len(for_small)
    assert len(for_small) == PLAN_PAGE_QUERIES


# The plan with its counts, its dates (the form's and the timeline's), its tasks, its phases' lessons;
# the session, user and scoping.
PLAN_PAGE_QUERIES = 16


def test_adding_a_rollout_that_follows_a_published_guide_makes_its_plan(editor_client, guide, own_county):
    from processes.tests.factories import ContentModuleFactory

    module = ContentModuleFactory()
    add_url = reverse("admin:processes_rollout_add")
    assert "make_plan" in editor_client.get(add_url).context["adminform"].form.fields
    data = {
        "county": own_county.pk,
        "module": module.pk,
        "process": guide.pk,
        "status": "planned",
        "pilot_start": "2026-05-04",
        "go_live": "2026-06-08",
        "make_plan": "on",
        "notes": "",
    }

    response = editor_client.post(add_url, data)

    assert response.status_code == HTTPStatus.FOUND
    plan = RolloutPlan.objects.get(rollout__module=module)
    assert plan.tasks.get(title="A").due == D(2026, 5, 8)
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert str(PLAN_MADE).format(rollout=plan.rollout) in shown


def test_a_rollout_added_without_the_offer_has_no_plan(editor_client, guide, own_county):
    from processes.tests.factories import ContentModuleFactory

    module = ContentModuleFactory()
    data = {"county": own_county.pk, "module": module.pk, "process": guide.pk, "status": "planned", "notes": ""}

    response = editor_client.post(reverse("admin:processes_rollout_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    assert not RolloutPlan.objects.filter(rollout__module=module).exists()
