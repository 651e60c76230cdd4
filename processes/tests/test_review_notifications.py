"""The review's emails: submitting tells the county's publishers, sending back and publishing tell the submitter."""

import smtplib
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from processes import notifications
from processes.models import PublicationStatus, TransitionCause
from processes.services import process_submit
from processes.tests.guide_edits import edit_description

pytestmark = pytest.mark.django_db

SITE = "https://kayttoonotto.example.fi"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def reachable(people, own_county, django_user_model):
    """Everyone with an address; the county has a second publisher, and one who left (inactive)."""
    for role, user in people.items():
        user.email = f"{role}@example.fi"
        user.first_name, user.last_name = {"editor": ("Eeva", "Editori"), "publisher": ("Pekka", "Julkaisija")}.get(
            role, ("", "")
        )
        user.save()
    second = django_user_model.objects.create_user("toinen", email="second@example.fi", is_staff=True)
    left = django_user_model.objects.create_user("lahtenyt", email="left@example.fi", is_staff=True, is_active=False)
    own_county.publishers.add(second, left)
    return people


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def transition(client, process, **data):
    return client.post(reverse("admin:processes_processdescription_transition", args=[process.pk]), data)


def sent(mailoutbox):
    return sorted((message.to, message.subject) for message in mailoutbox)


def test_submitting_emails_each_publisher_of_the_county_in_finnish_with_a_link(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(client_of(reachable["editor"]), draft, transition="submit")

    subject = f"Omaolo: ”{draft.title}” odottaa tarkastustasi"
    assert sent(mailoutbox) == [(["publisher@example.fi"], subject), (["second@example.fi"], subject)]
    body = mailoutbox[0].body
    assert f"{SITE}/admin/processes/processdescription/{draft.pk}/changes/" in body
    county = "Päijät-Hämeen hyvinvointialue"
    assert f"Eeva Editori lähetti toimintamallin ”{draft.title}” ({county}) tarkastettavaksi." in body
    assert mailoutbox[0].from_email == "Omaolo <noreply@localhost>"


def test_nobody_outside_the_countys_publishers_is_emailed(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(client_of(reachable["editor"]), draft, transition="submit")

    addresses = {address for message in mailoutbox for address in message.to}
    for role in ("editor", "national_admin", "superuser", "other_publisher"):
        assert f"{role}@example.fi" not in addresses
    assert "left@example.fi" not in addresses


def test_sending_back_emails_the_editor_who_submitted_with_the_comment(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    process_submit(process=draft, user=reachable["editor"])

    with django_capture_on_commit_callbacks(execute=True):
        transition(client_of(reachable["publisher"]), draft, transition="return", comment="Lisää pilotin kesto.")

    assert sent(mailoutbox) == [(["editor@example.fi"], f"Omaolo: ”{draft.title}” palautettiin sinulle")]
    body = mailoutbox[0].body
    assert "Lisää pilotin kesto." in body
    assert "Pekka Julkaisija" in body
    assert f"{SITE}/admin/processes/processdescription/{draft.pk}/change/" in body


def test_publishing_emails_the_editor_who_submitted(draft, reachable, mailoutbox, django_capture_on_commit_callbacks):
    process_submit(process=draft, user=reachable["editor"])
    publisher = client_of(reachable["publisher"])
    reviewed = publisher.get(reverse("admin:processes_processdescription_changes", args=[draft.pk])).context["reviewed"]

    with django_capture_on_commit_callbacks(execute=True):
        transition(publisher, draft, transition="publish", reviewed=reviewed)

    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    assert sent(mailoutbox) == [(["editor@example.fi"], f"Omaolo: ”{draft.title}” julkaistiin")]
    assert f"{SITE}/admin/processes/processdescription/{draft.pk}/change/" in mailoutbox[0].body


def test_a_refused_publication_and_an_edit_email_nobody(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    process_submit(process=draft, user=reachable["editor"])

    with django_capture_on_commit_callbacks(execute=True):
        transition(client_of(reachable["editor"]), draft, transition="publish", reviewed="x")
        transition(client_of(reachable["other_publisher"]), draft, transition="return", comment="Ei")
        transition(client_of(reachable["publisher"]), draft, transition="publish", reviewed="vanha")
        edit_description(client_of(reachable["editor"]), draft)

    draft.refresh_from_db()
    assert (draft.status, draft.transitions.first().cause) == (PublicationStatus.DRAFT, TransitionCause.EDIT)
    assert mailoutbox == []


def test_a_publisher_who_submits_is_not_emailed_about_it(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(client_of(reachable["publisher"]), draft, transition="submit")

    assert [message.to for message in mailoutbox] == [["second@example.fi"]]


def test_a_failing_mail_server_leaves_the_transition_done(
    draft, reachable, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(messages):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(notifications, "send_mass_mail", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        response = transition(client_of(reachable["editor"]), draft, transition="submit")

    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.IN_REVIEW
    assert "could not be sent" in caplog.text
