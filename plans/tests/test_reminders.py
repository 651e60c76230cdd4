"""`rollout_reminders`, run as cron runs it, with the locmem email backend."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from plans.services import plan_create, task_complete, task_update
from processes.tests.factories import RolloutFactory

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = "2026-12-14"


@pytest.fixture
def plan(guide, own_county, people):
    rollout = RolloutFactory(county=own_county, process=guide, pilot_start=D(2027, 2, 1), go_live=D(2027, 3, 1))
    plan = plan_create(rollout=rollout, user=people["editor"])
    editor = people["editor"]
    for title, due in (("A", D(2026, 12, 11)), ("B", D(2026, 12, 21)), ("D", D(2026, 12, 22))):
        task_update(task=plan.tasks.get(title=title), user=editor, owner=editor, planned_start=due, due=due)
    task_update(
        task=plan.tasks.get(title="E"),
        user=editor,
        owner_name="Liisa Lahtinen",
        planned_start=D(2026, 12, 16),
        due=D(2026, 12, 16),
    )
    return plan


@pytest.fixture
def foreign_overdue(other_county, people):
    """An overdue task of another county's plan, owned by that county's editor."""
    from plans.tests.conftest import publish
    from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, StepFactory

    process = ProcessDescriptionFactory(county=other_county)
    StepFactory(phase=PhaseFactory(process=process), offset_days=-1, estimated_days=1)
    publish(process)
    rollout = RolloutFactory(county=other_county, process=process, go_live=D(2026, 12, 1), pilot_start=None)
    plan = plan_create(rollout=rollout, user=people["other_editor"])
    task_update(
        task=plan.tasks.exclude(kind="go_no_go").get(), user=people["other_editor"], owner=people["other_editor"]
    )
    return plan


def test_owners_get_their_due_and_overdue_tasks_and_editors_the_weekly_summary(plan, people, settings):
    rollout = plan.rollout

    call_command("rollout_reminders", "--today", MONDAY, "--county", "07")

    assert len(mail.outbox) == 2
    owner, summary = mail.outbox
    assert owner.to == ["editori@phhva.fi"]
    assert owner.subject == "Omaolo: käyttöönottotehtäväsi"
    assert owner.body == (
        "Hei editori,\n\n"
        "Myöhässä:\n"
        f"- A ({rollout}), eräpäivä 11.12.2026\n\n"
        "Erääntyy 5 työpäivän sisällä:\n"
        f"- B ({rollout}), eräpäivä 21.12.2026\n\n"
        "Avaa tehtävät portaalissa:\n"
        f"{settings.SITE_URL}/admin/plans/plantask/?deadline=overdue\n"
    )
    assert summary.to == ["editori@phhva.fi"]
    assert summary.subject == "Omaolo: Päijät-Hämeen hyvinvointialue – käyttöönottosuunnitelmien viikko"
    assert summary.body.splitlines()[:6] == [
        "Päijät-Hämeen hyvinvointialue: käynnissä olevien käyttöönottosuunnitelmien avoimet tehtävät "
        "viikolla 14.12.2026 alkaen.",
        "",
        "Myöhässä:",
        f"- A ({rollout}), eräpäivä 11.12.2026 – editori",
        "",
        "Erääntyy tällä viikolla:",
    ]
    assert summary.body.splitlines()[6] == f"- E ({rollout}), eräpäivä 16.12.2026 – Liisa Lahtinen"


def test_the_summary_waits_for_monday_and_done_tasks_are_not_reminded(plan, people):
    task_complete(task=plan.tasks.get(title="A"), user=people["editor"], done_on=D(2026, 12, 7))

    call_command("rollout_reminders", "--today", "2026-12-15")

    (owner,) = mail.outbox
    assert "Myöhässä" not in owner.body
    assert "- B (" in owner.body


def test_nothing_due_is_quiet_and_sends_nothing(plan, capsys):
    call_command("rollout_reminders", "--today", "2026-11-02", "--summary", verbosity=2)

    assert mail.outbox == []
    assert capsys.readouterr().out == ""


def test_a_county_option_leaves_the_other_counties_out(plan, foreign_overdue):
    call_command("rollout_reminders", "--today", MONDAY, "--no-summary", "--county", "12")

    (message,) = mail.outbox
    assert message.to == ["toinen@siunsote.fi"]
    assert "A (" not in message.body


def test_an_unknown_county_or_date_fails_with_a_message(db):
    with pytest.raises(CommandError, match=r"^Hyvinvointialuetta tunnuksella ”99” ei ole\.$"):
        call_command("rollout_reminders", "--county", "99")
    with pytest.raises(CommandError):
        call_command("rollout_reminders", "--today", "14.12.2026")
