"""The demo is alive on any date: its figures end at the last complete week and month before today, some
rollouts go live within them, and exactly the intended series declines (today, and with the clock a year ahead)."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from metrics.aggregation import current_period_start
from metrics.models import PeriodType, UsageStatistic
from omaolo_portal.demo.statistics import demo_window_ends
from tests.conftest import rolled_back_after_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=[0, 365], ids=["today", "a year ahead"])
def _demo_seeded_on(request, django_db_setup, django_db_blocker):
    """The demo seeded once per date for the module, with the clock moved `param` days ahead until its tests end."""
    moved = timezone.now() + datetime.timedelta(days=request.param)
    with time_machine.travel(moved, tick=False), rolled_back_after_module(django_db_blocker):
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", "--no-users", verbosity=0)
        yield timezone.localdate()


@pytest.fixture
def demo_today(_demo_seeded_on, db):
    """The demo seeded as `make run` seeds it, with the clock moved `param` days ahead for the whole test."""
    return _demo_seeded_on


def test_the_figures_end_at_the_last_complete_week_and_month_before_today(demo_today):
    last_week, last_month = demo_window_ends(demo_today)

    weeks = UsageStatistic.objects.filter(period_type=PeriodType.WEEK, county__code="09")
    months = UsageStatistic.objects.filter(period_type=PeriodType.MONTH, county__code="09")
    assert last_week == current_period_start(PeriodType.WEEK, demo_today) - datetime.timedelta(weeks=1)
    assert max(weeks.values_list("period_start", flat=True)) == last_week
    assert max(months.values_list("period_start", flat=True)) == last_month
    assert last_month < current_period_start(PeriodType.MONTH, demo_today)


def test_exactly_the_intended_series_declines_and_nothing_reads_minus_100(client, demo_today):
    weekly = client.get(reverse("followup:declining"), {"period_type": "week"}, headers={"accept-language": "en"})
    monthly = client.get(reverse("followup:declining"), {"period_type": "month"}, headers={"accept-language": "en"})

    assert weekly.status_code == monthly.status_code == HTTPStatus.OK
    declines = [(d.county.code, d.service_area, d.module.code) for d in weekly.context["declines"]]
    assert declines == [("21", None, "korvakipu")]
    # Its last six weeks are halved: four recent halves (2 weeks' worth) against two full and two halved
    # earlier weeks (3 weeks' worth), −33 %, give or take the ±8 % noise and the slow drift.
    assert -40 <= weekly.context["declines"][0].change_percent <= -25
    assert weekly.context["silent"] == [] and monthly.context["silent"] == []
    # By month its halved weeks make at most one and a half of four recent months, so it may or may not
    # be flagged (by month boundaries and noise); no other series ever is.
    monthly_declines = [(d.county.code, d.service_area, d.module.code) for d in monthly.context["declines"]]
    assert monthly_declines in ([], [("21", None, "korvakipu")])
    for response in (weekly, monthly):
        assert "-100 %" not in response.content.decode()


def test_the_adoption_view_shows_the_rollouts_that_went_live_inside_the_window(client, demo_today):
    response = client.get(
        reverse("metrics:adoption"),
        {"module": "virtsatietulehdus", "metric": "assessments_started"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == HTTPStatus.OK
    curves = {curve.county.code: curve for curve in response.context["curves"]}
    # North Karelia went live in 2018, before any demo figure: its curve has none.
    assert sorted(curves) == ["08", "14"]
    assert curves["14"].per_week == {}
    values = curves["08"].per_week
    # The pilot's eight weeks before go-live and the 22 weeks since (the current one is not over).
    assert sorted(values) == list(range(-8, 22))
    assert all(value > 0 for value in values.values())
    assert max(values[week] for week in range(-8, 0)) < min(values[week] for week in range(0, 22))


@pytest.mark.parametrize("county_code", ["08", "90"])
def test_the_county_page_shows_usage_before_and_after_its_recent_go_live(client, demo_today, county_code):
    county_url = reverse("county_detail", kwargs={"code": county_code})
    response = client.get(county_url, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
    effects = response.context["effects"]
    assert len(effects) == 1
    effect = effects[0]
    assert effect.before > 0 and effect.after > effect.before
    assert effect.change_percent is not None and effect.change_percent > 0
