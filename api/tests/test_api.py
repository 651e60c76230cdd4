"""The open API: what it answers, how it refuses a bad parameter, and how much it reads."""

import datetime
import re
from decimal import Decimal
from http import HTTPStatus

import pytest

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from metrics.models import MetricKind, UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory, weekly
from processes.models import RolloutStatus
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.tests.factories import WellbeingCountyFactory

FIRST_WEEK = datetime.date(2026, 9, 28)  # 2026-W40


def _series(client, **params):
    return client.get("/api/series", params, headers={"accept-language": "en"})


def _alert(refs, county, change_percent, status=AlertStatus.OPEN, module=None):
    return UsageAlert.objects.create(
        county=county,
        module=module or refs.uti,
        metric=refs.started,
        period_type="week",
        window_end=datetime.date(2026, 11, 16),
        previous=100,
        recent=100 + change_percent,
        change_percent=change_percent,
        status=status,
    )


def test_counties_and_contents_are_listed(client, refs):
    counties = client.get("/api/counties").json()
    contents = client.get("/api/contents").json()

    assert [county["code"] for county in counties] == ["08", "14"]
    assert counties[1]["name_fi"] == "Pohjois-Karjalan hyvinvointialue"
    assert [content["code"] for content in contents] == ["kurkkukipu", "virtsatietulehdus"]


def test_a_series_sums_each_week_of_the_range(client, refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[10, 20, 30, 40])
    weekly(county=refs.pirkanmaa, module=refs.uti, metric=refs.started, values=[1, 1, 1, 1])

    response = _series(client, county="14", content="virtsatietulehdus", end="2026-W42", periods=2)

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "metric": "assessments_started",
        "period_type": "week",
        "county": "14",
        "content": "virtsatietulehdus",
        "service_area": None,
        "first_period": "2026-W41",
        "last_period": "2026-W42",
        "points": [
            {"period": "2026-W41", "period_start": "2026-10-05", "value": 20},
            {"period": "2026-W42", "period_start": "2026-10-12", "value": 30},
        ],
    }


def test_a_county_series_never_adds_its_service_areas_to_its_own_figure(client, refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[100])
    weekly(county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=[60])

    response = _series(client, county="14", end="2026-W40", periods=1)

    assert response.json()["points"] == [{"period": "2026-W40", "period_start": "2026-09-28", "value": 100}]


def test_a_service_area_series_holds_only_that_area(client, refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[100])
    weekly(county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=[7])

    response = _series(client, county="14", service_area="suun-terveys", end="2026-W40", periods=1)

    assert response.json()["points"] == [{"period": "2026-W40", "period_start": "2026-09-28", "value": 7}]


def test_a_score_series_is_the_weighted_mean_of_decimal_scores_as_a_float(client, refs):
    feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    for county, week, value, responses in (
        (refs.north_karelia, 0, Decimal("4.3"), 30),
        (refs.pirkanmaa, 0, Decimal("3.9"), 10),
        (refs.north_karelia, 1, Decimal("4.00"), None),
    ):
        UsageStatisticFactory(
            county=county,
            module=refs.uti,
            metric=feedback,
            period_start=FIRST_WEEK + datetime.timedelta(weeks=week),
            value=value,
            responses=responses,
        )

    response = _series(client, metric="customer_feedback", end="2026-W41", periods=2)

    # 2026-W40: (4.3·30 + 3.9·10) / 40 = 4.2
    points = response.json()["points"]
    assert [(point["period"], point["value"]) for point in points] == [("2026-W40", 4.2), ("2026-W41", 4.0)]
    assert [type(point["value"]) for point in points] == [float, float]


