from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from metrics.models import UsageStatistic
from processes.models import Phase, ProcessDescription, PublicationStatus, Rollout, RolloutStatus, Step

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (ProcessDescription, Phase, Step, Rollout, UsageStatistic, get_user_model())
    }


def test_demo_has_the_two_operating_models_with_phases_and_steps(demo_data):
    north_karelia = ProcessDescription.objects.get(county__code="14")
    paijat_hame = ProcessDescription.objects.get(county__code="09")

    assert north_karelia.phases.count() == 7
    assert paijat_hame.author == "Minna Tuuri"
    assert paijat_hame.created_at.date().isoformat() == "2023-05-16"
    assert Step.objects.filter(phase__process=paijat_hame).count() >= 10
    assert ProcessDescription.objects.published().count() == 2


def test_demo_keeps_north_karelias_ended_rollouts(demo_data):
    ended = Rollout.objects.filter(county__code="14")

    assert ended.count() == 3
    assert set(ended.values_list("status", flat=True)) == {RolloutStatus.ENDED}
    assert {rollout.ended_on.isoformat() for rollout in ended} == {"2024-06-30"}


def test_demo_has_a_year_of_weekly_and_monthly_figures(demo_data):
    weekly = UsageStatistic.objects.filter(period_type="week", county__code="09").dates("period_start", "week")
    monthly = UsageStatistic.objects.filter(period_type="month", county__code="09").dates("period_start", "month")

    assert len(weekly) >= 52
    assert len(monthly) >= 12
    assert all(day.weekday() == 0 for day in weekly)


def test_seed_demo_twice_changes_nothing(demo_data):
    before = counts()

    call_command("seed_demo", "--no-users", stdout=StringIO())

    assert counts() == before


@override_settings(DEBUG=True)
def test_demo_accounts_only_with_debug_on(demo_data):
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert get_user_model().objects.get(username="admin").is_superuser
    assert "Demo login at /admin/: user admin, password admin" in out.getvalue()


@override_settings(DEBUG=False)
def test_no_demo_accounts_in_production(demo_data):
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert not get_user_model().objects.filter(username="admin").exists()
    assert "DEBUG is off: no demo accounts were created." in out.getvalue()


def test_seed_demo_needs_reference_data_first():
    with pytest.raises(CommandError, match=r"run `python manage\.py load_reference_data` first"):
        call_command("seed_demo", stdout=StringIO())


def test_demo_descriptions_keep_their_own_modification_dates(demo_data):
    paijat_hame = ProcessDescription.objects.get(county__code="09")

    assert paijat_hame.modified_at.date().isoformat() == "2023-11-17"


SEED_SECTIONS = {
    # The sections each operating model in shared/seeds/ has (its Innokylä page's headings).
    "14": (
        "operating_environment",
        "starting_point",
        "goals",
        "needs_resident",
        "needs_professional",
        "needs_organisation",
        "needs_society",
        "target_group",
        "solution",
        "conditions",
        "tips",
        "measuring_change",
        "evaluation_results",
    ),
    "09": ("solution", "operating_environment", "target_group", "conditions", "tips"),
}


@pytest.mark.parametrize("county_code", SEED_SECTIONS)
def test_demo_descriptions_carry_every_section_of_their_operating_model(demo_data, county_code):
    process = ProcessDescription.objects.get(county__code=county_code)

    assert [field for field in SEED_SECTIONS[county_code] if not getattr(process, field).strip()] == []


def test_paijat_hames_operating_environment_is_its_own(demo_data):
    paijat_hame = ProcessDescription.objects.get(county__code="09")

    assert "THL" in paijat_hame.operating_environment
    assert "Lahden" in paijat_hame.operating_environment
    assert "lisäresurss" in paijat_hame.tips


def test_every_demo_guide_says_its_phases_are_an_example(demo_data):
    for process in ProcessDescription.objects.all():
        first_phase = process.phases.order_by("order").first()
        assert "Vaiheet ja askeleet ovat esimerkki" in process.solution
        assert first_phase.goal.startswith("*Vaiheet ja askeleet ovat esimerkki")


def test_north_karelias_ended_plans_give_its_guide_experiences_from_three_rollouts(demo_data, client):
    from plans.models import PlanPhaseDuration

    ended = PlanPhaseDuration.objects.filter(plan__rollout__county__code="14")

    assert ended.values("plan").distinct().count() == 3
    assert not ended.filter(actual_days=None).exists()
    page = client.get("/en/processes/omaolo-pohjois-karjala/").content.decode()
    assert '<h2 id="experiences">Experiences from 3 rollouts</h2>' in page


def test_north_karelias_ended_plans_have_lessons_of_phases_on_its_guide(demo_data, client):
    from omaolo_portal.demo.plans import PHASE_LESSONS
    from plans.models import PlanPhaseLesson

    lessons = PlanPhaseLesson.objects.filter(plan__rollout__county__code="14")

    assert sorted(lessons.values_list("plan__rollout__module__code", "phase_title")) == sorted(PHASE_LESSONS)
    assert lessons.count() == 6
    page = client.get("/fi/processes/omaolo-pohjois-karjala/").content.decode()
    section = page[page.index('id="experiences"') :]
    assert PHASE_LESSONS[("asiointiaiheet", "Koulutus ja muutosvalmennus")] in section
    assert section.count("Vaihe kokonaisuutena") == 6


def test_the_demo_revision_waits_in_review_while_the_published_guide_stays_public(client, demo_data):
    guide = ProcessDescription.objects.get(slug="omaolo-kayttoonoton-vaiheet-paijat-hame")

    page = client.get(guide.get_absolute_url()).content.decode()

    assert guide.status == PublicationStatus.IN_REVIEW
    assert "Esimerkki tarkastettavana olevasta muutoksesta" in guide.tips
    assert "Esimerkki tarkastettavana olevasta muutoksesta" not in page
    assert "Kerää ammattilaisten palaute pilotista" not in page
