"""The guide's experiences count the plans of its copies, and of copies of copies, on its own phases and steps.

Päijät-Häme's guide (conftest: "Suunnittelu" with A and B, "Koulutus" with C, D and E) is copied
by North Karelia, which renames B and adds a step X of its own; Lapland copies North Karelia's
copy. One plan of each ends, with the figures of `test_experiences.DONE`, hand-counted there on
the March 2025 calendar: "Suunnittelu" planned 5 working days in each plan, actually 8, 7 and 11
(median 8, range 7–11); A planned 5, actually 5, 7, 11 (median 7); B planned 2, actually 8, 1, 4
(median 4). X is North Karelia's own step (skipped here, left out); everything of "Koulutus" was
skipped.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from plans.experiences import guide_experiences
from plans.services import phase_lesson_write
from plans.tests.conftest import publish
from plans.tests.test_experiences import DONE, LESSON, ended_plan
from processes.models import Phase, ProcessDescription, PublicationStatus, Step
from processes.publishing import published_form
from processes.services import process_copy
from regions.permissions import editor_group_ensure
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db

RENAMED_B = "B Siun soten tapaan"
PHASE_LESSON = "Kehittäjätiimiin kannatti ottaa esihenkilö mukaan heti alussa."
# The durations of the guide's and its copies' plans, the plans with their rollouts, the done tasks,
# the phases' lessons; with a copy's plan counted, the copies' phases and their steps too.
QUERIES = 4
QUERIES_WITH_COPIES = 6


def public(copy):
    copy.status, copy.published_at = PublicationStatus.PUBLISHED, timezone.now() - datetime.timedelta(days=1)
    copy.save()
    publish(copy)
    return copy


@pytest.fixture
def lapland(db):
    return WellbeingCountyFactory(code="19", name_fi="Lapin hyvinvointialue", slug="lappi")


@pytest.fixture
def lapland_editor(django_user_model, lapland, people):
    user = django_user_model.objects.create_user("lappi", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    lapland.editors.add(user)
    return user


@pytest.fixture
def copies(guide, other_county, lapland, people, lapland_editor):
    copy = process_copy(source=guide, county=other_county, user=people["other_editor"])
    Step.objects.filter(phase__process=copy, title="B").update(title=RENAMED_B)
    first = copy.phases.order_by("order").first()
    Step.objects.create(phase=first, order=3, title="X", responsible_role="main_user", offset_days=-15)
    public(copy)
    copy_of_copy = public(process_copy(source=copy, county=lapland, user=lapland_editor))
    return copy, copy_of_copy


@pytest.fixture
def three_plans(guide, copies, own_county, other_county, lapland, people, lapland_editor):
    copy, copy_of_copy = copies
    renamed = [{("A" if title == "A" else RENAMED_B): day for title, day in done.items()} for done in DONE[1:]]
    plans = [
        ended_plan(guide, own_county, people["editor"], DONE[0]),
        ended_plan(copy, other_county, people["other_editor"], renamed[0]),
        ended_plan(copy_of_copy, lapland, lapland_editor, renamed[1], lesson=LESSON),
    ]
    suunnittelu = next(phase["id"] for phase in plans[1].source_version.snapshot["phases"] if phase["order"] == 1)
    phase_lesson_write(plan=plans[1], source_phase_id=suunnittelu, lesson=PHASE_LESSON, user=people["other_editor"])
    return plans


def experiences_of(guide):
    return guide_experiences(process=guide, phases=published_form(guide.published_version.snapshot).phases)


def figures(figures):
    return figures.count, figures.planned_median, figures.actual_median, figures.actual_range


def test_the_copies_phases_and_steps_remember_the_guides(guide, copies):
    copy, copy_of_copy = copies

    own = {step.title: step.pk for step in Step.objects.filter(phase__process=guide)}
    assert {step.title: step.copied_from_id for step in Step.objects.filter(phase__process=copy)} == {
        "A": own["A"],
        RENAMED_B: own["B"],
        "C": own["C"],
        "D": own["D"],
        "E": own["E"],
        "X": None,
    }
    of_copy = {step.pk: step.title for step in Step.objects.filter(phase__process=copy)}
    assert {step.title: of_copy[step.copied_from_id] for step in Step.objects.filter(phase__process=copy_of_copy)} == {
        "A": "A",
        RENAMED_B: RENAMED_B,
        "C": "C",
        "D": "D",
        "E": "E",
        "X": "X",
    }
    assert [phase.copied_from.title for phase in copy_of_copy.phases.order_by("order")] == ["Suunnittelu", "Koulutus"]


def test_the_plans_of_a_copy_and_of_a_copy_of_it_count_on_the_guides_own_steps(guide, three_plans):
    experiences = experiences_of(guide)

    assert experiences.rollout_count == 3
    planning, training = experiences.phases
    assert figures(planning["figures"]) == (3, 5, 8, (7, 11))
    step_a, step_b = planning["steps"]
    assert figures(step_a["figures"]) == (3, 5, 7, (5, 11))
    assert figures(step_b["figures"]) == (3, 2, 4, (1, 8))
    assert training["figures"] is None
    assert [rollout.county.code for rollout in experiences.rollouts_of_copies] == ["12", "19"]
    assert [
        (lesson.about, lesson.lesson, lesson.rollout.county.code, lesson.via_copy) for lesson in planning["lessons"]
    ] == [
        ("", PHASE_LESSON, "12", True),
        ("A", LESSON, "19", True),
    ]


def test_the_plans_of_a_copy_withdrawn_since_no_longer_count(guide, copies, three_plans):
    copy, copy_of_copy = copies
    ProcessDescription.objects.filter(pk__in=[copy.pk, copy_of_copy.pk]).update(status=PublicationStatus.ARCHIVED)

    experiences = experiences_of(guide)

    # Only the guide's own plan is left: its lessons and figures, none of the withdrawn copies'.
    assert experiences.rollout_count == 1
    assert experiences.rollouts_of_copies == []
    assert [lesson.lesson for lesson in experiences.phases[0]["lessons"]] == []


def test_a_step_deleted_from_a_copy_since_is_left_out(guide, copies, three_plans):
    copy, _copy_of_copy = copies
    Step.objects.filter(phase__process=copy, title="A").delete()

    step_a, step_b = experiences_of(guide).phases[0]["steps"]

    # Only the guide's own plan is left for A: planned 5, actually 5 (3.3.–7.3.).
    assert figures(step_a["figures"]) == (1, 5, 5, (5, 5))
    assert figures(step_b["figures"]) == (3, 2, 4, (1, 8))


def test_the_guide_page_says_which_rollouts_followed_a_copy_and_never_who_wrote_a_lesson(
    client, guide, three_plans, people
):
    people["other_editor"].first_name, people["other_editor"].last_name = "Kaisa", "Kirjoittaja"
    people["other_editor"].save()

    page = client.get(f"/fi/processes/{guide.slug}/").content.decode()

    copies = page[page.index('<p class="experiences-copies">') :]
    copies = copies[: copies.index("</p>")]
    assert "2 näistä käyttöönotoista" in copies
    assert "Pohjois-Karjalan hyvinvointialue (" in copies
    assert "Lapin hyvinvointialue (" in copies
    assert "Päijät-Häme" not in copies
    assert PHASE_LESSON in page
    assert "Kirjoittaja" not in page
    assert "toinen" not in page  # the writer's username either


def test_the_experiences_need_as_many_queries_for_one_plan_as_for_three(
    guide, own_county, people, django_assert_num_queries
):
    ended_plan(guide, own_county, people["editor"], DONE[0])
    phases = published_form(guide.published_version.snapshot).phases
    with django_assert_num_queries(QUERIES):
        guide_experiences(process=guide, phases=phases)

    for done in DONE[1:]:
        ended_plan(guide, own_county, people["editor"], done)
    with django_assert_num_queries(QUERIES):
        assert guide_experiences(process=guide, phases=phases).rollout_count == 3


def test_the_experiences_of_copies_need_a_fixed_number_of_queries(guide, three_plans, django_assert_num_queries):
    phases = published_form(guide.published_version.snapshot).phases

    with django_assert_num_queries(QUERIES_WITH_COPIES):
        assert guide_experiences(process=guide, phases=phases).rollout_count == 3


def test_a_guide_without_ended_plans_costs_one_query(guide, copies, django_assert_num_queries):
    phases = published_form(guide.published_version.snapshot).phases

    with django_assert_num_queries(1):
        assert guide_experiences(process=guide, phases=phases) is None


def test_the_migration_links_copies_made_before_by_order_where_the_titles_match(guide, copies):
    copy, copy_of_copy = copies
    Phase.objects.filter(process__in=copies).update(copied_from=None)
    Step.objects.filter(phase__process__in=copies).update(copied_from=None)
    Step.objects.filter(phase__process=copy_of_copy, title="D").update(title="D muokattu")
    migration = importlib.import_module("processes.migrations.0015_copied_from_existing_copies")

    migration.link_existing_copies(apps, None)

    own = {step.title: step.pk for step in Step.objects.filter(phase__process=guide)}
    assert {step.title: step.copied_from_id for step in Step.objects.filter(phase__process=copy)} == {
        "A": own["A"],
        RENAMED_B: None,  # renamed: no proof it is B
        "C": own["C"],
        "D": own["D"],
        "E": own["E"],
        "X": None,
    }
    of_copy = {step.pk: step.title for step in Step.objects.filter(phase__process=copy)}
    assert {
        step.title: of_copy.get(step.copied_from_id) for step in Step.objects.filter(phase__process=copy_of_copy)
    } == {"A": "A", RENAMED_B: RENAMED_B, "C": "C", "D muokattu": None, "E": "E", "X": "X"}
    assert [phase.copied_from.title for phase in copy.phases.order_by("order")] == ["Suunnittelu", "Koulutus"]


def test_the_steps_form_shows_its_experiences_under_the_estimate(client, guide, three_plans, people):
    client.force_login(people["editor"])
    step_a = Step.objects.get(phase__process=guide, title="A")
    step_c = Step.objects.get(phase__process=guide, title="C")

    form = client.get(reverse("admin:processes_step_change", args=[step_a.pk])).context["adminform"].form
    untouched = client.get(reverse("admin:processes_step_change", args=[step_c.pk])).context["adminform"].form

    # A: done in the three plans in 5, 7 and 11 working days, estimated 5.
    assert form.fields["estimated_days"].help_text == (
        "Työpäivät, jotka tehtävä tavallisesti vie. Kokemuksia 3 käyttöönotosta: toteutunut kesto 7 työpäivää "
        "(mediaani; vaihteluväli 5–11), arvio 5."
    )
    assert (
        untouched.fields["estimated_days"].help_text == "Työpäivät, jotka tehtävä tavallisesti vie."
    )  # skipped everywhere
