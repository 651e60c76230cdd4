"""Demo rollout plans, dated relative to today so that the demo never goes stale.

Päijät-Häme's piloting rollout runs a plan: its pilot started 25 working days ago and it goes
live in 20; the tasks due before today are done except the two latest, which are overdue. North
Karelia's ended rollouts have finished plans: every task done a little later than planned, with
its actual duration, a few lessons on tasks and on phases (`PHASE_LESSONS`), and their phases'
durations stored, so that the guide's public page shows its "experiences from 3 rollouts". The
guides' steps get their anchors and offsets here (`STEP_SCHEDULE`), so that their published
versions, and the plans made from them, have dates.
"""

import datetime

from django.utils import timezone

from plans.durations import plan_durations_store
from plans.models import PlanTask, RolloutPlan, TaskStatus
from plans.phases import plan_phases
from plans.services import phase_lesson_write_unchecked, plan_make, plan_reschedule_unchecked
from plans.working_days import add_working_days, working_days_between
from processes.models import Rollout, RolloutStatus, StepAnchor

COACHING = "Muutosvalmennus 3"
# Step title → (anchor, anchor's name, working days from it to the step's due date).
STEP_SCHEDULE = {
    "Kartoita nykyiset asiointikanavat": (StepAnchor.GO_LIVE, "", -60),
    "Valitse sisällöt tarpeen mukaan": (StepAnchor.GO_LIVE, "", -55),
    "Nimeä pääkäyttäjät, esihenkilöt ja ammattilaiset": (StepAnchor.GO_LIVE, "", -50),
    "Kuvaa muuttuva palveluprosessi": (StepAnchor.GO_LIVE, "", -40),
    "Suunnittele asiakasohjaus": (StepAnchor.GO_LIVE, "", -35),
    "Pidä muutosvalmennukset": (StepAnchor.NAMED, COACHING, 0),
    "Kouluta käsittelijät ammattilaisen näkymään": (StepAnchor.PILOT_START, "", -5),
    "Laadi viestintäsuunnitelma": (StepAnchor.GO_LIVE, "", -15),
    "Testaa asiakaspolku päästä päähän": (StepAnchor.PILOT_START, "", -2),
    "Käynnistä pilotti yhdessä toimipisteessä": (StepAnchor.PILOT_START, "", 20),
    "Tee käyttöönottopäätös": (StepAnchor.GO_LIVE, "", -3),
    "Avaa palvelu asukkaille": (StepAnchor.GO_LIVE, "", 0),
    "Seuraa käyttömääriä viikoittain ja kuukausittain": (StepAnchor.GO_LIVE, "", 20),
    "Ota yhteyttä, kun käyttö laskee": (StepAnchor.GO_LIVE, "", 25),
}
RUNNING_PLAN = ("09", "kurkkukipu")
PILOT_WORKING_DAYS_AGO = 25
GO_LIVE_IN_WORKING_DAYS = 20
COACHING_AFTER_GO_LIVE = 10
OVERDUE_TASKS = 2
NAMED_OWNERS = ("Aino Virtanen", "pääkäyttäjä")
LESSONS = {
    "Kuvaa muuttuva palveluprosessi": "Prosessin kuvaaminen vei kaksi viikkoa arvioitua pidempään: varaa aikaa "
    "ammattilaisten kommenteille.",
    "Käynnistä pilotti yhdessä toimipisteessä": "Pilotti kannatti aloittaa toimipisteessä, jossa esihenkilö oli "
    "mukana suunnittelussa.",
}

# What North Karelia's teams learned in a phase, by the content of the rollout and the phase's title:
# the portal's own words for what Siun sote's operating model tells from its rollouts of 2018–2024.
PHASE_LESSONS = {
    ("virtsatietulehdus", "Nykytila ja sitoutuminen"): "Aloitimme vain muutamasta kunnasta ja toimipisteestä ja "
    "muutamasta sisällöstä. Se kannatti: esihenkilöiden sitoutuminen ja päivittäinen tuki ammattilaisille "
    "ratkaisivat enemmän kuin sisältöjen määrä.",
    ("virtsatietulehdus", "Testaus ja pilotti"): "Pilotin ensimmäisinä viikkoina ammattilaiset tarvitsivat "
    "pääkäyttäjän tukea joka päivä. Varaa pääkäyttäjien aika ja osaaminen ennen kuin pilotti alkaa.",
    ("hengitystietulehdus", "Suunnittelu"): "Kävimme prosessin nykytilan läpi kehittäjätiimin kanssa, jossa oli "
    "mukana myös toimialueen esihenkilö. Näin muutos suunniteltiin sekä asukkaan että ammattilaisen näkökulmasta.",
    ("hengitystietulehdus", "Viestintä"): "Viestintä tarvitaan kahteen suuntaan: ammattilaisille ensin, mitä "
    "muutoksella tavoitellaan, ja vasta sitten asukkaille, mitä uusi asiointikanava tarjoaa.",
    ("asiointiaiheet", "Koulutus ja muutosvalmennus"): "Yksi koulutuskerta ei riittänyt. Kuuntelimme kenttää "
    "Teams-kanavalla päivittäin ja koulutimme uudelleen, kun samat kysymykset toistuivat.",
    ("asiointiaiheet", "Seuranta ja vakiinnuttaminen"): "Seurasimme käyttömääriä viikoittain ja kuukausittain. Kun "
    "sisällön käyttö alkoi hiipua, pääkäyttäjä otti yhteyttä toimialueeseen; tilastoista toimialue näki itse, "
    "miten sen toiminta eteni.",
}


