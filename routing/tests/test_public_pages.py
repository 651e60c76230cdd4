"""The public routing pages read only published snapshots, in three languages, in a fixed number of queries."""

import datetime
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory
from routing.models import Route
from routing.tests.published_sets import centre_routes, digital_centre, published, symptom_outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_pages():
    cache.clear()


@pytest.fixture
def county():
    return WellbeingCountyFactory(
        code="09",
        name_fi="Päijät-Hämeen hyvinvointialue",
        name_sv="Päijänne-Tavastlands välfärdsområde",
        name_en="Päijät-Häme wellbeing services county",
    )


@pytest.fixture
def sore_throat():
    return ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu", name_sv="Halsont", name_en="Sore throat")


@pytest.fixture
def sore_throat_set(county, sore_throat):
    centre_routes(county=county, module=sore_throat)
    return published(county=county, module=sore_throat)


def sheet_url(language="fi", county="09", module="kurkkukipu"):
    return f"/{language}/routes/counties/{county}/{module}/"


def test_the_sheet_shows_the_published_routes(client, sore_throat_set):
    response = client.get(sheet_url())

    assertContains(response, "<h1>Kurkkukipu – Päijät-Hämeen hyvinvointialue</h1>", html=True)
    assertContains(response, 'role="img"')
    assertContains(response, "A · Digikeskus")
    assertContains(response, "Tulos: Kiireellinen")
    assertContains(
        response, "Ohjaus D: Kiireetön, ympäri vuorokauden: ammattilaisen työjono, Digikeskus, 2 tunnin kuluessa, kun"
    )
    assertContains(response, "<td>2.11.2026</td>", html=True)
    assertContains(response, "Tulos ”Kiireellinen”: ohjaukset tunneittain")


def test_an_edit_after_publishing_does_not_show_until_published_again(client, county, sore_throat, sore_throat_set):
    Route.objects.filter(channel="phone_line").update(channel="chat")
    route = Route.objects.get(channel="work_queue")
    route.receiving_unit.name_fi = "Luonnosasema"
    route.receiving_unit.save()
    Route.objects.create(
        county=county,
        module=sore_throat,
        outcome=route.outcome,
        window_kind="always",
        channel="self_care",
        receiving_unit=route.receiving_unit,
        valid_from=datetime.date(2025, 1, 1),
    )

    before = client.get(sheet_url())
    published(county=county, module=sore_throat)
    cache.clear()
    after = client.get(sheet_url())

    assertNotContains(before, "Luonnosasema")
    assertNotContains(before, "chattiin")
    assertNotContains(before, "omahoito-ohjeet")
    assertContains(after, "Luonnosasema")
    assertContains(after, "omahoito-ohjeet")


@pytest.mark.parametrize(
    ("language", "heading", "channel", "unit"),
    [
        ("fi", "Tänään käytössä olevat ohjaukset", "puhelinlinja", "Digikeskus"),
        ("sv", "Styrningar i bruk i dag", "telefonlinje", "Digicentralen"),
        ("en", "Routes in use today", "phone line", "Digital centre"),
    ],
)
def test_the_sheet_is_in_three_languages(client, sore_throat_set, language, heading, channel, unit):
    response = client.get(sheet_url(language))

    assertContains(response, f'<h2 id="flow-heading">{heading}</h2>', html=True)
    assertContains(response, channel)
    assertContains(response, f"A · {unit}")


@pytest.mark.parametrize(
    "path",
    [
        "/fi/routes/counties/99/kurkkukipu/",
        "/fi/routes/counties/09/tuntematon/",
        "/fi/routes/counties/09/yska/",
        "/fi/routes/counties/99/",
        "/fi/routes/contents/tuntematon/",
        "/fi/routes/counties/99/deck.pptx",
        "/fi/routes/counties/09%00/",
    ],
)
def test_unknown_or_unpublished_is_404(client, sore_throat_set, path):
    ContentModuleFactory(code="yska")

    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_a_route_set_never_published_is_404(client, county, sore_throat):
    centre_routes(county=county, module=sore_throat)

    assert client.get(sheet_url()).status_code == HTTPStatus.NOT_FOUND
    assertContains(client.get("/fi/routes/counties/09/"), "Alue ei ole vielä julkaissut ohjauksia.")


def contents_published(county, count) -> list:
    modules = [
        ContentModuleFactory(code=f"sisalto-{index:02d}", name_fi=f"Sisältö {index:02d}") for index in range(count)
    ]
    centre = digital_centre(county)
    for module in modules:
        centre_routes(county=county, module=module, centre=centre)
        published(county=county, module=module)
    return modules


@pytest.mark.parametrize("count", [2, 20])
def test_the_county_page_lists_its_routed_contents_in_two_queries(client, county, django_assert_num_queries, count):
    modules = contents_published(county, count)
    published(county=county, module=modules[1])  # published again: still one card

    with django_assert_num_queries(2):
        response = client.get("/fi/routes/counties/09/")

    assert response.content.decode().count('<li class="card">') == count
    assertContains(response, 'href="/fi/routes/counties/09/sisalto-01/"')
    assertContains(response, '<input type="checkbox" name="module" value="sisalto-01"', count=1)


@pytest.mark.parametrize("count", [2, 20])
def test_the_county_detail_page_links_the_routed_contents(client, county, count):
    contents_published(county, count)

    response = client.get("/fi/counties/09/")

    assertContains(response, "Mitä arvion jälkeen tapahtuu")
    assertContains(response, 'href="/fi/routes/counties/09/sisalto-00/"')
    assertContains(response, 'href="/fi/routes/counties/09/"')


