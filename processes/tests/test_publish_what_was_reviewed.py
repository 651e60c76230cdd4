"""The publisher publishes the version the changes page showed, or nothing: an edit in between refuses Publish."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import ProcessAttachment, ProcessLink, PublicationStatus, PublishedVersion
from processes.services import PUBLISH_CHANGED_SINCE_REVIEW, process_submit
from processes.tests.admin_forms import page_form_data
from processes.tests.files import image_bytes, upload

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def admin_url(name, *args):
    return reverse(f"admin:processes_{name}", args=args)


def changes_url(process):
    return admin_url("processdescription_changes", process.pk)


def transition_url(process):
    return admin_url("processdescription_transition", process.pk)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def post_page(client, url, **changes):
    """Open an admin page as a browser does and post it back with some fields changed."""
    data = {**page_form_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"] if response.context else response
    return response


def edit_description(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), title="Toinen otsikko")


def edit_phase(client, process):
    phase = process.phases.get(order=1)
    post_page(client, admin_url("phase_change", phase.pk), title="Toinen vaihe")


def edit_step(client, process):
    step = process.phases.get(order=1).steps.get()
    post_page(client, admin_url("step_change", step.pk), title="Toinen askel")


def edit_link(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), **{"links-0-title": "Toinen linkki"})


def edit_attachment(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), **{"attachments-0-alt_text": "Toinen kuva"})


@pytest.fixture
def in_review(draft, people):
    ProcessLink.objects.create(process=draft, title="Ohje", url="https://example.fi/ohje", order=1)
    attachment = ProcessAttachment(process=draft, title="Prosessikuva", file=upload("kuva.png", image_bytes()))
    attachment.alt_text = "Prosessin vaiheet"
    attachment.full_clean()
    attachment.save()
    process_submit(process=draft, user=people["editor"])
    return draft


@pytest.mark.parametrize("edit", [edit_description, edit_phase, edit_step, edit_link, edit_attachment])
def test_an_edit_after_the_changes_page_was_opened_refuses_publish(in_review, people, edit):
    publisher = client_of(people["publisher"])
    shown = publisher.get(changes_url(in_review))
    assert shown.status_code == HTTPStatus.OK
    reviewed = shown.context["reviewed"]
    assert f'name="reviewed" value="{reviewed}"' in shown.content.decode()

    edit(client_of(people["editor"]), in_review)
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
