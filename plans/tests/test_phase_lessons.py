"""Lessons per phase: written on the plan's admin page once every task of the phase is done or skipped.

The conftest guide: phase "Suunnittelu" (A, B) and phase "Koulutus" (C, D, E). Closing A and B
makes "Suunnittelu" done; "Koulutus" stays open until C, D and E are done or skipped.
"""

import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from plans.admin import LESSON_SAVED
from plans.models import LESSON_MAX_LENGTH, PlanPhaseDuration, PlanPhaseLesson, TaskStatus
from plans.services import (
    LESSON_EMPTY,
    LESSON_TOO_LONG,
    PHASE_STILL_OPEN,
    UNKNOWN_PHASE,
    phase_lesson_write,
    plan_create,
    task_complete,
    task_update,
)
from regions.scoping import FOREIGN_COUNTY_ERROR

pytestmark = pytest.mark.django_db

D = datetime.date
LESSON = "Sovi pääkäyttäjien tuki ennen kuin suunnittelu alkaa."


@pytest.fixture
def plan(rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])
    for title in ("A", "B"):
        task_complete(task=plan.tasks.get(title=title), user=people["editor"], done_on=D(2026, 5, 8))
    return plan


def phase_id(plan, title):
    return next(phase["id"] for phase in plan.source_version.snapshot["phases"] if phase["title"] == title)


def lesson_url(plan):
    return reverse("admin:plans_rolloutplan_lesson", args=[plan.pk])


def change_url(plan):
    return reverse("admin:plans_rolloutplan_change", args=[plan.pk])


def still_open(phase, count):
    with translation.override("fi"):
        return str(PHASE_STILL_OPEN % {"phase": phase, "count": count})


# --- the service -----------------------------------------------------------------------------------


def test_a_done_phase_takes_a_lesson_and_a_change_of_it_keeps_one_row_with_its_history(plan, people):
    first = phase_lesson_write(
        plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson=f"  {LESSON}\n", user=people["editor"]
    )
    changed = phase_lesson_write(
        plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson="Toinen oppi.", user=people["publisher"]
    )

    assert changed.pk == first.pk
    stored = PlanPhaseLesson.objects.get()
    assert (stored.phase_title, stored.lesson, stored.written_by) == (
        "Suunnittelu",
        "Toinen oppi.",
        people["publisher"],
    )
    assert [state.lesson for state in stored.history.order_by("history_date")] == [LESSON, "Toinen oppi."]


def test_an_open_phase_refuses_its_lesson_and_says_how_many_tasks_are_open(plan, people):
    with pytest.raises(ValidationError) as refused:
        phase_lesson_write(plan=plan, source_phase_id=phase_id(plan, "Koulutus"), lesson=LESSON, user=people["editor"])
    assert refused.value.messages == [still_open("Koulutus", 3)]
    assert refused.value.messages[0].startswith("Vaiheessa ”Koulutus” on vielä 3 avointa tehtävää:")

    task_update(task=plan.tasks.get(title="C"), user=people["editor"], status=TaskStatus.SKIPPED)
    task_complete(task=plan.tasks.get(title="D"), user=people["editor"], done_on=D(2026, 5, 8))
    with pytest.raises(ValidationError) as refused:
        phase_lesson_write(plan=plan, source_phase_id=phase_id(plan, "Koulutus"), lesson=LESSON, user=people["editor"])
    assert refused.value.messages == [still_open("Koulutus", 1)]
    assert refused.value.messages[0].startswith("Vaiheessa ”Koulutus” on vielä 1 avoin tehtävä:")
    with translation.override("en"):
        assert str(PHASE_STILL_OPEN % {"phase": "Koulutus", "count": 1}).startswith(
            "The phase “Koulutus” still has 1 open task: its lesson"
        )
    assert not PlanPhaseLesson.objects.exists()


def test_bad_lessons_are_refused(plan, people):
    done = phase_id(plan, "Suunnittelu")
    for lesson, message in [
        (" \n ", str(LESSON_EMPTY)),
        ("x" * (LESSON_MAX_LENGTH + 1), str(LESSON_TOO_LONG % {"max": 2000, "length": 2001})),
    ]:
        with pytest.raises(ValidationError) as refused:
            phase_lesson_write(plan=plan, source_phase_id=done, lesson=lesson, user=people["editor"])
        assert refused.value.messages == [message]
    with pytest.raises(ValidationError) as refused:
        phase_lesson_write(plan=plan, source_phase_id=999_999, lesson=LESSON, user=people["editor"])
    assert refused.value.messages == [str(UNKNOWN_PHASE)]
    phase_lesson_write(plan=plan, source_phase_id=done, lesson="x" * LESSON_MAX_LENGTH, user=people["editor"])
    assert len(PlanPhaseLesson.objects.get().lesson) == 2000


def test_another_countys_editor_cannot_write_a_lesson(plan, people):
    with pytest.raises(PermissionDenied) as refused:
        phase_lesson_write(
            plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson=LESSON, user=people["other_editor"]
        )

    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    assert not PlanPhaseLesson.objects.exists()


def test_a_lesson_outlives_the_plan_reopening_which_forgets_its_durations(plan, people):
    for title in ("C", "D", "E"):
        task_update(task=plan.tasks.get(title=title), user=people["editor"], status=TaskStatus.SKIPPED)
    task_complete(task=plan.tasks.get(kind="go_no_go"), user=people["publisher"], done_on=D(2026, 6, 4))
    assert PlanPhaseDuration.objects.filter(plan=plan).exists()
    phase_lesson_write(plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson=LESSON, user=people["editor"])

    task_update(task=plan.tasks.get(title="B"), user=people["editor"], status=TaskStatus.IN_PROGRESS)

    assert not PlanPhaseDuration.objects.filter(plan=plan).exists()
    assert list(PlanPhaseLesson.objects.values_list("lesson", flat=True)) == [LESSON]
    with pytest.raises(ValidationError):  # open again: the lesson waits, as it is
        phase_lesson_write(plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson="X", user=people["editor"])
    assert list(PlanPhaseLesson.objects.values_list("lesson", flat=True)) == [LESSON]


