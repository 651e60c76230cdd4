"""The reviewer's comparison: what changed since the last published version, by field, phase and step."""

import pytest
from django.utils import translation

from processes.models import Phase, Step
from processes.publishing import line_changes, process_snapshot, published_form, snapshot_changes
from processes.services import process_publish, process_revision_start, process_submit
from processes.tests.factories import ContentModuleFactory, PhaseFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(draft, people):
    draft.goals = "Asukkaat saavat palvelun oikeaan aikaan.\nAmmattilaisten työ kohdentuu.\nJonot lyhenevät."
    draft.save()
    process_submit(process=draft, user=people["editor"])
    process_publish(process=draft, user=people["publisher"])
    process_revision_start(process=draft, user=people["editor"])
    draft.refresh_from_db()
    return draft


def changes_of(process):
    return snapshot_changes(process.published_version.snapshot, process_snapshot(process))


def test_nothing_changed_right_after_publishing(published):
    assert changes_of(published).is_empty


def test_a_short_field_shows_old_and_new_text(published):
    published.title = "Omaolon käyttöönotto, versio 2"
    published.development_stage = "ready"
    published.save()

    with translation.override("en"):
        changes = {change.name: change for change in changes_of(published).fields}
        stages = (str(changes["development_stage"].old), str(changes["development_stage"].new))

    assert set(changes) == {"title", "development_stage"}
    assert (changes["title"].old, changes["title"].new, changes["title"].lines) == (
        published.published_version.snapshot["fields"]["title"],
        "Omaolon käyttöönotto, versio 2",
        None,
    )
    assert stages == ("in development", "ready")


def test_a_long_text_is_compared_line_by_line(published):
    published.goals = "Asukkaat saavat palvelun oikeaan aikaan.\nJonot lyhenevät selvästi.\nPalaute kerätään."
    published.save()

    (goals,) = changes_of(published).fields

    assert goals.name == "goals"
    assert goals.lines == [
        ("same", "Asukkaat saavat palvelun oikeaan aikaan."),
        ("removed", "Ammattilaisten työ kohdentuu."),
        ("removed", "Jonot lyhenevät."),
        ("added", "Jonot lyhenevät selvästi."),
        ("added", "Palaute kerätään."),
    ]


def test_phases_added_removed_and_changed(published):
    first, second = published.phases.order_by("order")
    first.goal = "Uusi tavoite"
    first.save()
    second.delete()
    PhaseFactory(process=published, order=3, title="Seuranta", goal="Seurataan käyttöä.")

    phases = {(change.kind, change.title): change for change in changes_of(published).phases}

    assert set(phases) == {("changed", "Vaihe 1"), ("removed", "Vaihe 2"), ("added", "Seuranta")}
    assert [(f.name, f.old, f.new) for f in phases[("changed", "Vaihe 1")].fields] == [
        ("goal", "Tavoite 1", "Uusi tavoite")
    ]
    assert {f.name for f in phases[("added", "Seuranta")].fields} == {"order", "title", "goal"}


def test_steps_added_removed_and_changed_inside_their_phase(published):
    first, second = published.phases.order_by("order")
    step = first.steps.get()
    step.output = "Hyväksytty suunnitelma"
    step.estimated_days = 8
    step.save()
    StepFactory(phase=first, order=2, title="Sovi viestinnästä")
    second.steps.get().delete()

    phases = {change.title: change for change in changes_of(published).phases}

    assert set(phases) == {"Vaihe 1", "Vaihe 2"}
    steps = {(change.kind, change.title): change for change in phases["Vaihe 1"].steps}
    assert set(steps) == {("changed", "Askel 1.1"), ("added", "Sovi viestinnästä")}
    assert [(f.name, f.old, f.new) for f in steps[("changed", "Askel 1.1")].fields] == [
        ("estimated_days", 5, 8),
        ("output", "Sovittu suunnitelma", "Hyväksytty suunnitelma"),
    ]
    assert [(change.kind, change.title) for change in phases["Vaihe 2"].steps] == [("removed", "Askel 2.1")]


def test_contents_and_links_added_and_removed(published):
    published.modules.add(ContentModuleFactory(name_fi="Kurkkukipu"))
    published.links.create(title="Koulutusmateriaali", url="https://example.fi/koulutus.pdf")

    with translation.override("fi"):
        changes = changes_of(published)

    assert changes.modules_added == ["Kurkkukipu"]
    assert changes.modules_removed == []
    assert [(change.kind, change.title) for change in changes.links] == [("added", "Koulutusmateriaali")]


def test_line_changes_of_an_empty_text():
    assert line_changes("", "Uusi rivi") == [("added", "Uusi rivi")]


def test_the_published_form_rebuilds_phases_steps_and_links(published):
    form = published_form(published.published_version.snapshot)
    Phase.objects.all().delete()

    assert [phase.title for phase in form.phases] == ["Vaihe 1", "Vaihe 2"]
    assert [[step.title for step in phase.step_list] for phase in form.phases] == [["Askel 1.1"], ["Askel 2.1"]]
    assert form.phases[0].step_list[0].checklist_items == ["Nimeä vastuuhenkilö", "Sovi aikataulu"]
    assert not Step.objects.exists()