def test_a_count_series_answers_whole_numbers(client, refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[10, 20])

    response = _series(client, county="14", end="2026-W41", periods=2)

    assert [type(point["value"]) for point in response.json()["points"]] == [int, int]


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        (
            {"periods": "0"},
            "periods",
            "Invalid value for the parameter “periods”: Input should be greater than or equal to 1",
        ),
        (
            {"periods": "261"},
            "periods",
            "Invalid value for the parameter “periods”: Input should be less than or equal to 260",
        ),
        ({"periods": "many"}, "periods", None),
        (
            {"period_type": "year"},
            "period_type",
            "Invalid value for the parameter “period_type”: Input should be 'week' or 'month'",
        ),
        (
            {"county": "99"},
            "county",
            "Invalid value for the parameter “county”: there is no county with the code “99”.",
        ),
        ({"county": "1\x00"}, "county", None),
        (
            {"metric": "nope"},
            "metric",
            "Invalid value for the parameter “metric”: there is no metric with the code “nope”.",
        ),
        (
            {"content": "ei-ole"},
            "content",
            "Invalid value for the parameter “content”: there is no content with the code “ei-ole”.",
        ),
        (
            {"service_area": "suun-terveys"},
            "service_area",
            "The parameter “service_area” needs the parameter “county”: service area codes are per county.",
        ),
        (
            {"county": "08", "service_area": "suun-terveys"},
            "service_area",
            "Invalid value for the parameter “service_area”: there is no service area with the code “suun-terveys”.",
        ),
        (
            {"end": "2026-W60"},
            "end",
            "Invalid value for the parameter “end”: "
            "Week 60 does not exist in 2026: ISO weeks of 2026 run from 1 to 53.",
        ),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(client, refs, params, parameter, detail):
    response = _series(client, **params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["parameter"] == parameter
    assert f"“{parameter}”" in body["detail"]
    if detail is not None:
        assert body["detail"] == detail


@pytest.fixture
def in_use(refs):
    """UTI in use in North Karelia (go-live week 2026-W40) and Pirkanmaa (go-live week 2026-W42), none in Lapland."""
    RolloutFactory(
        county=refs.north_karelia, module=refs.uti, pilot_start=None, go_live=datetime.date(2026, 9, 30), ended_on=None
    )
    RolloutFactory(
        county=refs.pirkanmaa, module=refs.uti, pilot_start=None, go_live=datetime.date(2026, 10, 12), ended_on=None
    )
    RolloutFactory(
        county=refs.north_karelia, module=refs.sore_throat, status=RolloutStatus.PLANNED, pilot_start=None, go_live=None
    )
    refs.lapland = WellbeingCountyFactory(code="19", population=176_000)
    return refs


def test_the_comparison_ranks_counties_per_1000_residents_and_names_those_not_using_the_content(client, in_use):
    # North Karelia: 10 + 20 per 150,000 residents; Pirkanmaa: 300 + 300 per 150,000; its service area never added.
    weekly(county=in_use.north_karelia, module=in_use.uti, metric=in_use.started, values=[10, 20])
    weekly(
        county=in_use.north_karelia,
        service_area=in_use.oral_health,
        module=in_use.uti,
        metric=in_use.started,
        values=[9, 9],
    )
    weekly(county=in_use.pirkanmaa, module=in_use.uti, metric=in_use.started, values=[300, 300])

    response = client.get("/api/comparison", {"content": "virtsatietulehdus", "end": "2026-W41", "periods": 2})

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "metric": "assessments_started",
        "period_type": "week",
        "content": "virtsatietulehdus",
        "first_period": "2026-W40",
        "last_period": "2026-W41",
        "ranked": [
            {
                "county": "08",
                "rank": 1,
                "value": 600,
                "per_1000_residents": 4.0,
                "population": 150000,
                "population_year": 2024,
            },
            {
                "county": "14",
                "rank": 2,
                "value": 30,
                "per_1000_residents": 0.2,
                "population": 150000,
                "population_year": 2024,
            },
        ],
        "without_statistics": [],
        "not_in_use": ["19"],
    }


