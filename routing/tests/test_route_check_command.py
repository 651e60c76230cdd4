"""`manage.py route_check`: quiet and 0 when clean, the findings and 1 otherwise, 2 for an unknown county."""

import csv
import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from processes.tests.factories import RolloutFactory
from regions.reference_data import municipality_languages_load
from regions.tests.factories import MunicipalityFactory, WellbeingCountyFactory
from routing import checks
from routing.choices import Channel, Urgency
from routing.tests.factories import OutcomeFactory, RouteFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def kainuu():
    county = WellbeingCountyFactory(code="18", name_fi="Kainuun hyvinvointialue")
    rollout = RolloutFactory(county=county, module__code="kurkkukipu", module__name_fi="Kurkkukipu")
    OutcomeFactory(code="urgent", urgency=Urgency.URGENT, name_fi="Kiireellinen", name_en="Urgent", order=1)
    OutcomeFactory(code="non-urgent", order=2)
    return county, rollout.module


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("route_check", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def route(county, module, code, **values):
    return RouteFactory(county=county, module=module, outcome=OutcomeFactory(code=code), **values)


def test_clean_routes_print_nothing_and_exit_0(kainuu):
    county, module = kainuu
    route(county, module, "urgent", channel=Channel.PHONE_LINE, target_kind="none")
    route(county, module, "non-urgent")

    assert run() == ("", "")
    assert run("--county", "18", "--format", "csv") == ("", "")


def test_findings_are_printed_and_exit_1(kainuu):
    county, module = kainuu
    route(county, module, "urgent", channel=Channel.CONTACT_REQUEST, target_kind="none")
    route(county, module, "non-urgent")

    with pytest.raises(CommandError) as refused:
        run("--language", "en")

    assert refused.value.returncode == 1
    assert str(refused.value) == "1 finding."


def test_text_and_csv_name_the_route_and_the_fix(kainuu):
    county, module = kainuu
    urgent = route(county, module, "urgent", channel=Channel.CONTACT_REQUEST, target_kind="none")
    route(county, module, "non-urgent")
    with translation.override("en"):
        label = str(urgent)
        fix = str(checks.URGENT_ASYNCHRONOUS_FIX)
        message = str(checks.URGENT_ASYNCHRONOUS) % {"route": label, "channel": "contact request"}
    assert label == f"{module.name_en} – Urgent – {urgent.receiving_unit.name_en} (around the clock)"

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("route_check", "--language", "en", stdout=out)
    assert out.getvalue() == f"18 {message} {fix}\n"

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("route_check", "--county", "18", "--format", "csv", "--language", "en", stdout=out)
    assert list(csv.reader(StringIO(out.getvalue()))) == [
        ["county", "content", "route", "check", "severity", "finding", "fix"],
        [
            "18",
            "kurkkukipu",
            str(urgent.pk),
            "urgent_asynchronous",
            "error",
            message,
            fix,
        ],
    ]


def test_another_county_is_not_checked(kainuu):
    county, module = kainuu
    route(county, module, "urgent", channel=Channel.CONTACT_REQUEST, target_kind="none")
    WellbeingCountyFactory(code="19")

    assert run("--county", "19") == ("", "")


def test_an_unknown_county_exits_2(kainuu):
    with pytest.raises(CommandError) as refused:
        run("--county", "99", "--language", "en")

    assert refused.value.returncode == 2
    assert str(refused.value) == "No county has the code “99”."


def test_an_unknown_format_is_refused(kainuu):
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        run("--format", "xml")


def test_a_bilingual_municipality_loaded_from_the_decree_needs_a_swedish_route(kainuu):
    county, module = kainuu
    MunicipalityFactory(code="905", name_fi="Vaasa", county=county)
    municipality_languages_load()
    route(county, module, "urgent", channel=Channel.PHONE_LINE, target_kind="none", languages=["fi", "sv"])
    finnish = route(county, module, "non-urgent")

    with pytest.raises(CommandError):
        run()
    finnish.languages = ["fi", "sv"]
    finnish.save()

    assert run() == ("", "")


def test_the_bilingual_check_names_the_municipality(kainuu):
    county, module = kainuu
    MunicipalityFactory(code="905", name_fi="Vaasa", county=county)
    municipality_languages_load()
    route(county, module, "urgent", channel=Channel.PHONE_LINE, target_kind="none", languages=["fi", "sv"])
    route(county, module, "non-urgent")
    out = StringIO()

    with pytest.raises(CommandError), translation.override("en"):
        call_command("route_check", "--language", "en", stdout=out, stderr=StringIO())

    with translation.override("en"):
        content = module.name
    assert out.getvalue().startswith(f"18 {content}, Non-urgent: no route in Swedish serves the bilingual Vaasa. ")
