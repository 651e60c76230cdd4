"""The routing reference data loaded by `load_reference_data`: outcomes, care-guarantee rules, national services."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from routing.models import CareGuaranteeRule, Outcome, ReceivingUnit

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_loads_the_outcome_vocabulary_per_content_kind():
    output = load()

    assert "outcomes: 9 created, 0 updated" in output
    by_kind = {}
    for kind, code in Outcome.objects.values_list("content_kind", "code"):
        by_kind.setdefault(kind, []).append(code)
    assert by_kind == {
        "coaching": ["no-route"],
        "health_check": ["report-sent", "report-not-sent"],
        "service_assessment": ["may-be-entitled", "guidance-only"],
        "symptom_assessment": ["emergency", "urgent", "non-urgent", "self-care"],
    }
    assert list(Outcome.objects.filter(needs_route=False).values_list("code", flat=True).order_by("code")) == [
        "guidance-only",
        "no-route",
        "report-not-sent",
    ]


def test_loads_the_dated_care_guarantee_rules_with_their_sources():
    output = load()

    assert "care-guarantee rules: 11 created, 0 updated" in output
    cancelled = CareGuaranteeRule.objects.get(code="treatment-2024-11-cancelled")
    assert (cancelled.in_force, cancelled.valid_from, cancelled.law) == (
        False,
        datetime.date(2024, 11, 1),
        "HE 55/2023",
    )
    in_force_2025 = CareGuaranteeRule.objects.in_force_on(datetime.date(2025, 1, 1)).filter(measure="treatment")
    assert sorted(in_force_2025.values_list("code", "age_from", "age_below", "limit_value", "limit_unit")) == [
        ("treatment-2025-23-and-over", 23, None, 3, "months"),
        ("treatment-2025-under-23", None, 23, 14, "days"),
    ]
    assert all(rule.source.startswith("https://") for rule in CareGuaranteeRule.objects.all())


def test_loads_112_and_116117_as_national_services_and_a_second_load_changes_nothing():
    load()

    assert sorted(ReceivingUnit.objects.national().values_list("code", "phone", "open_around_the_clock")) == [
        ("112", "112", True),
        ("116117", "116117", True),
    ]
    ReceivingUnit.objects.filter(code="116117").update(phone="0")
    second = load()
    assert "outcomes: 0 created, 0 updated" in second
    assert "care-guarantee rules: 0 created, 0 updated" in second
    assert "national services: 0 created, 1 updated" in second
    assert ReceivingUnit.objects.get(code="116117").phone == "116117"
