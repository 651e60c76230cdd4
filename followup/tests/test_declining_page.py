"""The public declining-usage page: the rule written out, the declining series, nothing of the internal log."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from metrics.decline import decline_windows
from metrics.models import PeriodType
from metrics.tests.factories import weekly
from processes.tests.factories import ContentModuleFactory

URL = "/en/statistics/declining/"
FALLING = [30, 30, 30, 30, 10, 10, 10, 10]


def _first_week():
    return decline_windows(period_type=PeriodType.WEEK, today=timezone.localdate(), window=4).previous_start


@pytest.fixture
def declining(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING, first=_first_week())
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.sore_throat,
        metric=refs.started,
        values=FALLING,
        first=_first_week(),
    )
    return refs


def test_the_page_lists_declining_series_and_states_the_rule(client, declining):
    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "in the last 4 complete periods fell by 20 % or more" in page
    assert "Compared: " in page
    rows = [
        (decline.county.code, decline.service_area.code if decline.service_area else None, decline.module.code)
        for decline in response.context["declines"]
    ]
    assert rows == [("14", "suun-terveys", "kurkkukipu"), ("14", None, "virtsatietulehdus")]
    assert declining.oral_health.name_en in page and "whole county" in page


def test_the_internal_follow_up_log_never_shows(client, declining, django_user_model):
    alert = UsageAlert.objects.create(
        county=declining.north_karelia,
        module=declining.uti,
        metric=declining.started,
        period_type=PeriodType.WEEK,
        window_end=_first_week(),
        previous=120,
        recent=40,
        change_percent=-67,
        status=AlertStatus.CONTACTED,
    )
    user = django_user_model.objects.create_user("salainen-kayttaja")
    AlertFollowUp.objects.create(alert=alert, user=user, note="Luottamuksellinen muistiinpano", new_status="contacted")

    page = client.get(URL).content.decode()

    assert "Luottamuksellinen muistiinpano" not in page
    assert "salainen-kayttaja" not in page


def test_months_are_compared_on_request(client, declining):
    response = client.get(URL, {"period_type": "month"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["declines"] == []
    assert "<p>No content's use is declining now.</p>" in response.content.decode()


def test_an_unknown_period_type_answers_400(client, refs):
    response = client.get(URL, {"period_type": "year"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice. year is not one of the available choices." in response.content.decode()


@pytest.mark.parametrize("series", [2, 40])
def test_the_query_count_does_not_grow_with_data(client, refs, django_assert_max_num_queries, series):
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.uti,
        metric=refs.started,
        values=FALLING,
        first=_first_week(),
    )
    for _series in range(series):
        weekly(
            county=refs.pirkanmaa,
            module=ContentModuleFactory(),
            metric=refs.started,
            values=FALLING,
            first=_first_week(),
        )

    with django_assert_max_num_queries(5):
        response = client.get(URL)

    assert len(response.context["declines"]) == series + 1


def test_a_series_without_recent_figures_is_listed_as_not_reported_never_as_a_fall(client, refs):
    first = _first_week()
    # Four earlier weeks of 30, nothing since: the old rule read 120 → 0, −100 %.
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[30] * 4, first=first)
    # A late import: two recent weeks of steady use, the last two not imported yet.
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[30] * 6, first=first)

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response.context["declines"] == []
    missing_since = first + datetime.timedelta(weeks=4)
    last_week = first + datetime.timedelta(weeks=3)
    expected = (
        f"Not reported since {missing_since:%m/%d/%Y}: the last figures are for "
        f"{last_week.isocalendar().year}-W{last_week.isocalendar().week:02d}."
    )
    assert [silence.text for silence in response.context["silent"]] == [expected]
    assert expected in page
    assert "−100" not in page and "-100 %" not in page
