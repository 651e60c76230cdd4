"""The deck: opened back with python-pptx, a title slide and one slide per chosen content, in the URL's language."""

import io
from http import HTTPStatus

import pytest
from django.core.cache import cache
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory
from routing.deck import DECK_CONTENT_TYPE
from routing.models import Route
from routing.tests.published_sets import centre_routes, digital_centre, published
from routing.views import UNKNOWN_DECK_CONTENT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_pages():
    cache.clear()


@pytest.fixture
def county():
    return WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue", name_en="Päijät-Häme")


@pytest.fixture
def contents(county):
    centre = digital_centre(county)
    modules = [
        ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu", name_en="Sore throat"),
        ContentModuleFactory(code="yska", name_fi="Yskä", name_en="Cough"),
        ContentModuleFactory(code="korvakipu", name_fi="Korvakipu", name_en="Ear pain"),
    ]
    for module in modules:
        centre_routes(county=county, module=module, centre=centre)
        published(county=county, module=module)
    return modules


def slides_of(response):
    deck = Presentation(io.BytesIO(response.content))
    return list(deck.slides)


def texts(slide) -> list[str]:
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def table_rows(slide) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows] for shape in slide.shapes if shape.has_table
    ]


def test_the_deck_has_a_title_slide_and_one_slide_per_content(client, contents):
    response = client.get("/en/routes/counties/09/deck.pptx")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == DECK_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="routes-09-en.pptx"'
    slides = slides_of(response)
    assert len(slides) == 1 + 3
    assert texts(slides[0])[0] == "What happens after the assessment: Päijät-Häme"
    assert [texts(slide)[0].split("\n")[0] for slide in slides[1:]] == [
        "Ear pain – Päijät-Häme",
        "Sore throat – Päijät-Häme",
        "Cough – Päijät-Häme",
    ]


def test_a_content_slide_has_the_swimlane_the_route_table_and_the_grid(client, contents):
    slide = slides_of(client.get("/en/routes/counties/09/deck.pptx?module=kurkkukipu"))[1]

    found = texts(slide)
    assert {"Resident", "Omaolo", "Receiving unit", "Out-of-hours\nservice"} <= set(found)
    assert "A · Digital centre\nphone line\nMo–Fr 07:00–21:00\nwithin 30 minutes" in found
    assert sum(1 for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.LINE) >= 7
    routes, grid = table_rows(slide)
    assert routes[0] == ["Key", "Result", "Receiving unit", "Channel", "Hours", "Target", "Valid"]
    assert routes[4] == [
        "D",
        "Non-urgent",
        "Digital centre",
        "professional's work queue",
        "around the clock (handled Mo–Fr 07:00–21:00, Sa–Su 08:00–18:00)",
        "within 2 hours when sent by 13:00",
        "1.1.2025–",
    ]
    assert grid[0][:2] == ["Result", "Days"]
    assert [row[0] for row in grid[1:]].count("Non-urgent") >= 1
    assert not [cell for row in grid[1:] for cell in row[2:] if "✕" in cell]


def test_the_chosen_contents_come_in_the_order_chosen_in_finnish(client, contents):
    slides = slides_of(client.get("/fi/routes/counties/09/deck.pptx?module=yska&module=kurkkukipu&module=yska"))

    assert [texts(slide)[0].split("\n")[0] for slide in slides] == [
        "Mitä arvion jälkeen tapahtuu: Päijät-Hämeen hyvinvointialue",
        "Yskä – Päijät-Hämeen hyvinvointialue",
        "Kurkkukipu – Päijät-Hämeen hyvinvointialue",
    ]
    assert "Asukas" in texts(slides[1])


def test_the_deck_reads_the_published_routes_not_the_edited_ones(client, contents):
    Route.objects.update(channel="chat")

    found = "\n".join(texts(slides_of(client.get("/en/routes/counties/09/deck.pptx?module=yska"))[1]))

    assert "phone line" in found
    assert "hand-off to chat" not in found


def test_a_content_without_published_routes_is_refused_by_name(client, contents):
    ContentModuleFactory(code="selkakipu")

    response = client.get("/en/routes/counties/09/deck.pptx?module=yska&module=selkakipu")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.content.decode() == str(UNKNOWN_DECK_CONTENT) % {"code": "selkakipu"}


def test_a_county_without_published_routes_has_no_deck(client, county):
    assert client.get("/en/routes/counties/09/deck.pptx").status_code == HTTPStatus.NOT_FOUND
