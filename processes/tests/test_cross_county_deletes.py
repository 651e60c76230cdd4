"""No cross-county side effects: one county's edits of its guide never reach a rollout of another county.

Päijät-Häme (09) publishes a guide that Pirkanmaa (08) follows. Päijät-Häme's editor may not
delete a phase or step that Pirkanmaa's rollout has as its current phase or completed step,
by any way into it (the delete page, the bulk action, the guide's and the phase's inline
rows); Pirkanmaa's editor picks the guide and its steps by their published titles, never by
the titles of a revision under review.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from processes.models import Phase, PublicationStatus, Rollout, Step
from processes.services import FOLLOWED_BY_OTHER_COUNTIES, process_publish, process_revision_start, process_submit
from processes.tests.admin_forms import page_form_data
from processes.tests.conftest import guide_with_phases
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.permissions import editor_group_ensure
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request in English leaves English active in the test's thread: later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def paijat_hame(db):
    return WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue", slug="paijat-hame")


@pytest.fixture
def pirkanmaa(db):
    return WellbeingCountyFactory(pirkanmaa=True, slug="pirkanmaa", name_en="Pirkanmaa")


def _editor_of(django_user_model, county, username):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    county.editors.add(user)
    return user


@pytest.fixture
def editor_09(django_user_model, paijat_hame):
    return _editor_of(django_user_model, paijat_hame, "editori-09")


@pytest.fixture
def editor_08(django_user_model, pirkanmaa):
    return _editor_of(django_user_model, pirkanmaa, "editori-08")


@pytest.fixture
def publisher_09(django_user_model, paijat_hame):
    user = _editor_of(django_user_model, paijat_hame, "julkaisija-09")
    paijat_hame.publishers.add(user)
    return user


@pytest.fixture
def guide(paijat_hame, publisher_09):
    """Päijät-Häme's published guide: "Vaihe 1" with "Askel 1.1", "Vaihe 2" with "Askel 2.1"."""
    guide = guide_with_phases(
        paijat_hame, status=PublicationStatus.DRAFT, published_at=None, title="Päijät-Hämeen malli"
    )
    process_submit(process=guide, user=publisher_09)
    process_publish(process=guide, user=publisher_09)
    guide.refresh_from_db()
    return guide


@pytest.fixture
def followed(guide, pirkanmaa):
    """Pirkanmaa's rollout: in phase 1 of Päijät-Häme's guide, step 1.1 done."""
    rollout = RolloutFactory(
        county=pirkanmaa,
        module=ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu", name_en="Sore throat"),
        process=guide,
        current_phase=Phase.objects.get(process=guide, title="Vaihe 1"),
    )
    rollout.completed_steps.add(Step.objects.get(phase__process=guide, title="Askel 1.1"))
    return rollout


def _client(client, user):
    client.force_login(user)
    return client


