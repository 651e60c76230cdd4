"""Before go-live, the route check's findings for the county × content on the rollout's and go/no-go task's pages."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from plans.models import PlanTask, RolloutPlan, TaskKind
from processes.models import PublishedVersion, RolloutStatus
from processes.publishing import process_snapshot
from processes.tests.factories import ProcessDescriptionFactory, RolloutFactory
from routing.choices import Channel
from routing.tests.factories import RouteFactory

pytestmark = pytest.mark.django_db

TITLE = "Route check before go-live"


@pytest.fixture
def coming(kainuu, contents, outcomes):
    """Kainuu's sore-throat rollout going live in a month, its urgent outcome sent to a contact request."""
    sore_throat = contents["kurkkukipu"]
    rollout = RolloutFactory(
        county=kainuu,
        module=sore_throat,
        status=RolloutStatus.PILOTING,
        go_live=timezone.localdate() + datetime.timedelta(days=30),
        ended_on=None,
    )
    urgent = RouteFactory(
        county=kainuu, module=sore_throat, outcome=outcomes["urgent"], channel=Channel.CONTACT_REQUEST
    )
    RouteFactory(county=kainuu, module=sore_throat, outcome=outcomes["non-urgent"])
    # Another content's finding is not this rollout's.
    RolloutFactory(county=kainuu, module=contents["yska"], status=RolloutStatus.PLANNED)
    return rollout, urgent


def _rollout_page(client, rollout):
    return client.get(f"/admin/processes/rollout/{rollout.pk}/change/", headers={"accept-language": "en"})


def test_the_rollout_page_warns_of_the_route_check_before_go_live(coming, kainuu_editor):
    rollout, urgent = coming

    response = _rollout_page(kainuu_editor, rollout)

    assert response.status_code == HTTPStatus.OK
    assertContains(response, f"<h2>{TITLE}</h2>", html=True)
    assertContains(response, f'href="/admin/routing/route/{urgent.pk}/change/"')
    assertContains(response, "sends an urgent outcome to an asynchronous channel (contact request).")
    assertContains(response, "Route urgent outcomes to a phone line, a callback, chat, 116117 or 112.")
    assertNotContains(response, "Cough")


def test_a_clean_route_set_shows_no_warning(coming, kainuu_editor):
    rollout, urgent = coming
    urgent.channel = Channel.PHONE_LINE
    urgent.target_kind = "none"
    urgent.save()

    assertNotContains(_rollout_page(kainuu_editor, rollout), TITLE)


def test_a_rollout_in_use_shows_no_warning(coming, kainuu_editor):
    rollout, _urgent = coming
    rollout.status = RolloutStatus.IN_USE
    rollout.go_live = timezone.localdate() - datetime.timedelta(days=1)
    rollout.save()

    assertNotContains(_rollout_page(kainuu_editor, rollout), TITLE)


def test_the_go_no_go_task_shows_the_warning_and_a_step_does_not(coming, kainuu_editor):
    rollout, urgent = coming
    guide = ProcessDescriptionFactory(county=rollout.county)
    version = PublishedVersion.objects.create(process=guide, snapshot=process_snapshot(guide))
    plan = RolloutPlan.objects.create(rollout=rollout, source_version=version)
    decision = PlanTask.objects.create(plan=plan, kind=TaskKind.GO_NO_GO, title="Go/no-go decision")
    step = PlanTask.objects.create(plan=plan, kind=TaskKind.STEP, title="Koulutus")

    decision_page = kainuu_editor.get(f"/admin/plans/plantask/{decision.pk}/change/", headers={"accept-language": "en"})
    step_page = kainuu_editor.get(f"/admin/plans/plantask/{step.pk}/change/", headers={"accept-language": "en"})

    assertContains(decision_page, f"<h2>{TITLE}</h2>", html=True)
    assertContains(decision_page, f'href="/admin/routing/route/{urgent.pk}/change/"')
    assertNotContains(step_page, TITLE)
