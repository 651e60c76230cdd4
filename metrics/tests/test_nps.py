"""NPS (−100 to 100) is a score metric beside the 1–5 scores; only a scale below zero lets a value be negative."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from metrics.importing.contract import NEGATIVE_VALUE, SCORE_OUT_OF_SCALE
from metrics.importing.parsing import ImportIssue
from metrics.models import Metric, MetricKind, UsageStatistic
from metrics.tests.factories import FIRST_WEEK, MetricFactory, UsageStatisticFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
HEADER = "county;service_area;module;metric;period_type;period;value;responses"


@pytest.fixture
def nps(refs):
    refs.feedback = MetricFactory(code="customer_feedback", kind=MetricKind.SCORE, scale_min=1, scale_max=5)
    return MetricFactory(code="customer_nps", kind=MetricKind.SCORE, scale_min=-100, scale_max=100)


def upload(client, *rows):
    content = "\n".join([HEADER, *rows]) + "\n"
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile("nps.csv", content.encode())})


def test_the_reference_metrics_ship_nps_beside_the_one_to_five_scores(db):
    call_command("load_reference_data", verbosity=0)

    scales = {m.code: (m.kind, m.scale_min, m.scale_max) for m in Metric.objects.filter(kind=MetricKind.SCORE)}
    assert scales == {
        "customer_feedback": (MetricKind.SCORE, 1, 5),
        "professional_feedback": (MetricKind.SCORE, 1, 5),
        "customer_nps": (MetricKind.SCORE, -100, 100),
    }
    assert Metric.objects.get(code="customer_nps").name_fi == "Asiakkaiden suositteluindeksi (NPS)"


def test_negative_nps_imports_through_the_admin_with_decimal_commas_and_minus_signs(nps, admin_client):
    preview = upload(
        admin_client,
        "14;;kurkkukipu;customer_nps;kuukausi;2026-10;-12,5;40",
        "14;suun-terveys;kurkkukipu;customer_nps;kuukausi;2026-10;\u221240;10",
        "08;;kurkkukipu;customer_nps;kuukausi;2026-10;-100;3",
        "08;;virtsatietulehdus;customer_nps;kuukausi;2026-10;79;24000",
    )
    assert preview.status_code == HTTPStatus.OK
    assert preview.context["result"].errors == []

    done = admin_client.post(
        reverse("admin:metrics_usagestatistic_import_confirm", args=[preview.context["pending"].token])
    )

    assert done.status_code == HTTPStatus.FOUND
    assert dict(UsageStatistic.objects.values_list("responses", "value")) == {
        40: Decimal("-12.5"),
        10: -40,
        3: -100,
        24000: 79,
    }


def test_negative_values_are_refused_where_the_scale_does_not_allow_them_with_line_and_column(nps, admin_client):
    response = upload(
        admin_client,
        "14;;kurkkukipu;customer_feedback;kuukausi;2026-10;-1;5",
        "14;;kurkkukipu;assessments_started;kuukausi;2026-10;-3;",
        "14;;kurkkukipu;customer_nps;kuukausi;2026-10;-100,5;5",
        "08;;kurkkukipu;customer_nps;kuukausi;2026-10;101;5",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["result"].errors == [
        ImportIssue(2, "G", NEGATIVE_VALUE.format(value="-1")),
        ImportIssue(3, "G", NEGATIVE_VALUE.format(value="-3")),
        ImportIssue(4, "G", SCORE_OUT_OF_SCALE.format(value="-100,5", low=-100, high=100, metric="customer_nps")),
        ImportIssue(5, "G", SCORE_OUT_OF_SCALE.format(value="101", low=-100, high=100, metric="customer_nps")),
    ]
    assert not UsageStatistic.objects.exists()


def test_the_database_refuses_a_negative_value_unless_the_metric_scale_allows_it(nps, refs):
    key = {"county": refs.north_karelia, "module": refs.uti, "period_start": FIRST_WEEK}

    UsageStatisticFactory(**key, metric=nps, value=Decimal("-37.5"), responses=8)
    for metric in (refs.started, refs.feedback):
        with pytest.raises(IntegrityError), transaction.atomic():
            UsageStatisticFactory(**key, metric=metric, value=-1)
    count = UsageStatisticFactory(**key, metric=refs.started, value=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatistic.objects.filter(pk=count.pk).update(value=-5)
    # Moving a negative NPS figure onto a count is refused too.
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatistic.objects.filter(metric=nps).update(metric=refs.completed)

    assert sorted(UsageStatistic.objects.values_list("metric__code", "value")) == [
        ("assessments_started", 5),
        ("customer_nps", Decimal("-37.5")),
    ]


def test_only_a_score_may_have_a_scale_below_zero_and_a_scale_runs_upwards(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricFactory(code="contacts", kind=MetricKind.ADDITIVE, scale_min=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricFactory(code="upside_down", kind=MetricKind.SCORE, scale_min=5, scale_max=1)


def test_a_hand_edit_obeys_the_same_rule(nps, refs):
    count = UsageStatistic(
        county=refs.north_karelia,
        module=refs.uti,
        metric=refs.started,
        period_type="week",
        period_start=FIRST_WEEK,
        value=-2,
    )
    with pytest.raises(ValidationError) as refused:
        count.full_clean()
    assert refused.value.message_dict["value"] == [NEGATIVE_VALUE.format(value=-2)]
    count.metric = nps
    count.full_clean()


def test_nps_adds_up_as_the_response_weighted_mean(nps, refs, client):
    week = FIRST_WEEK
    UsageStatisticFactory(
        county=refs.north_karelia, module=refs.uti, metric=nps, period_start=week, value=50, responses=100
    )
    UsageStatisticFactory(
        county=refs.pirkanmaa, module=refs.uti, metric=nps, period_start=week, value=-10, responses=300
    )

    response = client.get(
        "/api/series", {"metric": "customer_nps", "period_type": "week", "end": "2026-W40", "periods": 1}
    )

    # (50 · 100 + (−10) · 300) / 400 = 5
    assert response.status_code == HTTPStatus.OK
    assert [(point["period"], point["value"]) for point in response.json()["points"]] == [("2026-W40", 5.0)]
    assert week == datetime.date(2026, 9, 28)
