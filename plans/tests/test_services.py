"""Making, pulling and rescheduling plans, and closing tasks: the dates hand-counted on the 2026 calendar."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.dateformat import format as date_format

from plans.models import PlanTask, TaskKind, TaskStatus
from plans.services import (
    GO_NO_GO_NEEDS_PUBLISHER,
    NO_PUBLISHED_GUIDE,
    NOTHING_TO_PULL,
    PLAN_EXISTS,
    STEP_REMOVED_NOTE,
    TASK_ALREADY_CLOSED,
    plan_create,
    plan_pull,
    plan_reschedule,
    task_complete,
    task_update,
)
from plans.tests.conftest import COACHING, publish
from processes.models import Step, StepAnchor
from processes.tests.factories import RolloutFactory, StepFactory
from regions.scoping import FOREIGN_COUNTY_ERROR

pytestmark = pytest.mark.django_db

D = datetime.date


def dates(plan):
    return {task.title: (task.planned_start, task.due) for task in plan.tasks.order_by("order")}


def test_plan_create_copies_the_published_steps_with_dates_in_working_days(rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])

    assert dates(plan) == {
        # 20 working days before Mon 8.6.: Ascension Day (Thu 14.5.) is skipped; 5 days, so from Mon 4.5.
        "A": (D(2026, 5, 4), D(2026, 5, 8)),
        # 3 working days after the pilot starts on Mon 4.5.
        "B": (D(2026, 5, 6), D(2026, 5, 7)),
        # The coaching session has no date yet: the task waits.
        "C": (None, None),
        "D": (D(2026, 5, 25), D(2026, 5, 25)),
        "E": (D(2026, 6, 1), D(2026, 6, 1)),
        "Go/no-go-päätös": (D(2026, 6, 4), D(2026, 6, 4)),
    }
    go_no_go = plan.tasks.get(kind=TaskKind.GO_NO_GO)
    assert go_no_go.responsible_role == "steering_group"
    assert "Julkaisija kuittaa: go tai no go" in go_no_go.checklist
    copied = plan.tasks.get(title="C")
    assert (copied.phase_title, copied.responsible_role, copied.output) == (
        "Koulutus",
        "trainer",
        "Sovittu suunnitelma",
    )
    assert copied.checklist == "Nimeä vastuuhenkilö\nSovi aikataulu"
    assert set(plan.tasks.values_list("status", flat=True)) == {TaskStatus.NOT_STARTED}
    assert plan.source_version == rollout.process.published_version
    assert plan.history.count() == 1
    assert PlanTask.history.count() == 6


def test_a_named_anchor_on_midsummer_eve_makes_the_task_due_the_next_working_day(rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])
    coaching = plan.anchors.get(kind=StepAnchor.NAMED, name=COACHING)

    result = plan_reschedule(plan=plan, anchor=coaching, date=D(2026, 6, 19), user=people["editor"])

    assert result.moved == 1
    assert dates(plan)["C"] == (D(2026, 6, 22), D(2026, 6, 22))


def test_moving_go_live_recomputes_open_tasks_and_keeps_done_and_hand_set_ones(rollout, people):
    editor = people["editor"]
    plan = plan_create(rollout=rollout, user=editor)
    task_complete(task=plan.tasks.get(title="D"), user=editor, done_on=D(2026, 5, 27))
    task_update(task=plan.tasks.get(title="E"), user=editor, due=D(2026, 6, 3), planned_start=D(2026, 6, 3))
    go_live = plan.anchors.get(kind=StepAnchor.GO_LIVE)

    result = plan_reschedule(plan=plan, anchor=go_live, date=D(2026, 6, 15), user=editor)

    assert dates(plan) == {
        "A": (D(2026, 5, 11), D(2026, 5, 18)),
        "B": (D(2026, 5, 6), D(2026, 5, 7)),
        "C": (None, None),
        "D": (D(2026, 5, 25), D(2026, 5, 25)),
        "E": (D(2026, 6, 3), D(2026, 6, 3)),
        "Go/no-go-päätös": (D(2026, 6, 11), D(2026, 6, 11)),
    }
    assert (result.moved, result.kept_by_hand) == (2, ["E"])
    done = plan.tasks.get(title="D")
    assert (done.status, done.done_on, done.actual_days) == (TaskStatus.DONE, D(2026, 5, 27), 3)
    rollout.refresh_from_db()
    assert rollout.go_live == D(2026, 6, 15)


def test_a_later_edit_of_the_guide_leaves_the_plan_until_an_explicit_pull(rollout, people, guide):
    editor = people["editor"]
    plan = plan_create(rollout=rollout, user=editor)
    task_complete(task=plan.tasks.get(title="A"), user=editor, done_on=D(2026, 5, 8))
    Step.objects.filter(title="E").update(title="E (uusi)", offset_days=-3)
    Step.objects.filter(title="A").update(title="A (uusi)")
    Step.objects.filter(title="B").delete()
    StepFactory(phase=guide.phases.get(order=2), order=4, title="F", offset_days=0, estimated_days=1)

    assert sorted(plan.tasks.values_list("title", flat=True)) == ["A", "B", "C", "D", "E", "Go/no-go-päätös"]
    with pytest.raises(ValidationError) as refused:
        plan_pull(plan=plan, user=editor)
    assert refused.value.messages == [str(NOTHING_TO_PULL)]

    publish(guide)
    preview = plan_pull(plan=plan, user=editor)
    assert (preview.added, preview.updated, preview.skipped, preview.kept_done) == (["F"], ["E (uusi)"], ["B"], ["A"])
    assert sorted(plan.tasks.values_list("title", flat=True)) == ["A", "B", "C", "D", "E", "Go/no-go-päätös"]

    plan_pull(plan=plan, user=editor, apply=True)

    tasks = {task.title: task for task in plan.tasks.all()}
    assert sorted(tasks) == ["A", "B", "C", "D", "E (uusi)", "F", "Go/no-go-päätös"]
    assert tasks["E (uusi)"].due == D(2026, 6, 3)  # 3 working days before Mon 8.6.
    assert tasks["F"].due == D(2026, 6, 8)
    assert tasks["B"].status == TaskStatus.SKIPPED
    assert tasks["B"].notes == str(STEP_REMOVED_NOTE).format(date=date_format(timezone.localdate(), "j.n.Y"))
    assert tasks["A"].status == TaskStatus.DONE
    plan.refresh_from_db()
    assert plan.source_version == guide.published_version


def test_the_go_no_go_decision_is_signed_off_by_a_publisher(rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])
    decision = plan.tasks.get(kind=TaskKind.GO_NO_GO)

    with pytest.raises(PermissionDenied) as refused:
        task_complete(task=decision, user=people["editor"])
    assert str(refused.value) == str(GO_NO_GO_NEEDS_PUBLISHER)

    task_complete(task=decision, user=people["publisher"], done_on=D(2026, 6, 4))
    decision.refresh_from_db()
    assert (decision.status, decision.signed_off_by) == (TaskStatus.DONE, people["publisher"])
    with pytest.raises(ValidationError) as again:
        task_complete(task=decision, user=people["publisher"])
    assert again.value.messages == [str(TASK_ALREADY_CLOSED)]


def test_the_plan_finishes_with_its_last_task_and_stores_actual_durations(rollout, people):
    plan = plan_create(rollout=rollout, user=people["publisher"])
    for task in plan.tasks.exclude(title="C"):
        task_complete(task=task, user=people["publisher"], done_on=D(2026, 6, 5))
    plan.refresh_from_db()
    assert plan.finished_on is None

    task_update(task=plan.tasks.get(title="C"), user=people["editor"], status=TaskStatus.SKIPPED)

    plan.refresh_from_db()
    assert plan.finished_on is not None
    # A was planned from Mon 4.5. and done Fri 5.6.: 24 working days (Ascension Day off), both ends counted.
    assert plan.tasks.get(title="A").actual_days == 24


def test_another_countys_editor_changes_nothing(rollout, people):
    with pytest.raises(PermissionDenied) as refused:
        plan_create(rollout=rollout, user=people["other_editor"])
    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    plan = plan_create(rollout=rollout, user=people["editor"])
    task = plan.tasks.get(title="A")
    with pytest.raises(PermissionDenied):
        task_update(task=task, user=people["other_editor"], notes="Kaapattu")
    with pytest.raises(PermissionDenied):
        plan_reschedule(plan=plan, anchor=plan.anchors.first(), date=D(2027, 1, 4), user=people["other_editor"])
    task.refresh_from_db()
    assert task.notes == ""


def test_a_plan_needs_a_published_guide_and_is_made_once(rollout, people, own_county):
    without_guide = RolloutFactory(county=own_county, process=None)
    with pytest.raises(ValidationError) as refused:
        plan_create(rollout=without_guide, user=people["editor"])
    assert refused.value.messages == [str(NO_PUBLISHED_GUIDE)]
    plan_create(rollout=rollout, user=people["editor"])
    with pytest.raises(ValidationError) as again:
        plan_create(rollout=rollout, user=people["editor"])
    assert again.value.messages == [str(PLAN_EXISTS)]