def test_the_comparison_is_the_comparison_pages_ranking(client, in_use):
    weekly(county=in_use.north_karelia, module=in_use.uti, metric=in_use.started, values=[10, 20, 30])

    api = client.get("/api/comparison", {"content": "virtsatietulehdus", "end": "2026-W42", "periods": 3}).json()
    page = client.get(
        "/en/statistics/compare/",
        {"module": "virtsatietulehdus", "period_type": "week", "start": "2026-W40", "end": "2026-W42"},
    ).context["ranking"]

    assert [(row["county"], row["value"], row["per_1000_residents"]) for row in api["ranked"]] == [
        (row.county.code, row.figure.value, row.per_residents) for row in page.ranked
    ]
    assert api["without_statistics"] == [county.code for county in page.without_statistics] == ["08"]
    assert api["not_in_use"] == [county.code for county in page.not_in_use] == ["19"]


def test_adoption_aligns_counties_on_weeks_since_their_go_live(client, in_use):
    weekly(county=in_use.north_karelia, module=in_use.uti, metric=in_use.started, values=[15, 30, 45])
    weekly(county=in_use.pirkanmaa, module=in_use.uti, metric=in_use.started, values=[150, 300, 450])

    response = client.get("/api/adoption", {"content": "virtsatietulehdus", "weeks": 1})

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "metric": "assessments_started",
        "content": "virtsatietulehdus",
        "weeks_before": 8,
        "weeks_after": 1,
        "counties": [
            {
                "county": "08",
                "go_live_week": "2026-W42",
                "go_live_week_start": "2026-10-12",
                "points": [{"week": -2, "value": 1.0}, {"week": -1, "value": 2.0}, {"week": 0, "value": 3.0}],
            },
            {
                "county": "14",
                "go_live_week": "2026-W40",
                "go_live_week_start": "2026-09-28",
                "points": [{"week": 0, "value": 0.1}, {"week": 1, "value": 0.2}],
            },
        ],
    }


