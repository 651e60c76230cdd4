"""`usage_alerts`: quiet when nothing declines, the list when something does, mail to the right editors."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from followup.models import UsageAlert
from metrics.tests.factories import weekly
from processes.tests.factories import ContentModuleFactory

RULE_LINE = (
    "A content is flagged when its “Assessments started” per period in the last 4 complete periods fell by "
    "20 % or more from the 4 periods before, counted separately for the whole county and for each service "
    "area. Only periods that have figures are compared: a period not yet imported is missing, not zero. A "
    "content with no figures at all in the recent periods is listed as not reported, never as a fall. Nothing "
    "is flagged when the earlier periods had fewer than 50 in all. The current week or month is not over and "
    "is never compared. A content whose rollouts in the county have all ended is left out."
)


@pytest.fixture
def declining(refs):
    for row, name_en in [
        (refs.north_karelia, "North Karelia"),
        (refs.pirkanmaa, "Pirkanmaa"),
        (refs.oral_health, "Oral health"),
        (refs.uti, "Urinary tract infection"),
        (refs.sore_throat, "Sore throat"),
    ]:
        row.name_en = name_en
        row.save()
    falling = [30, 30, 30, 30, 10, 10, 10, 10]
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=falling)
    weekly(
        county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=falling
    )
    weekly(county=refs.pirkanmaa, module=refs.sore_throat, metric=refs.started, values=[25, 25, 25, 25, 15, 15, 15, 15])
    return refs


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("usage_alerts", "--today", "2026-11-25", "--language", "en", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _user(username, county, **extra):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.fi", **extra)
    county.editors.add(user)
    return user


def test_nothing_declining_prints_nothing(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[25] * 8)

    assert _run() == ("", "")
    assert not UsageAlert.objects.exists()


def test_the_text_list_states_the_rule_the_weeks_and_each_alert(declining):
    out, err = _run()

    assert err == ""
    assert out.splitlines() == [
        RULE_LINE,
        "Compared: 2026-W40–2026-W43 against 2026-W44–2026-W47.",
        "14 North Karelia: Urinary tract infection (virtsatietulehdus): 120 → 40 (-67 %) [open]",
        "14 North Karelia / Oral health: Urinary tract infection (virtsatietulehdus): 120 → 40 (-67 %) [open]",
        "08 Pirkanmaa: Sore throat (kurkkukipu): 100 → 60 (-40 %) [open]",
    ]


def test_the_csv_list_has_codes_only(declining):
    out, _err = _run("--format", "csv", "--county", "14")

    assert out.splitlines() == [
        "county,service_area,module,metric,period_type,window_end,previous,recent,change_percent,status",
        "14,,virtsatietulehdus,assessments_started,week,2026-W47,120,40,-67,open",
        "14,suun-terveys,virtsatietulehdus,assessments_started,week,2026-W47,120,40,-67,open",
    ]


def test_each_countys_editors_get_their_countys_alerts_only(declining, mailoutbox):
    _user("siun-paakayttaja", declining.north_karelia)
    _user("siun-toinen", declining.north_karelia)
    _user("siun-lahtenyt", declining.north_karelia, is_active=False)
    _user("pirha-paakayttaja", declining.pirkanmaa)

    _run("--notify")

    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        (
            "Omaolo: usage of 1 content is declining in Pirkanmaa",
            ["pirha-paakayttaja@example.fi"],
        ),
        (
            "Omaolo: usage of 2 contents is declining in North Karelia",
            ["siun-paakayttaja@example.fi", "siun-toinen@example.fi"],
        ),
    ]
    pirkanmaa_mail, north_karelia_mail = (mail.body for mail in mailoutbox)
    assert "Sore throat" in pirkanmaa_mail and "Urinary tract infection" not in pirkanmaa_mail
    assert "Oral health" in north_karelia_mail and "Sore throat" not in north_karelia_mail
    assert RULE_LINE in north_karelia_mail


def test_no_mail_when_nothing_declines(refs, mailoutbox):
    _user("siun-paakayttaja", refs.north_karelia)
    weekly(county=refs.north_karelia, module=ContentModuleFactory(), metric=refs.started, values=[25] * 8)

    assert _run("--notify") == ("", "")
    assert mailoutbox == []


def test_an_unknown_county_is_an_error(refs):
    with pytest.raises(CommandError) as error:
        _run("--county", "99")

    assert str(error.value) == "There is no county with the code “99”."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period-type", "year"], "invalid choice: 'year'"),
        (["--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_message(refs, args, message):
    with pytest.raises(CommandError) as error:
        _run(*args)

    assert message in str(error.value)