# --- the plan's admin page -------------------------------------------------------------------------


def test_the_plans_page_offers_a_form_on_the_done_phase_and_says_why_the_open_one_waits(client, plan, people):
    client.force_login(people["editor"])

    page = client.get(change_url(plan))

    items = {item.title: item for item in page.context["phase_lessons"]}
    assert items["Suunnittelu"].form is not None
    assert items["Koulutus"].form is None
    html = page.content.decode()
    assert f'form="phase-lesson-{phase_id(plan, "Suunnittelu")}"' in html
    assert f'<form id="phase-lesson-{phase_id(plan, "Suunnittelu")}" method="post"' in html
    assert f'<form id="phase-lesson-{phase_id(plan, "Koulutus")}"' not in html
    assert still_open("Koulutus", 3) in html
    # The lesson's forms follow the change form, never inside it (a nested form is dropped).
    assert html.index(f'<form id="phase-lesson-{phase_id(plan, "Suunnittelu")}"') > html.index("</form>")


def test_posting_the_form_saves_the_lesson_and_returns_to_the_plan(client, plan, people):
    client.force_login(people["editor"])

    response = client.post(lesson_url(plan), {"phase": phase_id(plan, "Suunnittelu"), "lesson": LESSON})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{change_url(plan)}#phase-lessons"
    with translation.override("fi"):
        assert [str(message) for message in get_messages(response.wsgi_request)] == [
            str(LESSON_SAVED).format(phase="Suunnittelu")
        ]
    lesson = PlanPhaseLesson.objects.get()
    assert (lesson.lesson, lesson.written_by) == (LESSON, people["editor"])
    page = client.get(change_url(plan)).content.decode()
    assert f"{LESSON}</textarea>" in page


def test_a_lesson_posted_on_an_open_phase_is_refused_with_the_text_kept(client, plan, people):
    client.force_login(people["editor"])

    response = client.post(lesson_url(plan), {"phase": phase_id(plan, "Koulutus"), "lesson": LESSON})

    assert response.status_code == HTTPStatus.OK
    assert still_open("Koulutus", 3) in response.content.decode()
    assert not PlanPhaseLesson.objects.exists()


def test_a_too_long_lesson_is_refused_on_the_form_with_the_text_kept(client, plan, people):
    client.force_login(people["editor"])
    text = "y" * (LESSON_MAX_LENGTH + 1)

    response = client.post(lesson_url(plan), {"phase": phase_id(plan, "Suunnittelu"), "lesson": text})

    assert response.status_code == HTTPStatus.OK
    assert response.context["item"].form.errors["lesson"] == [
        "Tämän arvon tulee olla enintään 2000 merkkiä pitkä (tällä hetkellä 2001)."
    ]
    assert f"{text}</textarea>" in response.content.decode()
    assert not PlanPhaseLesson.objects.exists()


def test_a_phase_the_plan_does_not_have_answers_404(client, plan, people):
    client.force_login(people["editor"])

    assert client.get(lesson_url(plan), {"phase": "999999"}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(lesson_url(plan), {"phase": "kaikki", "lesson": LESSON}).status_code == HTTPStatus.NOT_FOUND


def test_another_countys_editor_gets_404_on_the_lesson_and_writes_nothing(client, plan, people):
    client.force_login(people["other_editor"])
    data = {"phase": phase_id(plan, "Suunnittelu"), "lesson": LESSON}

    assert client.get(lesson_url(plan), {"phase": data["phase"]}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(lesson_url(plan), data).status_code == HTTPStatus.NOT_FOUND
    assert not PlanPhaseLesson.objects.exists()


def test_a_viewer_without_change_permission_reads_the_lesson_but_cannot_write_one(
    client, plan, people, own_county, django_user_model
):
    phase_lesson_write(plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson=LESSON, user=people["editor"])
    viewer = django_user_model.objects.create_user("katselija", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_rolloutplan"))
    own_county.editors.add(viewer)
    client.force_login(viewer)

    page = client.get(change_url(plan))
    posted = client.post(lesson_url(plan), {"phase": phase_id(plan, "Suunnittelu"), "lesson": "Kaapattu."})

    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert LESSON in html
    assert 'form="phase-lesson-' not in html
    assert posted.status_code == HTTPStatus.FORBIDDEN
    assert list(PlanPhaseLesson.objects.values_list("lesson", flat=True)) == [LESSON]


def test_the_xlsx_has_a_sheet_of_the_phases_lessons(client, plan, people):
    people["editor"].first_name, people["editor"].last_name = "Eeva", "Editori"
    people["editor"].save()
    written = phase_lesson_write(
        plan=plan, source_phase_id=phase_id(plan, "Suunnittelu"), lesson=LESSON, user=people["editor"]
    )
    client.force_login(people["editor"])

    response = client.get(reverse("admin:plans_rolloutplan_xlsx", args=[plan.pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Suunnitelma", "Vaiheiden opit"]
    rows = list(workbook["Vaiheiden opit"].iter_rows(values_only=True))
    day = timezone.localtime(written.written_at).date()
    assert rows == [
        ("vaihe", "opittua", "kirjoitettu", "kirjoittaja"),
        ("Suunnittelu", LESSON, datetime.datetime(day.year, day.month, day.day), "Eeva Editori"),
    ]
