"""Browser tests in Debian's Chromium through pytest-playwright; never `playwright install`."""

import os
import shutil

import pytest
from playwright.sync_api import expect

from processes.models import DevelopmentStage, ProcessLink, ResponsibleRole, RolloutStatus
from processes.tests.factories import (
    ContentModuleFactory,
    PhaseFactory,
    ProcessDescriptionFactory,
    RolloutFactory,
    StepFactory,
)
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

CHROMIUM = shutil.which("chromium")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: once Playwright's event loop exists, it stays for the session."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Let the ORM run in the test thread, where Playwright's sync API keeps an event loop.

    Django refuses by default (microsoft/playwright-pytest#29). The variable is set when the
    first browser test starts, so the tests before them (and their subprocesses, such as
    `check --deploy`, which warns about it) never see it.
    """
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: install Debian's package (apt-get install chromium) to run the e2e tests.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    }


@pytest.fixture
def portal(transactional_db):
    """Two counties, contents in use, and North Karelia's published rollout guide."""
    north_karelia = WellbeingCountyFactory(
        code="12",
        name_fi="Pohjois-Karjalan hyvinvointialue",
        name_sv="Norra Karelens välfärdsområde",
        name_en="North Karelia wellbeing services county",
        brand="Siun sote",
        slug="pohjois-karjala",
    )
    WellbeingCountyFactory(
        code="07",
        name_fi="Päijät-Hämeen hyvinvointialue",
        name_sv="Päijänne-Tavastlands välfärdsområde",
        name_en="Päijät-Häme wellbeing services county",
        slug="paijat-hame",
    )
    reception = ServiceAreaFactory(
        county=north_karelia, name_fi="Vastaanottopalvelut", name_sv="Mottagningstjänster", name_en="Reception"
    )
    uti = ContentModuleFactory(
        code="virtsatietulehdus",
        name_fi="Virtsatietulehdus",
        name_sv="Urinvägsinfektion",
        name_en="Urinary tract infection",
        description_fi="Oirearvio virtsatieinfektion oireisiin.",
        description_source="DigiFinland 29.1.2026",
    )
    guide = ProcessDescriptionFactory(
        county=north_karelia,
        slug="siun-soten-kayttoonotto",
        title="Omaolo-palvelun käyttöönotto Siun sotessa",
        summary="Vaiheistettu malli Omaolo-sisältöjen käyttöönottoon Pohjois-Karjalassa.",
        author="Siun soten Omaolo-tiimi",
        place_of_implementation="Pohjois-Karjalan hyvinvointialue",
        funder="ministry",
        development_stage=DevelopmentStage.ESTABLISHED,
        operating_environment="Alueeseen kuuluu **13 kuntaa** ja noin 162 540 asukasta.",
        goals="- Yhtenäistää asiointia\n- Lisätä digitaalisten kanavien käyttöä",
        tips="Lue myös [THL:n ohje](https://thl.fi/).",
    )
    guide.modules.add(uti)
    ProcessLink.objects.create(process=guide, title="Käyttöönoton tarkistuslista", url="https://example.fi/lista.pdf")
    planning = PhaseFactory(process=guide, order=1, title="Suunnittelu", goal="Sovitaan tavoitteet ja vastuut.")
    pilot = PhaseFactory(process=guide, order=2, title="Pilotointi", goal="Kokeillaan yhdessä toimipisteessä.")
    PhaseFactory(process=guide, order=3, title="Laajentaminen", goal="Otetaan käyttöön koko alueella.")
    StepFactory(
        phase=planning,
        order=1,
        title="Nimeä minitiimi",
        responsible_role=ResponsibleRole.MANAGER,
        estimated_days=5,
        output="Nimetty minitiimi",
        checklist="Pääkäyttäjä\nEsihenkilö\nViestintä",
    )
    StepFactory(phase=pilot, order=1, title="Kouluta ammattilaiset", responsible_role=ResponsibleRole.TRAINER)
    RolloutFactory(
        county=north_karelia,
        module=uti,
        service_area=reception,
        process=guide,
        status=RolloutStatus.PILOTING,
        go_live=None,
        current_phase=pilot,
    )
    return guide


@pytest.fixture(autouse=True)
def short_timeouts(page):
    """Fail in seconds, not half a minute: every page here is local and small."""
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)
