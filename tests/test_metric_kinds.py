"""The shipped metrics know their kind: it decides how every page adds them up."""

import pytest

from metrics.models import Metric, MetricKind
from metrics.reference_data import metrics_load

pytestmark = pytest.mark.django_db


def test_the_reference_metrics_load_with_their_kind_and_the_feedback_scale():
    metrics_load()

    kinds = {metric.code: (metric.kind, metric.scale_min, metric.scale_max) for metric in Metric.objects.all()}
    assert kinds == {
        "assessments_started": (MetricKind.ADDITIVE, None, None),
        "assessments_completed": (MetricKind.ADDITIVE, None, None),
        "sent_to_professional": (MetricKind.ADDITIVE, None, None),
        "self_booked": (MetricKind.ADDITIVE, None, None),
        "users": (MetricKind.DISTINCT, None, None),
        "customer_feedback": (MetricKind.SCORE, 1, 5),
        "professional_feedback": (MetricKind.SCORE, 1, 5),
        "customer_nps": (MetricKind.SCORE, -100, 100),
    }


def test_loading_the_metrics_twice_changes_nothing():
    metrics_load()

    assert metrics_load() == (0, 0)
