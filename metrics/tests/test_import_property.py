"""Property tests: any valid file round-trips exactly; any corrupted cell writes nothing."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.importing.parsing import column_letter
from metrics.tests.import_support import snapshot, stored, upload

pytestmark = pytest.mark.django_db

COUNTIES = {
    "14": ["14", "Pohjois-Karjalan hyvinvointialue", "NORRA KARELENS VÄLFÄRDSOMRÅDE"],
    "08": ["08", "pirkanmaan hyvinvointialue", "Birkalands välfärdsområde"],
}
AREAS = {"14": [None, "suun-terveys"], "08": [None]}
MODULES = {"virtsatietulehdus": ["virtsatietulehdus", "Virtsatietulehdus"], "kurkkukipu": ["kurkkukipu", "KURKKUKIPU"]}
METRICS = ["assessments_started", "assessments_completed"]
PERIOD_TYPES = {"week": ["week", "viikko", "Week"], "month": ["month", "kuukausi"]}
HEADERS = {
    "county": ["county", "hyvinvointialue"],
    "service_area": ["service_area", "palvelualue"],
    "module": ["module", "sisältö"],
    "metric": ["metric", "mittari"],
    "period_type": ["period_type", "jaksotyyppi"],
    "period": ["period", "jakso"],
    "value": ["value", "määrä"],
}
CORRUPTIONS = {
    "county": ["99", "Pohjois-Karjala", ""],
    "service_area": ["hammashoito"],
    "module": ["yskä-ja-nuha", ""],
    "metric": ["clicks", ""],
    "period_type": ["day", "", "viikot"],
    "period": ["2024-W54", "2024-13", "31.2.2024", "", "ensi viikko"],
    "value": ["-1", "1.5", "12.0", "", "kymmenen", "1 2"],
}
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def statistics(draw):
    """Distinct (county, service area, module, metric, period type, period start, value) rows."""
    county = st.sampled_from(sorted(COUNTIES))
    key = st.tuples(county, st.integers(0, 1), st.sampled_from(sorted(MODULES)), st.sampled_from(METRICS)).flatmap(
        lambda k: st.tuples(
            st.just(k[0]),
            st.just(AREAS[k[0]][k[1] % len(AREAS[k[0]])]),
            st.just(k[2]),
            st.just(k[3]),
            st.sampled_from(["week", "month"]).flatmap(
                lambda kind: st.tuples(
                    st.just(kind),
                    st.integers(1, 52).map(lambda week: datetime.date.fromisocalendar(2024, week, 1))
                    if kind == "week"
                    else st.integers(1, 12).map(lambda month: datetime.date(2024, month, 1)),
                )
            ),
        )
    )
    keys = draw(st.lists(key, min_size=1, max_size=12, unique=True))
    values = draw(st.lists(st.integers(0, 10**12), min_size=len(keys), max_size=len(keys)))
    return [(c, a, m, k, kind, start, value) for (c, a, m, k, (kind, start)), value in zip(keys, values, strict=True)]


@st.composite
def rendered_file(draw, rows):
    """The rows as a CSV file in one of the forms Excel users produce, and its column order."""
    columns = draw(st.permutations(list(HEADERS)))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    header = [draw(st.sampled_from(HEADERS[name])) for name in columns]
    lines = []
    for county, area, module, metric, kind, start, value in rows:
        cells = {
            "county": draw(st.sampled_from(COUNTIES[county])),
            "service_area": area or "",
            "module": draw(st.sampled_from(MODULES[module])),
            "metric": metric,
            "period_type": draw(st.sampled_from(PERIOD_TYPES[kind])),
            "period": draw(period_text(kind, start)),
            "value": draw(value_text(value)),
        }
        lines.append([cells[name] for name in columns])
    return columns, delimiter, line_end, encoding, header, lines


def period_text(kind, start):
    if kind == "week":
        inside = st.integers(0, 6).map(lambda offset: start + datetime.timedelta(days=offset))
        iso_week = st.just(f"{start.isocalendar().year}-W{start.isocalendar().week:02d}")
    else:
        inside = st.integers(0, 27).map(lambda offset: start + datetime.timedelta(days=offset))
        iso_week = st.sampled_from([f"{start:%Y-%m}", f"{start.month}.{start.year}"])
    return st.one_of(
        iso_week, inside.map(lambda day: day.isoformat()), inside.map(lambda d: f"{d.day}.{d.month}.{d.year}")
    )


def value_text(value):
    grouped = f"{value:,}"
    return st.sampled_from([str(value), grouped.replace(",", " "), grouped.replace(",", "\u00a0")])


def encode(delimiter, line_end, header, lines):
    return "".join(delimiter.join(cells) + line_end for cells in [header, *lines])


def expected(rows):
    return {(c, a, m, k, kind, start, value) for c, a, m, k, kind, start, value in rows}


@HYPOTHESIS
@given(data=st.data())
def test_a_random_valid_file_round_trips_exactly(refs, data):
    rows = data.draw(statistics())
    _, delimiter, line_end, encoding, header, lines = data.draw(rendered_file(rows))
    text = encode(delimiter, line_end, header, lines)

    with transaction.atomic():
        result = usage_import(file=upload(text, encoding=encoding), user=TRUSTED_OPERATOR, dry_run=False)
        assert result.errors == []
        assert (result.created, result.updated, result.unchanged) == (len(rows), 0, 0)
        assert stored() == expected(rows)
        again = usage_import(file=upload(text, encoding=encoding), user=TRUSTED_OPERATOR, dry_run=False)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
        transaction.set_rollback(True)


@HYPOTHESIS
@given(data=st.data())
def test_a_random_corruption_never_writes_a_row(refs, data):
    rows = data.draw(statistics())
    columns, delimiter, line_end, encoding, header, lines = data.draw(rendered_file(rows))
    row_index = data.draw(st.integers(0, len(lines) - 1))
    name = data.draw(st.sampled_from(columns))
    lines[row_index][columns.index(name)] = data.draw(st.sampled_from(CORRUPTIONS[name]))
    text = encode(delimiter, line_end, header, lines)
    already_stored = data.draw(st.booleans())

    with transaction.atomic():
        if already_stored:
            canonical = [
                [c, a or "", m, k, kind, start.isoformat(), str(value + 1)] for c, a, m, k, kind, start, value in rows
            ]
            assert usage_import(
                file=upload(encode(",", "\n", list(HEADERS), canonical)), user=TRUSTED_OPERATOR, dry_run=False
            ).ok
        before = snapshot()
        result = usage_import(file=upload(text, encoding=encoding), user=TRUSTED_OPERATOR, dry_run=False)
        assert not result.ok
        assert (row_index + 2, column_letter(columns.index(name))) in {
            (issue.line, issue.column) for issue in result.errors
        }
        assert snapshot() == before
        transaction.set_rollback(True)
