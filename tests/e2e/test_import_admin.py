"""An editor imports a statistics file in the admin: upload, preview, confirm."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from metrics.models import ImportBatch, ImportState, UsageStatistic
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import csv_text

pytestmark = pytest.mark.e2e

ROWS = (
    "14,,virtsatietulehdus,assessments_started,week,2024-W05,1 234",
    "14,suun-terveys,virtsatietulehdus,assessments_started,week,2024-W05,20",
    "08,,kurkkukipu,assessments_completed,month,27.5.2024,7",
)


@pytest.fixture
def editor(transactional_db):
    import_reference_data()
    return get_user_model().objects.create_superuser("paakayttaja", password="omaolo-salasana-2024")


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "omaolo-salasana-2024")
    page.locator("input[type=submit]").click()


def test_an_editor_previews_and_confirms_an_import(live_server, page, editor, tmp_path):
    path = tmp_path / "viikot.csv"
    path.write_text(csv_text(*ROWS), encoding="utf-8")
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}{reverse('admin:metrics_usagestatistic_import_file')}")
    page.set_input_files("input[type=file]", str(path))
    page.locator("input[type=submit].default").click()

    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#import-changes tbody tr")).to_have_count(3)
    assert UsageStatistic.objects.count() == 0

    page.locator("input[name=confirm]").click()

    expect(page).to_have_url(re.compile(r"/admin/metrics/importbatch/\d+/change/$"))
    assert UsageStatistic.objects.count() == 3
    assert ImportBatch.objects.filter(outcome=ImportState.APPLIED).count() == 1


def test_an_invalid_file_shows_its_errors_and_cancelling_writes_nothing(live_server, page, editor, tmp_path):
    path = tmp_path / "viikot.csv"
    path.write_text(csv_text(*ROWS, "08,,kurkkukipu,assessments_completed,month,2024-13,7"), encoding="utf-8")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}{reverse('admin:metrics_usagestatistic_import_file')}")

    page.set_input_files("input[type=file]", str(path))
    page.locator("input[type=submit].default").click()

    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors tbody td").nth(1)).to_have_text("F")

    path.write_text(csv_text(*ROWS), encoding="utf-8")
    page.set_input_files("input[type=file]", str(path))
    page.locator("input[type=submit].default").click()
    page.locator("input[name=cancel]").click()

    expect(page).to_have_url(re.compile(r"/admin/metrics/usagestatistic/$"))
    assert UsageStatistic.objects.count() == 0
