"""Two editors, one row: the second save of a description, phase or step is refused and says what the first changed."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from processes.concurrency import EDIT_CONFLICT_UNLISTED
from processes.models import Phase, ProcessDescription, Step
from processes.tests.admin_forms import page_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model, own_county, people):
    user = django_user_model.objects.create_user(
        "toinen", password="x", is_staff=True, first_name="Maija", last_name="Meikäläinen"
    )
    user.groups.add(*people["editor"].groups.all())
    own_county.editors.add(user)
    return user


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def opened_form(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return page_form_data(response)


def conflict_errors(response) -> list[str]:
    form = response.context["adminform"].form
    errors = list(form.non_field_errors())
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline.formset.forms:
            errors += list(inline_form.non_field_errors())
    return errors


def test_the_second_save_of_a_description_is_refused_and_lists_the_first_ones_changes(draft, people, second_editor):
    url = reverse("admin:processes_processdescription_change", args=[draft.pk])
    first, second = client_of(people["editor"]), client_of(second_editor)
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    old_title, old_summary = draft.title, draft.summary

    saved = second.post(url, {**second_form, "title": "Toisen otsikko"})
    refused = first.post(url, {**first_form, "summary": "Ensimmäisen tiivistelmä"})

    assert saved.status_code == HTTPStatus.FOUND
    assert refused.status_code == HTTPStatus.OK
    (error,) = conflict_errors(refused)
    assert error.startswith("Someone else saved this while you were editing it (Maija Meikäläinen, ")
    assert f"Their changes: title: “{old_title}” → “Toisen otsikko”." in error
    assert "Nothing was saved." in error
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Toisen otsikko", old_summary)


def test_after_opening_the_page_again_the_save_goes_through(draft, people, second_editor):
    url = reverse("admin:processes_processdescription_change", args=[draft.pk])
    first = client_of(people["editor"])
    stale = opened_form(first, url)
    client_of(second_editor).post(url, {**opened_form(client_of(second_editor), url), "title": "Toisen otsikko"})
    assert first.post(url, {**stale, "summary": "Ensimmäisen tiivistelmä"}).status_code == HTTPStatus.OK

    saved = first.post(url, {**opened_form(first, url), "summary": "Ensimmäisen tiivistelmä"})

    assert saved.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Toisen otsikko", "Ensimmäisen tiivistelmä")


def test_the_second_save_of_a_phase_is_refused(draft, people, second_editor):
    phase = draft.phases.order_by("order").first()
    url = reverse("admin:processes_phase_change", args=[phase.pk])
    first, second = client_of(people["editor"]), client_of(second_editor)
    first_form, second_form = opened_form(first, url), opened_form(second, url)

    second.post(url, {**second_form, "goal": "Toisen tavoite"})
    refused = first.post(url, {**first_form, "title": "Ensimmäisen vaihe"})

    (error,) = conflict_errors(refused)
    assert "Their changes: goal: “Tavoite 1” → “Toisen tavoite”." in error
    phase.refresh_from_db()
    assert (phase.title, phase.goal) == ("Vaihe 1", "Toisen tavoite")


def test_a_step_changed_meanwhile_refuses_the_phase_page_with_its_inline_steps(draft, people, second_editor):
    phase = draft.phases.order_by("order").first()
    step = phase.steps.get()
    phase_url = reverse("admin:processes_phase_change", args=[phase.pk])
    step_url = reverse("admin:processes_step_change", args=[step.pk])
    first = client_of(people["editor"])
    first_form = opened_form(first, phase_url)
    second = client_of(second_editor)

    second.post(step_url, {**opened_form(second, step_url), "output": "Toisen tuotos"})
    refused = first.post(phase_url, {**first_form, "title": "Ensimmäisen vaihe", "steps-0-title": "Ensimmäisen askel"})

    assert refused.status_code == HTTPStatus.OK
    (error,) = conflict_errors(refused)
    assert "Their changes: produces: “Sovittu suunnitelma” → “Toisen tuotos”." in error
    phase.refresh_from_db()
    step.refresh_from_db()
    assert (phase.title, step.title, step.output) == ("Vaihe 1", "Askel 1.1", "Toisen tuotos")


def test_the_second_save_of_a_step_is_refused(draft, people, second_editor):
    step = Step.objects.filter(phase__process=draft).first()
    url = reverse("admin:processes_step_change", args=[step.pk])
    first, second = client_of(people["editor"]), client_of(second_editor)
    first_form, second_form = opened_form(first, url), opened_form(second, url)

    second.post(url, {**second_form, "estimated_days": "9"})
    refused = first.post(url, {**first_form, "title": "Ensimmäisen askel"})

    (error,) = conflict_errors(refused)
    assert "Their changes: estimated duration (days): “5” → “9”." in error
    step.refresh_from_db()
    assert (step.title, step.estimated_days) == ("Askel 1.1", 9)


def test_a_phase_changed_meanwhile_refuses_the_description_page_with_its_inline_phases(draft, people, second_editor):
    url = reverse("admin:processes_processdescription_change", args=[draft.pk])
    phase = draft.phases.order_by("order").first()
    first = client_of(people["editor"])
    first_form = opened_form(first, url)
    Phase.objects.filter(pk=phase.pk).first().save()  # someone saved the phase meanwhile

    refused = first.post(url, {**first_form, "phases-0-title": "Ensimmäisen vaihe"})

    assert refused.status_code == HTTPStatus.OK
    assert len(conflict_errors(refused)) == 1
    phase.refresh_from_db()
    assert phase.title == "Vaihe 1"


def test_a_change_without_history_is_still_refused_without_a_list(draft, people):
    url = reverse("admin:processes_processdescription_change", args=[draft.pk])
    editor = client_of(people["editor"])
    stale = opened_form(editor, url)
    ProcessDescription.objects.filter(pk=draft.pk).update(version=draft.version + 1)  # a write without history
    draft.history.all().delete()

    refused = editor.post(url, {**stale, "title": "Ei tallennu"})

    (error,) = conflict_errors(refused)
    assert f"Their changes: {EDIT_CONFLICT_UNLISTED}." in error
    draft.refresh_from_db()
    assert draft.title != "Ei tallennu"


def test_a_form_posted_without_its_version_is_refused(draft, people):
    url = reverse("admin:processes_processdescription_change", args=[draft.pk])
    editor = client_of(people["editor"])
    form = opened_form(editor, url)
    del form["edit_version"]

    refused = editor.post(url, {**form, "title": "Ilman versiota"})

    assert refused.status_code == HTTPStatus.OK
    draft.refresh_from_db()
    assert draft.title != "Ilman versiota"
