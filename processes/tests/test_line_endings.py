"""A browser's CRLF line endings are stored as LF: an unchanged text saved in the admin changes nothing."""

from http import HTTPStatus

import pytest
from django.test import Client

from processes.models import ProcessDescription, PublicationStatus
from processes.models.texts import normalise_line_endings
from processes.services import process_publish, process_submit
from processes.tests.admin_forms import page_form_data
from processes.tests.factories import PhaseFactory, StepFactory
from processes.tests.guide_edits import admin_url

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
NOTHING_CHANGED = "Nothing has changed since the last published version."


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def as_a_browser_posts(data: dict) -> dict:
    """Every text's lines ended with CRLF, as a browser sends a text area."""
    return {name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()}


@pytest.fixture
def published(draft, people):
    ProcessDescription.objects.filter(pk=draft.pk).update(
        goals="Asukkaat saavat palvelun.\nJonot lyhenevät.", tips="- Aloita pienestä\n- Kerro tuloksista"
    )
    phase = draft.phases.get(order=1)
    phase.goal = "Suunnitelma valmis.\nVastuut sovittu."
    phase.save()
    step = phase.steps.get()
    step.description = "Kokoa tiimi.\n\nSovi aikataulu."
    step.save()
    process_submit(process=draft, user=people["editor"])
    process_publish(process=draft, user=people["publisher"])
    draft.refresh_from_db()
    return draft


def changes_page(people, process):
    return client_of(people["publisher"]).get(admin_url("processdescription_changes", process.pk)).content.decode()


@pytest.mark.parametrize("page", ["description", "phase", "step"])
def test_saving_unchanged_texts_with_crlf_changes_nothing(published, people, page):
    phase = published.phases.get(order=1)
    url, text_field = {
        "description": (admin_url("processdescription_change", published.pk), "goals"),
        "phase": (admin_url("phase_change", phase.pk), "goal"),
        "step": (admin_url("step_change", phase.steps.get().pk), "description"),
    }[page]
    editor = client_of(people["editor"])
    data = as_a_browser_posts(page_form_data(editor.get(url)))
    assert "\r\n" in data[text_field]

    response = editor.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    published.refresh_from_db()
    assert published.status == PublicationStatus.PUBLISHED
    assert published.transitions.count() == 2
    assert published.goals == "Asukkaat saavat palvelun.\nJonot lyhenevät."
    assert NOTHING_CHANGED in changes_page(people, published)


def test_a_changed_text_sent_with_crlf_is_stored_with_lf_and_only_it_shows_as_changed(published, people):
    editor = client_of(people["editor"])
    url = admin_url("processdescription_change", published.pk)
    data = as_a_browser_posts(page_form_data(editor.get(url)))
    data["goals"] = "Asukkaat saavat palvelun.\r\nJonot lyhenevät puoleen."

    editor.post(url, data)

    published.refresh_from_db()
    assert (published.goals, published.status) == ("Asukkaat saavat palvelun.\nJonot lyhenevät puoleen.", "draft")
    page = changes_page(people, published)
    assert page.count('<th scope="row">') == 1
    assert "<del>− Jonot lyhenevät.</del>" in page
    assert "<ins>+ Jonot lyhenevät puoleen.</ins>" in page


def test_every_save_stores_lf(draft):
    phase = PhaseFactory(process=draft, goal="Yksi\r\nKaksi\rKolme")
    step = StepFactory(phase=phase, checklist="Nimeä vastuuhenkilö\r\nSovi aikataulu")
    draft.tips = "Ensin\r\nsitten"
    draft.save()

    phase.refresh_from_db()
    step.refresh_from_db()
    draft.refresh_from_db()
    assert (phase.goal, step.checklist, draft.tips) == (
        "Yksi\nKaksi\nKolme",
        "Nimeä vastuuhenkilö\nSovi aikataulu",
        "Ensin\nsitten",
    )


def test_an_older_version_stored_with_crlf_compares_equal(published, people):
    version = published.published_version
    version.snapshot["fields"]["goals"] = "Asukkaat saavat palvelun.\r\nJonot lyhenevät."
    version.save()

    assert NOTHING_CHANGED in changes_page(people, published)


def test_only_texts_are_normalised():
    assert [normalise_line_endings(value) for value in (None, 5, "a\r\nb\rc\n")] == [None, 5, "a\nb\nc\n"]
