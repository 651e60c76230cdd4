"""The county figures (metrics.models.CountyFigure) equal what the totals rule makes of the statistics.

The database keeps them (migration 0009's triggers) in the transaction of every write: each
test writes statistics one way (an import, a re-import, a correction, a hand edit in the
admin, a delete, a bulk write) and compares the stored figures with the rule worked out
here in Python from the rows, for every kind of metric, then with the figures the pages
would compute from the rows themselves. Runs on SQLite and PostgreSQL alike.
"""

import datetime
from http import HTTPStatus

import pytest
from django.db import transaction
from django.urls import reverse

from metrics import aggregation
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.models import CountyFigure, MetricKind, PeriodType, UsageStatistic
from metrics.tests.factories import MetricFactory, UsageStatisticFactory
from metrics.tests.import_support import HEADER, csv_text, upload
from processes.tests.admin_forms import form_data
from regions.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db

W40 = datetime.date(2026, 9, 28)
W41 = datetime.date(2026, 10, 5)
KEY = ("county_id", "module_id", "metric_id", "period_type", "period_start")


@pytest.fixture
def world(refs):
    refs.joensuu = ServiceAreaFactory(county=refs.north_karelia, code="joensuu", name_fi="Joensuu")
    refs.users = MetricFactory(code="users", kind=MetricKind.DISTINCT)
    refs.feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    return refs


def rule_figures() -> dict[tuple, tuple]:
    """Each key's figure worked out from the statistics: its county row, else all its parts."""
    keys: dict[tuple, list[UsageStatistic]] = {}
    for statistic in UsageStatistic.objects.all():
        keys.setdefault(tuple(getattr(statistic, name) for name in KEY), []).append(statistic)
    figures = {}
    for key, rows in keys.items():
        counted = [row for row in rows if row.service_area_id is None] or rows
        figures[key] = (
            sum(row.value for row in counted),
            round(sum(float(row.value) * (row.responses or 1) for row in counted), 6),
            sum(row.responses or 1 for row in counted),
            len(counted),
            sum(1 for row in counted if row.service_area_id is not None),
        )
    return figures


def stored_figures() -> dict[tuple, tuple]:
    return {
        tuple(getattr(figure, name) for name in KEY): (
            figure.total,
            round(figure.score_total, 6),
            figure.responses,
            figure.row_count,
            figure.part_count,
        )
        for figure in CountyFigure.objects.all()
    }


def assert_figures_follow_the_statistics(world):
    assert stored_figures() == rule_figures()
    for metric in (world.started, world.users, world.feedback):
        for period_type in (PeriodType.WEEK, PeriodType.MONTH):
            statistics = UsageStatistic.objects.filter(metric=metric, period_type=period_type)
            figures = CountyFigure.objects.filter(metric=metric, period_type=period_type)
            series = {"metric": metric, "period_type": period_type, "today": W41}
            assert aggregation.series(figures, **series) == aggregation.series(statistics, **series)
            assert aggregation.by_county(figures, metric=metric) == aggregation.by_county(statistics, metric=metric)


def _import(*rows):
    result = usage_import(
        file=upload(csv_text(*rows, header=f"{HEADER},responses")), user=TRUSTED_OPERATOR, dry_run=False
    )
    assert result.ok, result.errors
    return result


# Every kind, with a county row and parts (the parts hidden), and parts only (the parts counted).
FIRST_FILE = [
    "14,,kurkkukipu,assessments_started,week,2026-W40,100,",
    "14,suun-terveys,kurkkukipu,assessments_started,week,2026-W40,60,",
    "14,suun-terveys,virtsatietulehdus,assessments_started,week,2026-W40,7,",
    "14,joensuu,virtsatietulehdus,assessments_started,week,2026-W40,5,",
    "14,,kurkkukipu,users,week,2026-W40,40,",
    "14,suun-terveys,kurkkukipu,users,week,2026-W40,30,",
    "14,suun-terveys,virtsatietulehdus,users,week,2026-W40,9,",
    "14,joensuu,virtsatietulehdus,users,week,2026-W40,4,",
    "14,,kurkkukipu,customer_feedback,week,2026-W40,4.5,10",
    "14,suun-terveys,kurkkukipu,customer_feedback,week,2026-W40,2,3",
    "14,suun-terveys,virtsatietulehdus,customer_feedback,week,2026-W40,3.25,4",
    "14,joensuu,virtsatietulehdus,customer_feedback,week,2026-W40,4.75,",
    "08,,kurkkukipu,assessments_started,month,2026-10,12,",
    "08,,kurkkukipu,customer_feedback,month,2026-10,3.5,8",
]


def test_an_import_writes_each_keys_figure_from_its_county_row_or_else_its_parts(world):
    _import(*FIRST_FILE)

    figures = stored_figures()
    uti, sore_throat = world.uti.pk, world.sore_throat.pk
    county = world.north_karelia.pk
    # By hand: the county row alone where there is one; the two parts added where there is none.
    assert figures[(county, sore_throat, world.started.pk, "week", W40)][::2] == (100, 1, 0)
    assert figures[(county, uti, world.started.pk, "week", W40)][::2] == (12, 2, 2)
    # 3.25 × 4 + 4.75 × 1 (no responses weighs 1) = 17.75, over 5 responses.
    assert figures[(county, uti, world.feedback.pk, "week", W40)][1:3] == (17.75, 5)
    assert_figures_follow_the_statistics(world)


