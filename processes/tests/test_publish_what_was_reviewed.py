"""The publisher publishes the version the changes page showed, or nothing: an edit in between refuses Publish."""

from http import HTTPStatus

import pytest
from django.test import Client

from processes.models import PublicationStatus, PublishedVersion
from processes.services import PUBLISH_CHANGED_SINCE_REVIEW, process_submit
from processes.tests.guide_edits import EDITS, admin_url, edit_description

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def changes_url(process):
    return admin_url("processdescription_changes", process.pk)


def transition_url(process):
    return admin_url("processdescription_transition", process.pk)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_after_the_changes_page_was_opened_refuses_publish(in_review, people, edit):
    publisher = client_of(people["publisher"])
    shown = publisher.get(changes_url(in_review))
    assert shown.status_code == HTTPStatus.OK
    reviewed = shown.context["reviewed"]
    assert f'name="reviewed" value="{reviewed}"' in shown.content.decode()

    # The edit sends the description back to draft (test_edit_in_review.py); the editor submits it again.
    edit(client_of(people["editor"]), in_review)
    process_submit(process=in_review, user=people["editor"])
    refused = publisher.post(transition_url(in_review), {"transition": "publish", "reviewed": reviewed}, follow=True)

    assert refused.redirect_chain == [(changes_url(in_review), HTTPStatus.FOUND)]
    assert messages_of(refused) == [str(PUBLISH_CHANGED_SINCE_REVIEW)]
    assert refused.context["reviewed"] != reviewed
    in_review.refresh_from_db()
    assert in_review.published_version is None
    assert not PublishedVersion.objects.filter(process=in_review).exists()


def test_publishing_again_from_the_new_changes_page_publishes_what_it_showed(in_review, people):
    publisher = client_of(people["publisher"])
    reviewed = publisher.get(changes_url(in_review)).context["reviewed"]
    edit_description(client_of(people["editor"]), in_review)
    process_submit(process=in_review, user=people["editor"])
    refused = publisher.post(transition_url(in_review), {"transition": "publish", "reviewed": reviewed}, follow=True)
    assert "Toinen otsikko" in refused.content.decode()

    published = publisher.post(
        transition_url(in_review), {"transition": "publish", "reviewed": refused.context["reviewed"]}, follow=True
    )

    assert messages_of(published) == ["“Toinen otsikko” was published."]
    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.PUBLISHED
    assert in_review.published_version.snapshot["fields"]["title"] == "Toinen otsikko"


def test_an_unchanged_description_is_published_from_its_changes_page(in_review, people):
    publisher = client_of(people["publisher"])
    reviewed = publisher.get(changes_url(in_review)).context["reviewed"]

    publisher.post(transition_url(in_review), {"transition": "publish", "reviewed": reviewed})

    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.PUBLISHED
    assert PublishedVersion.objects.filter(process=in_review).count() == 1


def test_a_publish_without_the_reviewed_version_publishes_nothing(in_review, people):
    refused = client_of(people["publisher"]).post(transition_url(in_review), {"transition": "publish"}, follow=True)

    assert messages_of(refused) == [str(PUBLISH_CHANGED_SINCE_REVIEW)]
    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.IN_REVIEW


def test_the_change_form_sends_the_publisher_to_the_changes_page_and_offers_no_bulk_publish(in_review, people):
    publisher = client_of(people["publisher"])

    page = publisher.get(admin_url("processdescription_change", in_review.pk)).content.decode()
    changelist = publisher.get(admin_url("processdescription_changelist"))

    assert f'<a class="button" href="{changes_url(in_review)}">Review the changes and publish</a>' in page
    assert 'value="publish"' not in page
    assert "publish" not in dict(changelist.context["action_form"].fields["action"].choices)


def test_an_editor_sees_no_publish_button_on_the_changes_page(in_review, people):
    shown = client_of(people["editor"]).get(changes_url(in_review))

    assert shown.context["reviewed"] is None
    assert 'name="reviewed"' not in shown.content.decode()
