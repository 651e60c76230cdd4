"""A published guide with anchored steps, a rollout of the own county following it, and the people."""

import datetime

import pytest

from processes.models import ProcessDescription, PublishedVersion, ResponsibleRole, StepAnchor
from processes.publishing import process_snapshot
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, RolloutFactory, StepFactory
from regions.permissions import editor_group_ensure
from regions.tests.factories import WellbeingCountyFactory

GO_LIVE = datetime.date(2026, 6, 8)  # a Monday
PILOT_START = datetime.date(2026, 5, 4)  # a Monday
COACHING = "Muutosvalmennus 1"


def publish(process) -> PublishedVersion:
    """Store the guide's current rows as its newest published version."""
    version = PublishedVersion.objects.create(process=process, snapshot=process_snapshot(process))
    ProcessDescription.objects.filter(pk=process.pk).update(published_version=version)
    process.refresh_from_db()
    return version


@pytest.fixture
def own_county(db):
    return WellbeingCountyFactory(code="07", name_fi="Päijät-Hämeen hyvinvointialue", slug="paijat-hame")


@pytest.fixture
def other_county(db):
    return WellbeingCountyFactory(code="12", name_fi="Pohjois-Karjalan hyvinvointialue", slug="pohjois-karjala")


@pytest.fixture
def people(django_user_model, own_county, other_county):
    editors = editor_group_ensure()

    def staff(username, email):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True, email=email)
        user.groups.add(editors)
        return user

    people = {
        "editor": staff("editori", "editori@phhva.fi"),
        "publisher": staff("julkaisija", "julkaisija@phhva.fi"),
        "other_editor": staff("toinen", "toinen@siunsote.fi"),
    }
    own_county.editors.add(people["editor"])
    own_county.publishers.add(people["publisher"])
    other_county.editors.add(people["other_editor"])
    return people


@pytest.fixture
def guide(own_county):
    """Phase 1: A (20 working days before go-live, 5 days), B (3 after the pilot starts, 2 days);
    phase 2: C (on the first change-coaching session), D (10 before go-live), E (5 before go-live)."""
    process = ProcessDescriptionFactory(county=own_county, title="Päijät-Hämeen malli")
    first = PhaseFactory(process=process, order=1, title="Suunnittelu")
    second = PhaseFactory(process=process, order=2, title="Koulutus")
    StepFactory(phase=first, order=1, title="A", offset_days=-20, estimated_days=5)
    StepFactory(phase=first, order=2, title="B", anchor=StepAnchor.PILOT_START, offset_days=3, estimated_days=2)
    StepFactory(
        phase=second,
        order=1,
        title="C",
        anchor=StepAnchor.NAMED,
        anchor_name=COACHING,
        offset_days=0,
        estimated_days=None,
        responsible_role=ResponsibleRole.TRAINER,
    )
    StepFactory(phase=second, order=2, title="D", offset_days=-10, estimated_days=1)
    StepFactory(phase=second, order=3, title="E", offset_days=-5, estimated_days=1)
    publish(process)
    return process


@pytest.fixture
def rollout(guide, own_county):
    return RolloutFactory(county=own_county, process=guide, pilot_start=PILOT_START, go_live=GO_LIVE, status="planned")
