"""Two editors pressing "make a plan" at once: the rollout's lock lets one plan through (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from plans.models import PlanTask, RolloutPlan
from plans.services import PLAN_EXISTS, plan_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_simultaneous_plan_creations_make_one_plan(rollout, people):
    barrier = threading.Barrier(2)
    outcomes = []

    def make(user):
        try:
            barrier.wait()
            plan_create(rollout=rollout, user=user)
            outcomes.append("made")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make, args=(people[name],)) for name in ("editor", "publisher")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["made", str(PLAN_EXISTS)])
    assert RolloutPlan.objects.filter(rollout=rollout).count() == 1
    assert PlanTask.objects.count() == 6