@pytest.mark.parametrize(
    ("path", "params", "parameter", "detail"),
    [
        (
            "/api/comparison",
            {"periods": "261"},
            "periods",
            "Invalid value for the parameter “periods”: Input should be less than or equal to 260",
        ),
        (
            "/api/comparison",
            {"content": "ei-ole"},
            "content",
            "Invalid value for the parameter “content”: there is no content with the code “ei-ole”.",
        ),
        (
            "/api/comparison",
            {"end": "2026-13", "period_type": "month"},
            "end",
            "Invalid value for the parameter “end”: Month 13 does not exist: months run from 1 to 12.",
        ),
        ("/api/comparison", {"metric": "x" * 61}, "metric", None),
        ("/api/adoption", {}, "content", "Invalid value for the parameter “content”: Field required"),
        (
            "/api/adoption",
            {"content": "virtsatietulehdus", "weeks": "53"},
            "weeks",
            "Invalid value for the parameter “weeks”: Input should be less than or equal to 52",
        ),
        (
            "/api/adoption",
            {"content": "virtsatietulehdus", "metric": "nope"},
            "metric",
            "Invalid value for the parameter “metric”: there is no metric with the code “nope”.",
        ),
    ],
)
def test_comparison_and_adoption_answer_400_naming_a_bad_parameter(client, refs, path, params, parameter, detail):
    response = client.get(path, params, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["parameter"] == parameter
    if detail is not None:
        assert body["detail"] == detail


@pytest.mark.parametrize(
    "path",
    ["/api/comparison?content=virtsatietulehdus&end=2026-W41", "/api/adoption?content=virtsatietulehdus"],
)
def test_comparison_and_adoption_are_cached_until_the_data_changes(client, in_use, django_assert_num_queries, path):
    weekly(county=in_use.north_karelia, module=in_use.uti, metric=in_use.started, values=[15])
    first = client.get(path).json()
    with django_assert_num_queries(0):
        assert client.get(path).json() == first

    UsageStatistic.objects.filter(county=in_use.north_karelia).update(value=0)
    weekly(county=in_use.pirkanmaa, module=in_use.uti, metric=in_use.started, values=[15], first=FIRST_WEEK)

    assert client.get(path).json() != first


def test_alerts_are_open_ones_without_the_follow_up_log(client, refs, django_user_model):
    contacted = _alert(refs, refs.north_karelia, -50, AlertStatus.CONTACTED)
    _alert(refs, refs.pirkanmaa, -30)
    _alert(refs, refs.north_karelia, -90, AlertStatus.RESOLVED, module=refs.sore_throat)
    user = django_user_model.objects.create_user("salainen-kayttaja")
    AlertFollowUp.objects.create(alert=contacted, user=user, note="Luottamuksellinen", new_status="contacted")

    response = client.get("/api/alerts")

    body = response.json()
    assert response.status_code == HTTPStatus.OK
    assert [(item["county"], item["change_percent"], item["status"]) for item in body["items"]] == [
        ("14", -50, "contacted"),
        ("08", -30, "open"),
    ]
    assert body["items"][0]["window_end"] == "2026-W47"
    assert "Luottamuksellinen" not in response.content.decode()
    assert "salainen-kayttaja" not in response.content.decode()


def test_alerts_are_paged_and_bounded(client, refs):
    for index in range(5):
        _alert(refs, refs.north_karelia, -20 - index, module=ContentModuleFactory())

    page = client.get("/api/alerts", {"limit": 2, "offset": 1}).json()
    too_many = client.get("/api/alerts", {"limit": 201})

    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [item["change_percent"] for item in page["items"]] == [-23, -22]
    assert too_many.status_code == HTTPStatus.BAD_REQUEST
    assert too_many.json()["parameter"] == "limit"


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize(
    ("path", "params", "queries"),
    [
        ("/api/counties", {}, 1),
        ("/api/contents", {}, 1),
        ("/api/series", {"county": "14", "content": "virtsatietulehdus", "end": "2026-W47", "periods": 52}, 4),
        ("/api/series", {"county": "14", "service_area": "suun-terveys", "end": "2026-W47"}, 4),
        ("/api/alerts", {"county": "14"}, 3),
    ],
)
def test_each_endpoint_reads_a_fixed_number_of_queries(
    client, refs, django_assert_num_queries, size, path, params, queries
):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[5] * size)
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.uti,
        metric=refs.started,
        values=[5] * size,
    )
    for _index in range(size):
        _alert(refs, refs.north_karelia, -40, module=ContentModuleFactory())

    with django_assert_num_queries(queries):
        response = client.get(path, params)

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("counties", [2, 20])
@pytest.mark.parametrize(
    ("path", "params", "queries"),
    [
        # metric, content, the range's figures, the counties using the content, every county
        ("/api/comparison", {"content": "virtsatietulehdus", "end": "2026-W47", "periods": 52}, 5),
        # all contents: no content to look up (monthly: no figures, every county listed as not in use)
        ("/api/comparison", {"period_type": "month"}, 4),
        # metric, content, first go-lives, the aligned figures, their counties
        ("/api/adoption", {"content": "virtsatietulehdus", "weeks": 52}, 5),
    ],
)
def test_comparison_and_adoption_read_a_fixed_number_of_queries(
    client, refs, django_assert_num_queries, counties, path, params, queries
):
    for _county in range(counties):
        county = WellbeingCountyFactory()
        RolloutFactory(county=county, module=refs.uti, go_live=datetime.date(2026, 10, 1), ended_on=None)
        weekly(county=county, module=refs.uti, metric=refs.started, values=[5] * 10)

    with django_assert_num_queries(queries):
        response = client.get(path, params)

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["ranked" if "comparison" in path else "counties"]) == (
        0 if "month" in params.values() else counties
    )


def test_the_schema_is_openapi_3_with_every_endpoint(client, db):
    schema = client.get("/api/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/counties",
        "/api/contents",
        "/api/series",
        "/api/comparison",
        "/api/adoption",
        "/api/alerts",
        "/api/routes",
        "/api/units",
    }


def test_the_docs_page_loads_only_same_origin_assets(client, db):
    response = client.get("/api/docs")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "Content-Security-Policy" in response.headers
