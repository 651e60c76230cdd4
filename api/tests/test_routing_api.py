"""`/api/routes` and `/api/units`: a county's published routes and units, what applies at a moment, and refusals."""

import datetime
from http import HTTPStatus

import pytest

from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import MunicipalityFactory, WellbeingCountyFactory
from routing.choices import Channel, UnitType, WindowKind
from routing.models import OpeningException, OpeningHours, ReceivingUnit, Route
from routing.services import route_set_publish
from routing.tests.factories import OutcomeFactory, ReceivingUnitFactory, RouteFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture
def publisher(django_user_model):
    return django_user_model.objects.create_superuser("julkaisija", password="x")


@pytest.fixture
def centre():
    """Päijät-Häme's digital centre: Mon–Fri 7–21, Sat–Sun 8–18 (and on public holidays, as on Sundays)."""
    county = WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue")
    unit = ReceivingUnitFactory(
        county=county,
        code="digikeskus",
        unit_type=UnitType.DIGITAL_CENTRE,
        name_fi="Digikeskus",
        name_sv="Digicentret",
        name_en="Digital centre",
        phone="03 123 4567",
        web_address="https://example.fi/digikeskus",
    )
    for weekday in range(1, 8):
        opens, closes = (datetime.time(7), datetime.time(21)) if weekday <= 5 else (datetime.time(8), datetime.time(18))
        OpeningHours.objects.create(unit=unit, weekday=weekday, opens=opens, closes=closes)
    return unit


@pytest.fixture
def helpline():
    return ReceivingUnit.objects.create(
        county=None, code="116117", unit_type=UnitType.MEDICAL_HELPLINE, name_fi="Päivystysapu 116117"
    )


@pytest.fixture
def sore_throat(centre, helpline, publisher):
    """Non-urgent sore throat: to the centre's chat on weekdays 7–21, to 116117 whenever the centre is closed."""
    module = ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")
    outcome = OutcomeFactory(code="non-urgent")
    by_day = RouteFactory(
        county=centre.county,
        module=module,
        outcome=outcome,
        window_kind=WindowKind.HOURS,
        weekdays=[1, 2, 3, 4, 5],
        starts_at=datetime.time(7),
        ends_at=datetime.time(21),
        channel=Channel.CHAT,
        receiving_unit=centre,
        languages=["fi", "sv"],
    )
    at_night = RouteFactory(
        county=centre.county,
        module=module,
        outcome=outcome,
        window_kind=WindowKind.UNIT_CLOSED,
        window_unit=centre,
        channel=Channel.HELPLINE_116117,
        receiving_unit=helpline,
        handled_in_unit_hours=False,
    )
    route_set_publish(county=centre.county, module=module, user=publisher)
    return by_day, at_night


def _routes(client, **params):
    return client.get("/api/routes", {"county": "09", **params})


def _applying(response) -> dict[int, bool | None]:
    return {item["id"]: item["applies"] for item in response.json()["items"]}


# Hand-computed from the hours: which of (by day, at night) takes an assessment sent at the moment.
MOMENTS = {
    "2026-12-07T10:00": (True, False),  # Monday morning: the centre's chat
    "2026-12-07T22:30": (False, True),  # Monday night: the centre is closed, 116117
    "2026-12-07T19:30:00+00:00": (False, True),  # 21:30 in Finland: after the chat's hours
    "2026-12-24T19:00": (False, True),  # Christmas Eve counts as a Sunday: the centre is open 8–18 only
    "2026-12-24T10:00": (False, False),  # Christmas Eve morning: the centre is open, but there is no weekday chat
}


@pytest.mark.parametrize("at", MOMENTS)
def test_the_route_that_applies_at_a_moment_is_marked(client, sore_throat, at):
    by_day, at_night = sore_throat

    response = _routes(client, at=at)

    assert response.status_code == HTTPStatus.OK
    assert _applying(response) == dict(zip((by_day.pk, at_night.pk), MOMENTS[at], strict=True))
    assert response.json()["count"] == 2


