"""No address parameter a visitor can type makes a public page fail: hostile input is a form error or a 404."""

import datetime
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.filters import FIRST_YEAR, LAST_YEAR, PERIOD_OUT_OF_RANGE
from metrics.periods import INVALID_YEAR
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from processes.models import ProcessDescription
from processes.views import SEARCH_MAX_CHARACTERS, SEARCH_MAX_WORDS, SEARCH_TOO_LONG

pytestmark = pytest.mark.django_db

# Bounded so the whole module runs in well under a minute; each page gets its own budget.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KNOWN_HOSTILE = [
    "",
    "\x00",
    "14\x00",
    "0000-W01",
    "0001-W01",
    "1.1.0001",
    "0.0.0000",
    "9999-W52",
    "31.12.9999",
    "9999-12",
    "2024-W54",
    "2024-13",
    "-1",
    "1e309",
    "NaN",
    "9" * 5000,
    str(2**64),
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "\ud7ff\ue000\U0010ffff",
    "ä" * 3000,
    "x" * 60000,
    "omaolo " * 1500,
]
hostile_text = st.one_of(
    st.sampled_from(KNOWN_HOSTILE),
    st.text(max_size=40),
    st.text(min_size=500, max_size=3000),
    st.integers().map(str),
    st.from_regex(r"-?\d{1,6}-W\d{1,3}", fullmatch=True),
    st.from_regex(r"\d{1,3}\.\d{1,3}\.\d{1,6}", fullmatch=True),
)


# Valid values mixed in, so that hostile text also reaches the code behind a valid choice.
VALID = {
    "county": ["14", "09"],
    "module": ["virtsatietulehdus", "hyvinvointitarkastus"],
    "metric": ["assessments_started", "assessments_completed"],
    "period_type": ["week", "month"],
    "start": ["2024-W05", "2024-05", "27.5.2024"],
    "end": ["2025-W10", "2025-03", "1.1.2100"],
    "stage": ["ready", "in_development"],
    "page": ["1", "2"],
    "q": ["omaolo", "käyttöönotto"],
}


def query_params(*names: str):
    """Some of the page's own parameters and perhaps a stray one, each valid or hostile."""
    own = st.fixed_dictionaries(
        {}, optional={name: st.one_of(st.sampled_from(VALID[name]), hostile_text) for name in names}
    )
    stray = st.dictionaries(st.text(min_size=1, max_size=12), hostile_text, max_size=2)
    return st.tuples(own, stray).map(lambda pair: {**pair[1], **pair[0]})


def assert_answers_without_server_error(client, path, params):
    response = client.get(path, params)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (path, params)


PAGES = {
    "home": ("/fi/", ()),
    "process list": ("/sv/processes/", ("q", "county", "module", "stage", "page")),
    "process detail": ("/en/processes/omaolo-pohjois-karjala/", ()),
    "county detail": ("/fi/counties/14/", ()),
    "module list": ("/fi/modules/", ()),
    "module detail": ("/sv/modules/virtsatietulehdus/", ()),
    "statistics": ("/fi/statistics/", ("county", "module", "metric", "period_type", "start", "end")),
    "statistics export": ("/fi/statistics/export.csv", ("county", "module", "metric", "period_type", "start", "end")),
    "accessibility": ("/en/accessibility/", ()),
    "not found": ("/fi/ei-ole-sivua/", ()),
}


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters_never_cause_a_server_error(client, demo_data, page):
    path, names = PAGES[page]

    @FUZZ
    @given(params=query_params(*names))
    def visit(params):
        assert_answers_without_server_error(client, path, params)

    visit()


@pytest.mark.parametrize("page", PAGES)
def test_every_known_hostile_value_in_every_parameter_is_answered(client, demo_data, page):
    path, names = PAGES[page]

    for name in names or ("stray",):
        for value in KNOWN_HOSTILE:
            assert_answers_without_server_error(client, path, {name: value})


@FUZZ
@given(code=hostile_text)
def test_a_hostile_county_code_in_the_address_is_not_found(client, demo_data, code):
    response = client.get(f"/fi/counties/{quote(code, safe='')}/")

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND, HTTPStatus.MOVED_PERMANENTLY)


