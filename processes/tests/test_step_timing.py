"""A step's timing, as the public guide writes it beside the step."""

import pytest
from django.utils import translation

from processes.models import Step, StepAnchor


@pytest.mark.parametrize(
    ("language", "anchor", "name", "offset", "timing"),
    [
        ("fi", StepAnchor.NAMED, "Muutosvalmennus 1", -3, "Muutosvalmennus 1: 3 työpäivää ennen"),
        ("fi", StepAnchor.GO_LIVE, "", 1, "Käyttöönotto: 1 työpäivä jälkeen"),
        ("sv", StepAnchor.GO_LIVE, "", -10, "Driftstart: 10 arbetsdagar före"),
        ("en", StepAnchor.PILOT_START, "", 0, "Pilot start: on the day"),
        ("en", StepAnchor.GO_LIVE, "", None, ""),
    ],
)
def test_the_timing_counts_working_days_from_the_anchor(language, anchor, name, offset, timing):
    step = Step(anchor=anchor, anchor_name=name, offset_days=offset)

    with translation.override(language):
        assert step.timing == timing
