"""axe-core finds no serious or critical violation on the usage pages, in any language."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from metrics.models import MetricKind, UsageStatistic
from metrics.tests.factories import MetricFactory
from processes.models import ContentModule, RolloutStatus
from processes.tests.factories import RolloutFactory
from regions.models import WellbeingCounty
from tests.e2e.test_accessibility import BLOCKING_IMPACTS

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv", "en"]
PAGES = {
    "statistics of a county with rollout events": "/{language}/statistics/?county=07&period_type=week",
    "feedback scores": "/{language}/statistics/?period_type=week&metric=customer_feedback",
    "county comparison": "/{language}/statistics/compare/?period_type=week&module=virtsatietulehdus",
    "adoption": "/{language}/statistics/adoption/?module=virtsatietulehdus",
    "county with usage before and after go-live": "/{language}/counties/07/?weeks=4",
}


@pytest.fixture
def usage(portal):
    """Päijät-Häme took the UTI assessment into use; weekly usage and feedback around its go-live."""
    paijat_hame = WellbeingCounty.objects.get(code="07")
    paijat_hame.population, paijat_hame.population_year = 205_000, 2024
    paijat_hame.save()
    uti = ContentModule.objects.get(code="virtsatietulehdus")
    started = MetricFactory(code="assessments_started", name_fi="Aloitetut arviot", name_en="Assessments started")
    feedback = MetricFactory(
        code="customer_feedback", name_fi="Asiakaspalaute", kind=MetricKind.SCORE, scale_min=1, scale_max=5
    )
    go_live = datetime.date(2024, 3, 4)
    RolloutFactory(
        county=paijat_hame,
        module=uti,
        status=RolloutStatus.IN_USE,
        pilot_start=datetime.date(2024, 1, 8),
        go_live=go_live,
    )
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=paijat_hame,
            module=uti,
            metric=metric,
            period_type="week",
            period_start=go_live + datetime.timedelta(weeks=offset),
            value=value,
            responses=responses,
        )
        for offset in range(-10, 14)
        for metric, value, responses in ((started, 50 + 10 * max(offset, 0), None), (feedback, 4, 12))
    )
    return paijat_hame


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_violations_on_the_usage_pages(live_server, page, usage, axe, language):
    found = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + path.format(language=language))
        results = axe.run(page)
        violations = [
            f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        if violations:
            found[name] = violations

    assert found == {}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_usage_pages_fit_a_320_pixel_wide_screen(live_server, page, usage, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + path.format(language="fi"))

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