def step_schedule(title: str) -> dict:
    """The anchor fields of a demo step, by its title (none for a step without a schedule)."""
    if title not in STEP_SCHEDULE:
        return {}
    anchor, name, offset = STEP_SCHEDULE[title]
    return {"anchor": anchor, "anchor_name": name, "offset_days": offset}


def _coaching_date(plan: RolloutPlan, go_live: datetime.date) -> None:
    anchor = plan.anchors.filter(kind=StepAnchor.NAMED, name=COACHING).first()
    if anchor is not None:
        plan_reschedule_unchecked(plan=plan, anchor=anchor, date=add_working_days(go_live, COACHING_AFTER_GO_LIVE))


def _running_plan_seed(owner, today: datetime.date) -> None:
    county_code, module_code = RUNNING_PLAN
    rollout = Rollout.objects.filter(
        county__code=county_code, module__code=module_code, plan__isnull=True, process__published_version__isnull=False
    ).first()
    if rollout is None:
        return
    pilot, go_live = add_working_days(today, -PILOT_WORKING_DAYS_AGO), add_working_days(today, GO_LIVE_IN_WORKING_DAYS)
    Rollout.objects.filter(pk=rollout.pk).update(pilot_start=pilot, go_live=go_live, status=RolloutStatus.PILOTING)
    plan = plan_make(rollout=rollout)
    _coaching_date(plan, go_live)
    tasks = list(plan.tasks.order_by("due", "order"))
    past = [task for task in tasks if task.due and task.due < today]
    coming = [task for task in tasks if task.due and task.due >= today]
    for number, task in enumerate(tasks):
        if owner is not None and number % 2 == 0:
            task.owner = owner
        else:
            task.owner_name, task.owner_role = NAMED_OWNERS
    for task in past[:-OVERDUE_TASKS]:
        task.status, task.started_on, task.done_on = TaskStatus.DONE, task.planned_start, task.due
        task.actual_days = working_days_between(task.started_on, task.done_on) + 1
    for task in past[-OVERDUE_TASKS:][-1:] + coming[:1]:
        task.status, task.started_on = TaskStatus.IN_PROGRESS, task.planned_start
    PlanTask.objects.bulk_update(
        tasks, ["owner", "owner_name", "owner_role", "status", "started_on", "done_on", "actual_days"]
    )


def _finished_plans_seed() -> None:
    rollouts = Rollout.objects.filter(
        county__code="14", status=RolloutStatus.ENDED, plan__isnull=True, process__published_version__isnull=False
    ).exclude(go_live=None)
    for rollout in rollouts.order_by("pk"):
        plan = plan_make(rollout=rollout)
        _coaching_date(plan, rollout.go_live)
        tasks = list(plan.tasks.order_by("order"))
        for number, task in enumerate(tasks):
            if task.due is None:
                task.status = TaskStatus.SKIPPED
                continue
            # Each task took a little longer than planned: 0 to 3 working days, the same on every run.
            late = (number + rollout.pk) % 4
            task.status, task.started_on = TaskStatus.DONE, task.planned_start
            task.done_on = add_working_days(task.due, late)
            task.actual_days = working_days_between(task.started_on, task.done_on) + 1
            task.owner_name, task.owner_role = NAMED_OWNERS
            task.lesson = LESSONS.get(task.title, "")
        PlanTask.objects.bulk_update(
            tasks, ["status", "started_on", "done_on", "actual_days", "owner_name", "owner_role", "lesson"]
        )
        finished = max(task.done_on for task in tasks if task.done_on)
        RolloutPlan.objects.filter(pk=plan.pk).update(finished_on=finished)
        plan_durations_store(plan=plan)
        _phase_lessons_seed(plan, rollout.module.code, tasks)


def _phase_lessons_seed(plan: RolloutPlan, module_code: str, tasks: list[PlanTask]) -> None:
    for phase in plan_phases(tasks, plan.source_version.snapshot):
        if lesson := PHASE_LESSONS.get((module_code, phase.title)):
            phase_lesson_write_unchecked(plan=plan, source_phase_id=phase.source_phase_id, lesson=lesson)


def demo_plans_seed(*, owner=None, today: datetime.date | None = None) -> int:
    """Make the demo's plans that are missing, dated from `today` (the local date by default); how many there are."""
    _running_plan_seed(owner, today or timezone.localdate())
    _finished_plans_seed()
    return RolloutPlan.objects.count()
