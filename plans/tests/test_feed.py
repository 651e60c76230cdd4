"""The plan's calendar feed, fetched as a calendar client does and parsed back with icalendar."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from icalendar import Calendar

from plans.models import TaskStatus
from plans.services import plan_create, plan_feed_token_renew, task_complete, task_update
from processes.tests.factories import RolloutFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def feed_url(token):
    return reverse("plans:feed", args=[token])


@pytest.fixture
def plan(rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])
    task_complete(task=plan.tasks.get(title="D"), user=people["editor"], done_on=D(2026, 5, 27))
    task_update(
        task=plan.tasks.get(title="A"), user=people["editor"], status=TaskStatus.IN_PROGRESS, owner=people["editor"]
    )
    return plan


def test_the_feed_has_a_todo_a_task_and_an_event_a_dated_anchor(client, plan, people):
    token = plan_feed_token_renew(plan=plan, user=people["editor"])

    response = client.get(feed_url(token))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    todos = {str(todo["summary"]): todo for todo in calendar.walk("VTODO")}
    assert sorted(todos) == ["A", "B", "C", "D", "E", "Go/no-go-päätös"]
    assert todos["A"].decoded("due") == D(2026, 5, 8)
    assert todos["A"].decoded("dtstart") == D(2026, 5, 4)
    assert (str(todos["A"]["status"]), int(todos["A"]["percent-complete"])) == ("IN-PROCESS", 50)
    assert (str(todos["D"]["status"]), int(todos["D"]["percent-complete"])) == ("COMPLETED", 100)
    assert (str(todos["B"]["status"]), int(todos["B"]["percent-complete"])) == ("NEEDS-ACTION", 0)
    assert "due" not in todos["C"]
    assert "Vastuuhenkilö: editori" in str(todos["A"]["description"])
    events = sorted(
        (event.decoded("dtstart"), str(event["summary"]).split(":")[0]) for event in calendar.walk("VEVENT")
    )
    assert events == [(D(2026, 5, 4), "pilotin alku"), (D(2026, 6, 8), "käyttöönotto")]
    uids = [str(component["uid"]) for component in calendar.walk() if "uid" in component]
    assert len(set(uids)) == 8

    again = Calendar.from_ical(client.get(feed_url(token)).content)
    assert [str(c["uid"]) for c in again.walk() if "uid" in c] == uids
    assert [c.decoded("dtstamp") for c in again.walk("VTODO")] == [c.decoded("dtstamp") for c in calendar.walk("VTODO")]


def test_a_wrong_or_revoked_token_is_not_found_and_a_token_opens_only_its_plan(client, plan, people, own_county):
    first = plan_feed_token_renew(plan=plan, user=people["editor"])
    second = plan_feed_token_renew(plan=plan, user=people["editor"])
    other_rollout = RolloutFactory(
        county=own_county, process=plan.rollout.process, go_live=D(2026, 9, 7), pilot_start=None
    )
    other_plan = plan_create(rollout=other_rollout, user=people["editor"])
    other_token = plan_feed_token_renew(plan=other_plan, user=people["editor"])

    assert client.get(feed_url(first)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(feed_url("x" * 43)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(feed_url(second)).status_code == HTTPStatus.OK
    other = Calendar.from_ical(client.get(feed_url(other_token)).content)
    assert {str(todo["uid"]).split("-task-")[0] for todo in other.walk("VTODO")} == {f"plan-{other_plan.pk}"}
    plan.refresh_from_db()
    assert second not in plan.feed_token_hash
    assert len(plan.feed_token_hash) == 64


def test_the_feed_never_needs_a_login_and_refuses_a_post(client, plan, people):
    token = plan_feed_token_renew(plan=plan, user=people["editor"])
    assert client.post(feed_url(token)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_feed_answers_in_a_fixed_number_of_queries(client, plan, people, django_assert_num_queries):
    token = plan_feed_token_renew(plan=plan, user=people["editor"])
    # The plan by its token, its dated anchors, its tasks with their owners.
    with django_assert_num_queries(3):
        client.get(feed_url(token))