def test_a_reimport_a_correction_and_a_new_county_row_rewrite_only_what_they_change(world):
    _import(*FIRST_FILE)
    _import(*FIRST_FILE)  # unchanged
    assert_figures_follow_the_statistics(world)

    _import(
        "14,suun-terveys,virtsatietulehdus,assessments_started,week,2026-W40,70,",  # a correction of a part
        "14,,virtsatietulehdus,users,week,2026-W40,11,",  # a county row now hides the parts
        "14,suun-terveys,kurkkukipu,customer_feedback,week,2026-W40,2,30",  # hidden part, responses changed
        "14,joensuu,kurkkukipu,assessments_started,week,2026-W41,3,",  # a new key of parts only
    )

    figures = stored_figures()
    assert figures[(world.north_karelia.pk, world.uti.pk, world.started.pk, "week", W40)][::2] == (75, 2, 2)
    assert figures[(world.north_karelia.pk, world.uti.pk, world.users.pk, "week", W40)][::2] == (11, 1, 0)
    assert_figures_follow_the_statistics(world)


def test_hand_edits_in_the_admin_rewrite_the_figures_of_the_old_and_the_new_key(world, admin_client):
    _import(*FIRST_FILE)
    county_row = UsageStatistic.objects.get(
        county=world.north_karelia, module=world.sore_throat, metric=world.started, service_area=None
    )
    change_url = reverse("admin:metrics_usagestatistic_change", args=[county_row.pk])
    data = form_data(admin_client.get(change_url).context["adminform"].form)

    # Moved to the next week: W40 is left to its part, W41 gets the county row.
    response = admin_client.post(change_url, {**data, "period_start": "2026-10-05", "value": "90"})

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    figures = stored_figures()
    assert figures[(world.north_karelia.pk, world.sore_throat.pk, world.started.pk, "week", W40)][::2] == (60, 1, 1)
    assert figures[(world.north_karelia.pk, world.sore_throat.pk, world.started.pk, "week", W41)][::2] == (90, 1, 0)
    assert_figures_follow_the_statistics(world)

    delete_url = reverse("admin:metrics_usagestatistic_delete", args=[county_row.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FOUND

    assert (world.north_karelia.pk, world.sore_throat.pk, world.started.pk, "week", W41) not in stored_figures()
    assert_figures_follow_the_statistics(world)


def test_deletes_bulk_writes_and_updates_keep_the_figures(world):
    _import(*FIRST_FILE)

    UsageStatistic.objects.filter(service_area=None, metric=world.users).delete()  # the parts count again
    assert_figures_follow_the_statistics(world)

    UsageStatistic.objects.bulk_create(
        [
            UsageStatistic(
                county=world.north_karelia,
                module=world.uti,
                metric=world.feedback,
                period_type=PeriodType.WEEK,
                period_start=W40,
                value=5,
                responses=2,
            ),
            UsageStatistic(
                county=world.pirkanmaa,
                module=world.uti,
                metric=world.started,
                period_type=PeriodType.MONTH,
                period_start=datetime.date(2026, 10, 1),
                value=8,
            ),
        ]
    )
    assert_figures_follow_the_statistics(world)

    UsageStatistic.objects.filter(metric=world.started).update(value=1)
    UsageStatistic.objects.filter(service_area=world.joensuu).update(period_start=W41)
    assert_figures_follow_the_statistics(world)

    UsageStatistic.objects.all().delete()
    assert not CountyFigure.objects.exists()


def test_a_write_that_rolls_back_leaves_the_figures_as_they_were(world):
    _import(*FIRST_FILE)
    before = stored_figures()

    with pytest.raises(RuntimeError), transaction.atomic():
        UsageStatistic.objects.filter(metric=world.started).delete()
        UsageStatisticFactory(county=world.pirkanmaa, module=world.uti, metric=world.users, value=3)
        raise RuntimeError

    assert stored_figures() == before


def test_parts_imported_in_separate_files_add_up_and_a_later_county_row_replaces_them(world):
    _import("14,suun-terveys,virtsatietulehdus,customer_feedback,week,2026-W40,3.25,4")
    _import("14,joensuu,virtsatietulehdus,customer_feedback,week,2026-W40,4.75,")

    key = (world.north_karelia.pk, world.uti.pk, world.feedback.pk, "week", W40)
    # 3.25 × 4 + 4.75 × 1 = 17.75 over 5 responses, from 2 parts.
    assert stored_figures()[key] == (8, 17.75, 5, 2, 2)
    assert_figures_follow_the_statistics(world)

    _import("14,,virtsatietulehdus,customer_feedback,week,2026-W40,4,6")
    assert stored_figures()[key] == (4, 24.0, 6, 1, 0)

    ServiceAreaFactory(county=world.north_karelia, code="outokumpu", name_fi="Outokumpu")
    _import("14,outokumpu,virtsatietulehdus,customer_feedback,week,2026-W40,1,9")  # hidden by the county row

    assert stored_figures()[key] == (4, 24.0, 6, 1, 0)
    assert_figures_follow_the_statistics(world)