def test_a_route_is_answered_with_its_facts_and_the_moment_judged(client, sore_throat):
    by_day, _at_night = sore_throat

    body = _routes(client, at="2026-12-07T19:30:00+00:00", content="kurkkukipu", outcome="non-urgent").json()

    assert body["at"] == "2026-12-07T21:30:00+02:00"
    assert body["date"] == "2026-12-07"
    first, second = body["items"]
    assert first == {
        "id": by_day.pk,
        "content": "kurkkukipu",
        "outcome": "non-urgent",
        "window_kind": "hours",
        "weekdays": [1, 2, 3, 4, 5],
        "starts_at": "07:00",
        "ends_at": "21:00",
        "window_unit": None,
        "channel": "chat",
        "receiving_unit": "digikeskus",
        "roles": ["nurse"],
        "handled_in_unit_hours": True,
        "target_kind": "same_working_day",
        "target_value": None,
        "target_sent_by": None,
        "languages": ["fi", "sv"],
        "age_from": None,
        "age_below": None,
        "strong_identification": True,
        "valid_from": "2025-01-01",
        "valid_to": None,
        "verified_on": by_day.verified_on.isoformat(),
        "municipalities": [],
        "service_area": None,
        "applies": False,
    }
    assert (second["receiving_unit"], second["window_unit"], second["applies"]) == ("116117", "digikeskus", True)


def test_a_date_lists_the_routes_valid_on_it_without_marking_any(client, sore_throat, publisher):
    by_day, at_night = sore_throat
    Route.objects.filter(pk=at_night.pk).update(valid_to=datetime.date(2026, 12, 31))
    route_set_publish(county=at_night.county, module=at_night.module, user=publisher)

    on_new_years_eve = _routes(client, date="2026-12-31").json()
    on_new_years_day = _routes(client, date="2027-01-01").json()

    assert on_new_years_eve["at"] is None
    assert _applying(_routes(client, date="2026-12-31")) == {by_day.pk: None, at_night.pk: None}
    assert [item["id"] for item in on_new_years_day["items"]] == [by_day.pk]


def test_an_edit_shows_only_once_it_is_published(client, sore_throat, publisher):
    by_day, _at_night = sore_throat
    by_day.channel = Channel.CALLBACK
    by_day.save()
    by_day.receiving_unit.phone = "040 999 9999"
    by_day.receiving_unit.save()
    Route.objects.create(
        county=by_day.county,
        module=by_day.module,
        outcome=by_day.outcome,
        window_kind=WindowKind.ALWAYS,
        channel=Channel.SELF_CARE,
        receiving_unit=by_day.receiving_unit,
        valid_from=datetime.date(2025, 1, 1),
    )

    before = _routes(client, date="2026-12-07").json()
    units_before = client.get("/api/units", {"county": "09"}).json()
    route_set_publish(county=by_day.county, module=by_day.module, user=publisher)
    after = _routes(client, date="2026-12-07").json()
    units_after = client.get("/api/units", {"county": "09"}).json()

    assert [item["channel"] for item in before["items"]] == ["chat", "helpline_116117"]
    assert [item["channel"] for item in after["items"]] == ["callback", "helpline_116117", "self_care"]
    assert [unit["phone"] for unit in units_before["items"]] == ["", "03 123 4567"]
    assert [unit["phone"] for unit in units_after["items"]] == ["", "040 999 9999"]


def test_routes_of_an_unpublished_county_are_not_listed(client, sore_throat):
    RouteFactory(county=WellbeingCountyFactory(code="21"))

    response = client.get("/api/routes", {"county": "21", "date": "2026-12-07"})

    assert response.json()["items"] == []
    assert response.json()["count"] == 0


def test_routes_name_their_municipalities_and_a_partners_unit_by_county(client, centre, publisher):
    lapland = WellbeingCountyFactory(code="21")
    partner = ReceivingUnitFactory(county=lapland, code="kumppani")
    heinola = MunicipalityFactory(code="111", name_fi="Heinola", county=centre.county)
    route = RouteFactory(county=centre.county, receiving_unit=partner, foreign_unit_reason="Kumppanisairaala.")
    route.municipalities.set([heinola])
    route_set_publish(county=centre.county, module=route.module, user=publisher)

    item = _routes(client, date="2026-12-07").json()["items"][0]
    unit = client.get("/api/units", {"county": "09"}).json()["items"][0]

    assert (item["receiving_unit"], item["municipalities"]) == ("21/kumppani", ["111"])
    assert (unit["key"], unit["code"], unit["county"]) == ("21/kumppani", "kumppani", "21")