def _refusal(title):
    with override("en"):
        return str(FOLLOWED_BY_OTHER_COUNTIES % {"title": title, "rollouts": "Pirkanmaa: Sore throat"})


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _unchanged(rollout):
    rollout.refresh_from_db()
    assert rollout.current_phase.title == "Vaihe 1"
    assert [step.title for step in rollout.completed_steps.all()] == ["Askel 1.1"]
    assert rollout.history.count() == 2  # created, then its completed step: nothing since


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("model", "title"), [("phase", "Vaihe 1"), ("step", "Askel 1.1")])
def test_a_phase_or_step_another_county_follows_cannot_be_deleted(client, editor_09, followed, method, model, title):
    part = (Phase if model == "phase" else Step).objects.get(title=title)
    url = reverse(f"admin:processes_{model}_delete", args=[part.pk])

    response = getattr(_client(client, editor_09), method)(
        url, {"post": "yes"} if method == "post" else None, follow=True, headers={"accept-language": "en"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain == [(reverse(f"admin:processes_{model}_change", args=[part.pk]), HTTPStatus.FOUND)]
    assert _messages(response) == [_refusal(title)]
    assert type(part).objects.filter(pk=part.pk).exists()
    _unchanged(followed)


def test_a_step_of_a_phase_another_county_has_done_keeps_its_phase(client, editor_09, followed, guide):
    # Phase 2 is not the rollout's current phase, but deleting phase 1 would take step 1.1 with it.
    phase_2 = Phase.objects.get(process=guide, title="Vaihe 2")
    followed.current_phase = phase_2
    followed.save()

    response = _client(client, editor_09).post(
        reverse("admin:processes_phase_delete", args=[Phase.objects.get(title="Vaihe 1").pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Phase.objects.filter(process=guide).count() == 2


def test_the_bulk_delete_lists_the_rollouts_and_deletes_nothing(client, editor_09, followed):
    step = Step.objects.get(title="Askel 1.1")
    data = {"action": "delete_selected", "_selected_action": [step.pk], "post": "yes"}

    response = _client(client, editor_09).post(
        reverse("admin:processes_step_changelist"), data, headers={"accept-language": "en"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["protected"] == [_refusal("Askel 1.1")]
    assert Step.objects.filter(pk=step.pk).exists()
    _unchanged(followed)


def test_deleting_the_phase_in_the_guides_form_is_refused_with_the_rollouts(client, editor_09, followed, guide):
    editor_client = _client(client, editor_09)
    url = reverse("admin:processes_processdescription_change", args=[guide.pk])
    page = editor_client.get(url)
    data = page_form_data(page)
    phase = Phase.objects.get(title="Vaihe 1")
    prefix = next(
        inline.formset.prefix for inline in page.context["inline_admin_formsets"] if inline.formset.model is Phase
    )
    index = next(number for number in range(2) if str(data[f"{prefix}-{number}-id"]) == str(phase.pk))
    data[f"{prefix}-{index}-DELETE"] = "on"

    response = editor_client.post(url, data, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
    formset = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is Phase
    )
    assert formset.non_form_errors() == [_refusal("Vaihe 1")]
    assert Phase.objects.filter(pk=phase.pk).exists()
    guide.refresh_from_db()
    assert guide.status == PublicationStatus.PUBLISHED
    _unchanged(followed)


def test_deleting_the_step_in_the_phases_form_is_refused(client, editor_09, followed):
    editor_client = _client(client, editor_09)
    phase = Phase.objects.get(title="Vaihe 1")
    url = reverse("admin:processes_phase_change", args=[phase.pk])
    data = page_form_data(editor_client.get(url))
    data["steps-0-DELETE"] = "on"

    response = editor_client.post(url, data, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [_refusal("Askel 1.1")]
    _unchanged(followed)


def test_a_phase_only_the_own_countys_rollout_follows_can_be_deleted(client, editor_09, guide, paijat_hame):
    phase = Phase.objects.get(process=guide, title="Vaihe 1")
    own = RolloutFactory(county=paijat_hame, process=guide, current_phase=phase)

    response = _client(client, editor_09).post(
        reverse("admin:processes_phase_delete", args=[phase.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Phase.objects.filter(pk=phase.pk).exists()
    own.refresh_from_db()
    assert own.current_phase is None


# --- another county picks the guide and its steps by their published titles ---------------------


@pytest.fixture
def in_revision(guide, editor_09, followed):
    """Päijät-Häme rewrites its guide: new titles, not yet reviewed."""
    process_revision_start(process=guide, user=editor_09)
    guide.refresh_from_db()
    guide.title = "SALAINEN-LUONNOS-malli"
    guide.save()
    Phase.objects.filter(process=guide, title="Vaihe 1").update(title="SALAINEN-LUONNOS-vaihe")
    Step.objects.filter(phase__process=guide, title="Askel 1.1").update(title="SALAINEN-LUONNOS-askel")
    return guide


def _autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "processes", "model_name": "rollout", "field_name": "process", "term": term},
    )
    assert response.status_code == HTTPStatus.OK
    return [result["text"] for result in response.json()["results"]]


def test_another_countys_editor_picks_the_guide_by_its_published_title(client, editor_08, in_revision):
    editor_client = _client(client, editor_08)

    assert _autocomplete(editor_client, "") == ["Päijät-Hämeen malli"]
    assert _autocomplete(editor_client, "malli") == ["Päijät-Hämeen malli"]
    assert _autocomplete(editor_client, "SALAINEN") == []


def test_the_own_countys_editor_sees_the_revision_title(client, editor_09, in_revision):
    assert _autocomplete(_client(client, editor_09), "SALAINEN") == ["SALAINEN-LUONNOS-malli"]


def test_another_countys_editor_ticks_steps_by_their_published_titles(client, editor_08, in_revision, followed):
    Step.objects.create(
        phase=Phase.objects.get(title="Vaihe 2"), order=2, title="SALAINEN-uusi-askel", responsible_role="main_user"
    )

    response = _client(client, editor_08).get(
        reverse("admin:processes_rollout_change", args=[followed.pk]), headers={"accept-language": "en"}
    )

    form = response.context["adminform"].form
    assert [label for _value, label in form.fields["completed_steps"].choices] == [
        "Phase 1. Vaihe 1 › Step 1. Askel 1.1",
        "Phase 2. Vaihe 2 › Step 1. Askel 2.1",
    ]
    assert "SALAINEN" not in response.content.decode()


def test_the_own_countys_editor_ticks_steps_by_their_stored_titles(client, editor_09, in_revision, paijat_hame):
    own = RolloutFactory(county=paijat_hame, process=in_revision)

    response = _client(client, editor_09).get(
        reverse("admin:processes_rollout_change", args=[own.pk]), headers={"accept-language": "en"}
    )

    labels = [label for _value, label in response.context["adminform"].form.fields["completed_steps"].choices]
    assert labels == [
        "Phase 1. SALAINEN-LUONNOS-vaihe › Step 1. SALAINEN-LUONNOS-askel",
        "Phase 2. Vaihe 2 › Step 1. Askel 2.1",
    ]


def test_a_rollout_of_another_county_is_never_touched_by_a_superusers_refused_delete(admin_client, followed):
    phase = Phase.objects.get(title="Vaihe 1")

    response = admin_client.post(reverse("admin:processes_phase_delete", args=[phase.pk]), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert Rollout.objects.get(pk=followed.pk).current_phase_id == phase.pk


def _current_phase_column(client, user):
    response = client.get(reverse("admin:processes_rollout_changelist"))
    assert response.status_code == HTTPStatus.OK
    changelist = response.context["cl"]
    column = changelist.list_display.index(next(name for name in changelist.list_display if callable(name)))
    return [changelist.list_display[column](rollout) for rollout in changelist.result_list], response


def test_another_countys_editor_lists_the_current_phase_by_its_published_title(client, editor_08, in_revision):
    titles, response = _current_phase_column(_client(client, editor_08), editor_08)

    assert titles == ["1. Vaihe 1"]
    assert "SALAINEN" not in response.content.decode()


def test_the_own_countys_editor_lists_the_current_phase_as_stored(client, editor_09, in_revision, paijat_hame):
    RolloutFactory(
        county=paijat_hame, process=in_revision, current_phase=Phase.objects.get(process=in_revision, order=1)
    )

    titles, _response = _current_phase_column(_client(client, editor_09), editor_09)

    assert titles == ["1. SALAINEN-LUONNOS-vaihe"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_guide_another_county_follows_is_not_deleted_even_by_a_superuser(admin_client, guide, followed, method):
    url = reverse("admin:processes_processdescription_delete", args=[guide.pk])

    response = getattr(admin_client, method)(
        url, {"post": "yes"} if method == "post" else None, follow=True, headers={"accept-language": "en"}
    )

    change_url = reverse("admin:processes_processdescription_change", args=[guide.pk])
    assert response.redirect_chain == [(change_url, HTTPStatus.FOUND)]
    assert _messages(response) == [_refusal("Päijät-Hämeen malli")]
    _unchanged(followed)
    assert Rollout.objects.get(pk=followed.pk).process_id == guide.pk


def test_the_bulk_delete_of_a_followed_guide_lists_the_rollouts(admin_client, guide, followed):
    data = {"action": "delete_selected", "_selected_action": [guide.pk], "post": "yes"}

    response = admin_client.post(
        reverse("admin:processes_processdescription_changelist"), data, headers={"accept-language": "en"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["protected"] == [_refusal("Päijät-Hämeen malli")]
    assert Rollout.objects.get(pk=followed.pk).process_id == guide.pk
