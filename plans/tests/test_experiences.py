"""Experiences from N rollouts: the durations of three ended plans, hand-counted on the March 2025 calendar.

March 2025 has no Finnish public holiday. Every plan follows the conftest guide with its pilot
on Mon 3.3.2025 and go-live on Mon 7.4.2025, so A is planned Tue 4.3.–Mon 10.3. (5 working days
ending 20 before go-live) and B Wed 5.3.–Thu 6.3. (2 days, due 3 after the pilot starts): the
phase "Suunnittelu" is planned 4.3.–10.3., 5 working days. Each team started both on Mon 3.3.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from plans.durations import phase_durations
from plans.experiences import guide_experiences
from plans.models import PlanPhaseDuration, TaskStatus
from plans.services import plan_create, task_complete, task_update
from processes.models import RolloutStatus
from processes.publishing import published_form
from processes.tests.factories import RolloutFactory

pytestmark = pytest.mark.django_db

D = datetime.date
PILOT, GO_LIVE, STARTED = D(2025, 3, 3), D(2025, 4, 7), D(2025, 3, 3)
# A's and B's done dates in each plan, and the actual durations they give (3.3. counted).
DONE = [
    {"A": D(2025, 3, 7), "B": D(2025, 3, 12)},  # A 5, B 8 (3–7, 10–12)
    {"A": D(2025, 3, 11), "B": D(2025, 3, 3)},  # A 7, B 1
    {"A": D(2025, 3, 17), "B": D(2025, 3, 6)},  # A 11, B 4
]
LESSON = "Varaa aikaa ammattilaisten kommenteille."


def ended_plan(guide, county, user, done, *, lesson=""):
    rollout = RolloutFactory(county=county, process=guide, pilot_start=PILOT, go_live=GO_LIVE, status="in_use")
    plan = plan_create(rollout=rollout, user=user)
    for title, done_on in done.items():
        task = plan.tasks.get(title=title)
        task_update(task=task, user=user, started_on=STARTED, notes="Sisäinen: Matti sairaslomalla.")
        task_complete(task=task, user=user, done_on=done_on, lesson=lesson if title == "A" else "")
    for task in plan.tasks.filter(status__in=["NEEDS-ACTION", "IN-PROCESS"]):
        task_update(task=task, user=user, status=TaskStatus.SKIPPED)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def three_ended_plans(guide, own_county, people):
    return [
        ended_plan(guide, own_county, people["editor"], done, lesson=LESSON if number == 1 else "")
        for number, done in enumerate(DONE)
    ]


def test_a_plan_whose_last_task_closes_stores_its_phases_durations(three_ended_plans):
    first = three_ended_plans[0]

    assert first.finished_on == timezone.localdate()  # the day the last open task was skipped
    # Only "Suunnittelu" has tasks not skipped; its actual: 3.3.–12.3. = 8 working days.
    assert list(first.phase_durations.values_list("phase_title", "planned_days", "actual_days", "started_on")) == [
        ("Suunnittelu", 5, 8, D(2025, 3, 3))
    ]


def test_the_experiences_are_the_median_and_range_over_the_three_plans(guide, three_ended_plans, people, own_county):
    running = RolloutFactory(county=own_county, process=guide, pilot_start=PILOT, go_live=GO_LIVE, status="piloting")
    running_plan = plan_create(rollout=running, user=people["editor"])
    late = running_plan.tasks.get(title="A")
    task_update(task=late, user=people["editor"], started_on=D(2025, 1, 2))
    task_complete(task=late, user=people["editor"], done_on=D(2025, 3, 31), lesson="Keskeneräisen suunnitelman oppi.")

    phases = published_form(guide.published_version.snapshot).phases
    experiences = guide_experiences(process=guide, phases=phases)

    assert experiences.rollout_count == 3  # the running plan does not count
    planning, training = experiences.phases
    assert planning["figures"].count == 3
    assert (planning["figures"].planned_median, planning["figures"].actual_median) == (5, 8)
    assert planning["figures"].actual_range == (7, 11)
    step_a, step_b = planning["steps"]
    assert (step_a["figures"].planned_median, step_a["figures"].actual_median, step_a["figures"].actual_range) == (
        5,
        7,
        (5, 11),
    )
    assert (step_b["figures"].planned_median, step_b["figures"].actual_median, step_b["figures"].actual_range) == (
        2,
        4,
        (1, 8),
    )
    assert training["figures"] is None  # every task of "Koulutus" was skipped
    assert [task.lesson for task in experiences.lessons] == [LESSON]


def test_the_guide_page_shows_the_experiences_and_no_notes(client, guide, three_ended_plans):
    with translation.override("en"):
        url = guide.get_absolute_url()

    page = client.get(url).content.decode()

    assert "Experiences from 3 rollouts" in page
    assert '<a href="#experiences">Experiences from 3 rollouts</a>' in page
    assert (
        '<td class="number">5</td>\n<td class="number">7</td>\n<td class="number">5–11</td>\n<td class="number">3</td>'
        in page
    )
    assert LESSON in page
    assert "Matti" not in page


def test_a_guide_no_ended_plan_followed_has_no_experiences_section(client, guide, rollout, people):
    plan_create(rollout=rollout, user=people["editor"])

    page = client.get(reverse("processes:process_detail", kwargs={"slug": guide.slug})).content.decode()

    assert 'id="experiences"' not in page


def test_ending_the_rollout_stores_the_durations_of_what_was_done(guide, rollout, people):
    plan = plan_create(rollout=rollout, user=people["editor"])
    task = plan.tasks.get(title="B")
    task_update(task=task, user=people["editor"], started_on=D(2026, 5, 4))
    task_complete(task=task, user=people["editor"], done_on=D(2026, 5, 8))
    assert not PlanPhaseDuration.objects.exists()

    rollout.status, rollout.ended_on = RolloutStatus.ENDED, D(2026, 6, 30)
    rollout.save()

    # "Suunnittelu": planned 4.5.–8.5. (A), 5 working days; done: B alone, 4.5.–8.5., 5 days.
    # "Koulutus": planned 25.5.–1.6. (D, E; C has no date), 6 working days; nothing done.
    assert list(plan.phase_durations.values_list("phase_title", "planned_days", "actual_days")) == [
        ("Suunnittelu", 5, 5),
        ("Koulutus", 6, None),
    ]


def test_reopening_a_task_of_an_ended_plan_forgets_its_durations_until_it_ends_again(three_ended_plans, people):
    plan = three_ended_plans[0]
    task = plan.tasks.get(title="B")

    task_update(task=task, user=people["editor"], status=TaskStatus.IN_PROGRESS)

    assert not plan.phase_durations.exists()
    task_complete(task=task, user=people["editor"], done_on=D(2025, 3, 14))
    assert list(plan.phase_durations.values_list("actual_days", flat=True)) == [10]


def test_phase_durations_leave_out_skipped_tasks_and_steps_of_other_versions():
    snapshot = {"phases": [{"id": 1, "title": "P", "steps": [{"id": 10}, {"id": 11}]}]}

    class Task:
        def __init__(self, step, status, start, due, done=None):
            self.kind, self.source_step_id, self.status = "step", step, status
            self.planned_start, self.due, self.started_on, self.done_on = start, due, None, done

    tasks = [
        Task(10, TaskStatus.DONE, D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 5)),
        Task(11, TaskStatus.SKIPPED, D(2025, 2, 3), D(2025, 3, 31)),
        Task(99, TaskStatus.DONE, D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 2)),
    ]

    (duration,) = phase_durations(tasks, snapshot)

    # Planned 3.3.–4.3. (2 days), actual 3.3.–5.3. (3 days): the skipped task and step 99 left out.
    assert (duration.planned_days, duration.actual_days) == (2, 3)