def test_units_have_names_hours_and_the_exceptions_still_to_come(client, sore_throat, centre, publisher):
    today = datetime.date.today()
    OpeningException.objects.create(
        unit=centre, starts_on=today - datetime.timedelta(days=40), ends_on=today - datetime.timedelta(days=39)
    )
    OpeningException.objects.create(
        unit=centre, starts_on=today, ends_on=today + datetime.timedelta(days=3), reason="Joulu"
    )
    route_set_publish(county=centre.county, module=sore_throat[0].module, user=publisher)

    body = client.get("/api/units", {"county": "09"}).json()

    assert body["count"] == 2
    helpline, digital_centre = body["items"]
    assert (helpline["key"], helpline["county"], helpline["name_fi"]) == ("116117", None, "Päivystysapu 116117")
    assert (digital_centre["name_fi"], digital_centre["name_sv"], digital_centre["name_en"]) == (
        "Digikeskus",
        "Digicentret",
        "Digital centre",
    )
    assert digital_centre["unit_type"] == "digital_centre"
    assert digital_centre["web_address"] == "https://example.fi/digikeskus"
    assert digital_centre["hours"][0] == {"weekday": 1, "opens": "07:00", "closes": "21:00"}
    assert digital_centre["hours"][6] == {"weekday": 7, "opens": "08:00", "closes": "18:00"}
    assert [exception["reason"] for exception in digital_centre["exceptions"]] == ["Joulu"]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/routes", {}, "county"),
        ("/api/routes", {"county": "00"}, "county"),
        ("/api/routes", {"county": "9"}, "county"),
        ("/api/routes", {"county": "09", "content": "ei-ole"}, "content"),
        ("/api/routes", {"county": "09", "outcome": "ei-ole"}, "outcome"),
        ("/api/routes", {"county": "09", "at": "eilen"}, "at"),
        ("/api/routes", {"county": "09", "at": "1900-01-01T00:00"}, "at"),
        ("/api/routes", {"county": "09", "date": "0001-01-01"}, "date"),
        ("/api/routes", {"county": "09", "at": "2026-12-07T10:00", "date": "2026-12-07"}, "date"),
        ("/api/routes", {"county": "09", "limit": "501"}, "limit"),
        ("/api/routes", {"county": "09", "limit": "0"}, "limit"),
        ("/api/units", {}, "county"),
        ("/api/units", {"county": "00"}, "county"),
        ("/api/units", {"county": "09", "offset": "-1"}, "offset"),
    ],
)
def test_a_bad_parameter_is_refused_by_name(client, sore_throat, path, params, parameter):
    response = client.get(path, params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["parameter"] == parameter


def test_both_a_moment_and_a_date_are_refused_with_a_reason(client, sore_throat):
    response = client.get(
        "/api/routes",
        {"county": "09", "at": "2026-12-07T10:00", "date": "2026-12-07"},
        headers={"accept-language": "en"},
    )

    assert response.json()["detail"] == "Give either “at” (a moment) or “date” (a day), not both."


def test_routes_are_paged(client, sore_throat):
    _by_day, at_night = sore_throat

    page = _routes(client, date="2026-12-07", limit=1, offset=1).json()

    assert (page["count"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [item["id"] for item in page["items"]] == [at_night.pk]


def test_what_applies_now_is_never_stored_but_a_moment_is(client, sore_throat, django_assert_num_queries):
    now = _routes(client)
    _routes(client, at="2026-12-07T10:00")

    assert now.status_code == HTTPStatus.OK
    assert now["Cache-Control"] == "no-store"
    with django_assert_num_queries(0):
        assert _routes(client, at="2026-12-07T10:00").status_code == HTTPStatus.OK
    with django_assert_num_queries(3):
        assert _routes(client).status_code == HTTPStatus.OK


@pytest.mark.parametrize("contents", [2, 20])
@pytest.mark.parametrize(
    ("path", "params", "queries"),
    [
        # county, published sets, the codes of counties, municipalities and service areas
        ("/api/routes", {"county": "09", "at": "2026-12-07T10:00"}, 3),
        # county, content, outcome, published sets, codes
        ("/api/routes", {"county": "09", "content": "sisalto-0", "outcome": "non-urgent", "date": "2026-12-07"}, 5),
        # county, published sets, counties of units
        ("/api/units", {"county": "09"}, 3),
    ],
)
def test_each_routing_endpoint_reads_a_fixed_number_of_queries(
    client, centre, helpline, publisher, django_assert_num_queries, contents, path, params, queries
):
    for index in range(contents):
        module = ContentModuleFactory(code=f"sisalto-{index}")
        RouteFactory(county=centre.county, module=module, receiving_unit=centre)
        RouteFactory(
            county=centre.county,
            module=module,
            receiving_unit=helpline,
            window_kind=WindowKind.UNIT_CLOSED,
            window_unit=centre,
        ).municipalities.set([MunicipalityFactory(county=centre.county)])
        route_set_publish(county=centre.county, module=module, user=publisher)

    with django_assert_num_queries(queries):
        response = client.get(path, params)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == (2 if "units" in path else 2 * contents if "content" not in params else 2)