@pytest.mark.parametrize("count", [2, 20])
def test_the_content_page_compares_every_county_in_three_queries(client, sore_throat, django_assert_num_queries, count):
    for index in range(count):
        county = WellbeingCountyFactory(code=f"{index + 1:02d}", name_fi=f"Alue {index + 1:02d}")
        centre_routes(county=county, module=sore_throat, centre=digital_centre(county))
        published(county=county, module=sore_throat)

    with django_assert_num_queries(3):
        response = client.get("/fi/routes/contents/kurkkukipu/")

    assert response.content.decode().count('<th scope="row">') == count
    assertContains(response, "puhelinlinja, Digikeskus (30 minuutin kuluessa)", count=count)
    assertContains(response, "päivystysapu 116117, Päivystysapu 116117 (ei käsittelytavoitetta)", count=count)


def test_the_content_page_has_a_row_per_county_with_routes_by_day_and_at_night(client, county, sore_throat_set):
    response = client.get("/en/routes/contents/kurkkukipu/")

    assertContains(response, "How the counties route Sore throat")
    assertContains(response, "<dt>By day</dt>", html=True)
    assertContains(response, "medical helpline 116117, Medical helpline 116117 (no handling target)")


@pytest.mark.parametrize("routes", [1, 10])
def test_the_sheet_runs_four_queries_however_many_routes(
    client, county, sore_throat, django_assert_num_queries, routes
):
    outcomes = symptom_outcomes()
    centre = digital_centre(county)
    for index in range(routes):
        Route.objects.create(
            county=county,
            module=sore_throat,
            outcome=outcomes["non-urgent"],
            window_kind="always",
            channel="work_queue",
            receiving_unit=centre,
            valid_from=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
        )
    published(county=county, module=sore_throat)

    with django_assert_num_queries(4):
        response = client.get(sheet_url())

    assert response.content.decode().count('<th scope="row">') == routes


def test_upcoming_changes_are_listed_with_their_dates(client, county, sore_throat):
    outcomes = symptom_outcomes()
    centre = digital_centre(county)
    common = {"county": county, "module": sore_throat, "outcome": outcomes["urgent"], "receiving_unit": centre}
    Route.objects.create(
        **common,
        window_kind="always",
        channel="phone_line",
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2099, 12, 31),
    )
    Route.objects.create(**common, window_kind="always", channel="chat", valid_from=datetime.date(2100, 1, 1))
    published(county=county, module=sore_throat)

    response = client.get(sheet_url("en"))

    assertContains(
        response, "After 31.12.2099: Urgent, around the clock, no longer goes to Digital centre (phone line, route A)."
    )
    assertContains(
        response, "From 1.1.2100: Urgent, around the clock, goes to Digital centre (hand-off to chat, route B)."
    )


def test_the_grid_names_each_hours_routes_and_marks_a_gap_in_words(client, county, sore_throat):
    outcomes = symptom_outcomes()
    centre = digital_centre(county)
    Route.objects.create(
        county=county,
        module=sore_throat,
        outcome=outcomes["urgent"],
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        starts_at=datetime.time(8),
        ends_at=datetime.time(16),
        channel="phone_line",
        receiving_unit=centre,
        valid_from=datetime.date(2025, 1, 1),
    )
    published(county=county, module=sore_throat)

    page = client.get(sheet_url()).content.decode()

    grid = page.split('<table class="coverage-grid">', 1)[1].split("</table>", 1)[0]
    first_day = grid.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = first_day.split("<td ")[1:]
    gap = '<span class="gap-mark" aria-hidden="true">✕</span><span class="visually-hidden">ei ohjausta</span></td>'
    assert len(cells) == 24
    assert cells[7] == f'class="coverage-cell coverage-gap">{gap}'
    assert cells[8] == 'class="coverage-cell tone-0">A</td>'
    assert cells[15] == 'class="coverage-cell tone-0">A</td>'
    assert cells[16] == f'class="coverage-cell coverage-gap">{gap}'
    assert '<abbr title="7:00–8:00">07</abbr>' in grid
    assert "Tulos ”Kiireellinen”: ohjaukset tunneittain – tunteja ilman ohjausta" in grid


def _monday(weeks_ahead: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks_ahead)


def _finnish(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def test_the_grid_shows_the_week_asked_for(client, sore_throat_set):
    monday = _monday(1)

    response = client.get(sheet_url(), {"week": monday.isoformat()})

    sunday = monday + datetime.timedelta(days=6)
    assertContains(response, f"Viikko {_finnish(monday)}–{_finnish(sunday)}")
    assertNotContains(response, f"Viikko {_finnish(_monday(0))}–")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-13-01", "Anna viikko sen maanantain päivämääränä"),
        ("tuesday", "Anna viikko sen maanantain päivämääränä"),
        ("+1", "Anna viikko sen maanantain päivämääränä"),
    ],
)
def test_a_week_that_is_no_date_is_refused_in_words(client, sore_throat_set, week, message):
    response = client.get(sheet_url(), {"week": week})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()


def test_a_week_not_starting_on_monday_or_over_a_year_away_is_refused(client, sore_throat_set):
    tuesday = _monday(1) + datetime.timedelta(days=1)

    not_monday = client.get(sheet_url(), {"week": tuesday.isoformat()})
    too_far = client.get(sheet_url("en"), {"week": _monday(53).isoformat()})
    last_year = client.get(sheet_url("sv"), {"week": _monday(-52).isoformat()})

    assert not_monday.status_code == too_far.status_code == HTTPStatus.BAD_REQUEST
    assert f"esim. {_monday(1).isoformat()}" in not_monday.content.decode()
    assert too_far.content.decode() == "The week must start within a year of today."
    assert last_year.status_code == HTTPStatus.OK
