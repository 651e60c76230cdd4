"""The review in the admin: each role's buttons, what they do, the comparison, edits that start a revision."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import ProcessDescription, PublicationStatus
from processes.services import NOT_A_PUBLISHER, RETURN_NEEDS_COMMENT, process_publish, process_submit
from processes.tests.admin_forms import page_form_data

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def change_url(process):
    return reverse("admin:processes_processdescription_change", args=[process.pk])


def transition_url(process):
    return reverse("admin:processes_processdescription_transition", args=[process.pk])


def changes_url(process):
    return reverse("admin:processes_processdescription_changes", args=[process.pk])


def offered(client, process):
    response = client.get(change_url(process))
    assert response.status_code == HTTPStatus.OK
    return [transition["name"] for transition in response.context["review"]["transitions"]]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def published(process, people):
    process_submit(process=process, user=people["editor"])
    process_publish(process=process, user=people["publisher"])
    process.refresh_from_db()
    return process


@pytest.mark.parametrize(
    ("role", "status", "buttons"),
    [
        ("editor", PublicationStatus.DRAFT, ["submit"]),
        ("editor", PublicationStatus.IN_REVIEW, []),
        ("publisher", PublicationStatus.DRAFT, ["submit", "archive"]),
        ("publisher", PublicationStatus.IN_REVIEW, ["publish", "return", "archive"]),
        ("national_admin", PublicationStatus.IN_REVIEW, ["publish", "return", "archive"]),
        ("superuser", PublicationStatus.IN_REVIEW, ["publish", "return", "archive"]),
    ],
)
def test_each_role_is_offered_only_the_buttons_it_may_press(draft, people, role, status, buttons):
    ProcessDescription.objects.filter(pk=draft.pk).update(status=status)

    assert offered(client_of(people[role]), draft) == buttons


def test_an_editor_sends_to_review_and_a_publisher_publishes_with_the_buttons(draft, people):
    submitted = client_of(people["editor"]).post(transition_url(draft), {"transition": "submit"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.IN_REVIEW
    assert messages_of(submitted) == [f"“{draft.title}” was sent to review."]

    refused = client_of(people["editor"]).post(transition_url(draft), {"transition": "publish"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.IN_REVIEW
    assert messages_of(refused) == [str(NOT_A_PUBLISHER)]

    publisher = client_of(people["publisher"])
    reviewed = publisher.get(changes_url(draft)).context["reviewed"]
    publisher.post(transition_url(draft), {"transition": "publish", "reviewed": reviewed})
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED


def test_sending_back_without_a_comment_is_refused_and_with_one_is_logged(draft, people):
    process_submit(process=draft, user=people["editor"])
    publisher = client_of(people["publisher"])

    refused = publisher.post(transition_url(draft), {"transition": "return", "comment": ""}, follow=True)
    publisher.post(transition_url(draft), {"transition": "return", "comment": "Lisää pilotin kesto."})

    assert messages_of(refused) == [str(RETURN_NEEDS_COMMENT)]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    page = client_of(people["editor"]).get(change_url(draft)).content.decode()
    assert "Lisää pilotin kesto." in page


def test_a_publisher_of_another_county_cannot_reach_the_buttons_or_the_comparison(draft, people):
    process_submit(process=draft, user=people["editor"])
    stranger = client_of(people["other_publisher"])

    assert stranger.post(transition_url(draft), {"transition": "publish"}).status_code == HTTPStatus.NOT_FOUND
    assert stranger.get(changes_url(draft)).status_code == HTTPStatus.NOT_FOUND
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.IN_REVIEW


def test_the_transition_address_answers_only_posts(draft, people):
    response = client_of(people["editor"]).get(transition_url(draft))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_status_cannot_be_set_through_the_change_form(draft, people):
    editor = client_of(people["editor"])
    data = {**page_form_data(editor.get(change_url(draft))), "status": "published", "title": "Uusi otsikko"}

    response = editor.post(change_url(draft), data)

    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Uusi otsikko", PublicationStatus.DRAFT)


def test_there_is_no_bulk_publishing_a_posted_one_publishes_nothing(draft, people):
    process_submit(process=draft, user=people["editor"])

    response = client_of(people["publisher"]).post(
        reverse("admin:processes_processdescription_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert messages_of(response) == ["No action selected."]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.IN_REVIEW


def test_editing_a_published_description_starts_a_revision_the_public_does_not_see(client, draft, people):
    process = published(draft, people)
    old_title = process.title
    editor = client_of(people["editor"])
    data = {**page_form_data(editor.get(change_url(process))), "title": "Uudistettu malli"}

    response = editor.post(change_url(process), data)

    assert response.status_code == HTTPStatus.FOUND
    process.refresh_from_db()
    assert (process.title, process.status) == ("Uudistettu malli", PublicationStatus.DRAFT)
    public = client.get(process.get_absolute_url()).content.decode()
    assert old_title in public
    assert "Uudistettu malli" not in public
    log = list(process.transitions.values_list("from_status", "to_status", "user"))
    assert log[0] == (PublicationStatus.PUBLISHED, PublicationStatus.DRAFT, people["editor"].pk)


def test_saving_a_published_description_unchanged_keeps_it_published(draft, people):
    process = published(draft, people)
    editor = client_of(people["editor"])

    editor.post(change_url(process), page_form_data(editor.get(change_url(process))))

    process.refresh_from_db()
    assert process.status == PublicationStatus.PUBLISHED


def test_editing_a_step_of_a_published_description_starts_a_revision(client, draft, people):
    process = published(draft, people)
    step = process.phases.order_by("order").first().steps.get()
    url = reverse("admin:processes_step_change", args=[step.pk])
    editor = client_of(people["editor"])
    data = {**page_form_data(editor.get(url)), "title": "Luonnoksen askel"}

    assert editor.post(url, data).status_code == HTTPStatus.FOUND

    process.refresh_from_db()
    assert process.status == PublicationStatus.DRAFT
    public = client.get(process.get_absolute_url()).content.decode()
    assert "Askel 1.1" in public
    assert "Luonnoksen askel" not in public


def test_the_comparison_shows_changed_fields_phases_and_steps(draft, people):
    process = published(draft, people)
    process.title = "Uudistettu malli"
    process.save()
    first, second = process.phases.order_by("order")
    step = first.steps.get()
    step.title = "Nimeä minitiimi"
    step.save()
    second.delete()

    response = client_of(people["publisher"]).get(changes_url(process))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for text in ("Uudistettu malli", "Removed: Vaihe 2", "Changed: Vaihe 1", "Changed: Nimeä minitiimi", "Askel 1.1"):
        assert text in page, text


def test_the_comparison_of_a_never_published_description_says_so(draft, people):
    page = client_of(people["editor"]).get(changes_url(draft)).content.decode()

    assert "This description has never been published: everything in it is new." in page
    assert "Added: Vaihe 1" in page