def test_a_county_code_with_a_nul_byte_is_not_found(client, demo_data):
    assert client.get("/fi/counties/14%00/").status_code == HTTPStatus.NOT_FOUND


with translation.override("en"):
    # The pages below are read in English.
    OUT_OF_RANGE = str(PERIOD_OUT_OF_RANGE).format(first=FIRST_YEAR, last=LAST_YEAR)
    YEAR_ZERO = str(INVALID_YEAR).format(year=0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period_type": "week", "end": "0001-W01"}, "end"),
        ({"period_type": "week", "end": "1.1.0001"}, "end"),
        ({"end": "1.1.0001"}, "end"),
        ({"start": "0001-01"}, "start"),
        ({"start": "1999-12"}, "start"),
        ({"end": "2101-01"}, "end"),
        ({"period_type": "week", "start": "9999-W52"}, "start"),
        ({"period_type": "week", "start": "31.12.9999"}, "start"),
    ],
)
def test_a_range_bound_outside_the_years_is_explained_on_the_page(client, params, field):
    with translation.override("en"):
        response = client.get("/en/statistics/", params)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]
    assert OUT_OF_RANGE in response.content.decode()
    assert "totals" not in response.context


def test_a_range_bound_in_year_zero_is_explained_on_the_page(client):
    with translation.override("en"):
        response = client.get("/en/statistics/", {"period_type": "week", "start": "0000-W01"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["start"] == [YEAR_ZERO]
    assert "totals" not in response.context


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period_type": "week", "start": "0000-W01"}, YEAR_ZERO),
        ({"end": "1.1.0001"}, OUT_OF_RANGE),
    ],
)
def test_an_export_with_a_bound_outside_the_years_answers_bad_request(client, params, message):
    with translation.override("en"):
        response = client.get("/en/statistics/export.csv", params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()


@pytest.mark.parametrize(("params", "label"), [({"period_type": "week", "start": "1.1.2000"}, "1999-W52")])
def test_a_week_reaching_into_the_first_year_is_accepted(client, params, label):
    metric = MetricFactory(code="assessments_started")
    UsageStatisticFactory(metric=metric, period_type="week", period_start=datetime.date(1999, 12, 27))

    response = client.get("/en/statistics/", params)

    assert [total.label for total in response.context["totals"]] == [label]


@pytest.mark.parametrize("period_type", ["week", "month"])
def test_a_stored_figure_of_year_one_does_not_break_the_statistics_page(client, period_type):
    metric = MetricFactory(code="assessments_started")
    UsageStatisticFactory(metric=metric, period_type=period_type, period_start=datetime.date(1, 1, 1), value=5)

    response = client.get("/en/statistics/", {"period_type": period_type})
    export = client.get("/en/statistics/export.csv", {"period_type": period_type})

    assert response.status_code == HTTPStatus.OK
    assert [total.value for total in response.context["totals"]] == [5]
    assert export.status_code == HTTPStatus.OK
    assert len(b"".join(export.streaming_content).decode().splitlines()) == 2


@pytest.mark.parametrize("query", ["omaolo " * 11, "x" * 201])
def test_a_search_too_long_to_run_is_explained_and_the_list_shown(client, demo_data, query):
    with translation.override("en"):
        message = str(SEARCH_TOO_LONG).format(words=SEARCH_MAX_WORDS, characters=SEARCH_MAX_CHARACTERS)
        response = client.get("/en/processes/", {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].form.errors["q"] == [message]
    assert message in response.content.decode()
    assert response.context["page"].paginator.count == ProcessDescription.objects.published().count()


def test_a_search_of_ten_words_still_searches(client, demo_data):
    response = client.get("/en/processes/", {"q": "omaolo " * 10})

    assert response.context["filter"].form.errors == {}


def test_a_search_too_long_to_run_is_refused_beside_an_unknown_county(client, demo_data):
    response = client.get("/en/processes/", {"q": "omaolo " * 1500, "county": "834"})

    assert response.status_code == HTTPStatus.OK
    assert set(response.context["filter"].form.errors) == {"q", "county"}
