"""axe-core finds no serious or critical violation on the declining-usage page, in any language."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from metrics.decline import decline_windows
from metrics.models import PeriodType
from metrics.tests.factories import import_reference_data, weekly

pytestmark = pytest.mark.e2e

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def declining(transactional_db):
    refs = import_reference_data()
    first = decline_windows(period_type=PeriodType.WEEK, today=timezone.localdate(), window=4).previous_start
    falling = [30, 30, 30, 30, 10, 10, 10, 10]
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=falling, first=first)
    weekly(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.sore_throat,
        metric=refs.started,
        values=falling,
        first=first,
    )
    return refs


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_declining_page_has_no_serious_or_critical_violations(live_server, page, declining, language):
    page.goto(f"{live_server.url}/{language}/statistics/declining/")
    assert page.locator("tbody tr").count() == 2

    results = Axe().run(page)

    violations = [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert violations == []
