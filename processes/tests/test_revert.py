"""Restoring a past state from the history makes a draft revision, logged, which the publisher then reviews.

These run outside a test transaction (`transaction=True`), as the revert runs in production:
on PostgreSQL a row lock taken outside a transaction fails, which a test's own transaction hides.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import ProcessDescription, PublicationStatus, PublishedVersion, TransitionCause
from processes.services import process_publish, process_submit
from processes.tests.admin_forms import form_data

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = {"accept-language": "en"}


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def revert_url(row, record):
    opts = row._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[row.pk, record.history_id])


def description_of(guide):
    return guide


def first_phase_of(guide):
    return guide.phases.get(order=1)


def first_step_of(guide):
    return guide.phases.get(order=1).steps.get()


@pytest.fixture
def republished(draft, people):
    """The `draft` guide published, its first phase and step and its title rewritten, and published again.

    Each row's earliest history record holds the first published text ("Vaihe 1", "Askel 1.1", its title).
    """
    process_submit(process=draft, user=people["editor"])
    process_publish(process=draft, user=people["publisher"])
    draft.refresh_from_db()
    draft.title = "Uusi otsikko"
    draft.save()
    phase = first_phase_of(draft)
    phase.title = "Uusi vaihe"
    phase.save()
    step = first_step_of(draft)
    step.title = "Uusi askel"
    step.save()
    draft.refresh_from_db()
    draft.status = PublicationStatus.IN_REVIEW
    draft.save()
    process_publish(process=draft, user=people["publisher"])
    draft.refresh_from_db()
    return draft


ROWS = [
    pytest.param(description_of, "Omaolon käyttöönoton toimintamalli", "Uusi otsikko", id="description"),
    pytest.param(first_phase_of, "Vaihe 1", "Uusi vaihe", id="phase"),
    pytest.param(first_step_of, "Askel 1.1", "Uusi askel", id="step"),
]


@pytest.mark.parametrize(("row_of", "old_title", "new_title"), ROWS)
@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_a_restored_state_is_a_draft_revision_the_public_does_not_see(
    republished, people, client, row_of, old_title, new_title, role
):
    row = row_of(republished)
    record = row.history.earliest()
    assert record.title.startswith(old_title)
    actor = client_of(people[role])
    url = revert_url(row, record)
    shown = actor.get(url)
    assert shown.status_code == HTTPStatus.OK
    published_before = republished.published_version_id

    reverted = actor.post(url, form_data(shown.context["adminform"].form))

    assert reverted.status_code == HTTPStatus.FOUND
    row.refresh_from_db()
    assert row.title == record.title
    republished.refresh_from_db()
    assert (republished.status, republished.published_version_id) == (PublicationStatus.DRAFT, published_before)
    latest = republished.transitions.first()
    assert (latest.from_status, latest.to_status, latest.cause, latest.user) == (
        PublicationStatus.PUBLISHED,
        PublicationStatus.DRAFT,
        TransitionCause.RESTORE,
        people[role],
    )
    public = client.get(republished.get_absolute_url()).content.decode()
    assert new_title in public
    assert record.title not in public


def test_the_publisher_reviews_and_publishes_a_restored_state(republished, people, client):
    phase = first_phase_of(republished)
    editor = client_of(people["editor"])
    url = revert_url(phase, phase.history.earliest())
    editor.post(url, form_data(editor.get(url).context["adminform"].form))
    editor.post(
        reverse("admin:processes_processdescription_transition", args=[republished.pk]), {"transition": "submit"}
    )
    publisher = client_of(people["publisher"])
    changes = publisher.get(reverse("admin:processes_processdescription_changes", args=[republished.pk]))
    assert "Changed: Vaihe 1" in changes.content.decode()

    publisher.post(
        reverse("admin:processes_processdescription_transition", args=[republished.pk]),
        {"transition": "publish", "reviewed": changes.context["reviewed"]},
    )

    republished.refresh_from_db()
    assert republished.status == PublicationStatus.PUBLISHED
    assert PublishedVersion.objects.filter(process=republished).count() == 3
    public = client.get(republished.get_absolute_url()).content.decode()
    assert "Vaihe 1" in public
    assert "Uusi vaihe" not in public


def test_a_restore_of_a_draft_keeps_it_a_draft_and_is_logged(draft, people):
    first_state = draft.history.earliest()
    draft.title = "Väliaikainen otsikko"
    draft.save()
    editor = client_of(people["editor"])
    url = revert_url(draft, first_state)

    assert editor.post(url, form_data(editor.get(url).context["adminform"].form)).status_code == HTTPStatus.FOUND

    draft.refresh_from_db()
    assert (draft.title, draft.status) == (first_state.title, PublicationStatus.DRAFT)
    latest = draft.transitions.get()
    assert (latest.from_status, latest.to_status, latest.cause) == (
        PublicationStatus.DRAFT,
        PublicationStatus.DRAFT,
        TransitionCause.RESTORE,
    )


@pytest.mark.parametrize(("row_of", "old_title", "new_title"), ROWS)
def test_an_editor_of_another_county_cannot_open_or_post_a_revert(republished, people, row_of, old_title, new_title):
    row = row_of(republished)
    url = revert_url(row, row.history.earliest())
    shown = client_of(people["superuser"]).get(url)
    stranger = client_of(people["other_publisher"])
    transitions_before = republished.transitions.count()

    opened = stranger.get(url)
    posted = stranger.post(url, form_data(shown.context["adminform"].form))

    assert (opened.status_code, posted.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    row.refresh_from_db()
    assert row.title == new_title
    stored = ProcessDescription.objects.get(pk=republished.pk)
    assert (stored.status, stored.transitions.count()) == (PublicationStatus.PUBLISHED, transitions_before)
