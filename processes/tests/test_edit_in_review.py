"""An edit of a description in review sends it back to draft, logged with who and when: the editor submits again."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from processes.models import PublicationStatus, TransitionCause
from processes.services import process_publish, process_submit
from processes.tests.guide_edits import EDITS, admin_url, edit_description, post_page

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def client_of(user):
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_an_edit_in_review_returns_the_description_to_draft_and_logs_it(in_review, people, edit, role):
    before = timezone.now()

    edit(client_of(people[role]), in_review)

    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.DRAFT
    latest = in_review.transitions.first()
    assert (latest.from_status, latest.to_status, latest.cause, latest.user, latest.comment) == (
        PublicationStatus.IN_REVIEW,
        PublicationStatus.DRAFT,
        TransitionCause.EDIT,
        people[role],
        "",
    )
    assert latest.created_at >= before
    assert in_review.transitions.count() == 2


def test_the_log_on_the_change_page_says_the_edit_sent_it_back(in_review, people):
    editor = client_of(people["editor"])
    edit_description(editor, in_review)

    page = editor.get(admin_url("processdescription_change", in_review.pk))

    log = page.context["inline_admin_formsets"][-2].formset.queryset
    assert [(row.from_status, row.to_status, row.cause) for row in log] == [
        (PublicationStatus.IN_REVIEW, PublicationStatus.DRAFT, TransitionCause.EDIT),
        (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, TransitionCause.REVIEW),
    ]
    causes = re.findall(r'<td class="field-cause">\s*<p>(.*?)</p>', page.content.decode())
    assert causes == ["edit", "review"]


def test_saving_a_description_in_review_unchanged_keeps_it_in_review(in_review, people):
    post_page(client_of(people["editor"]), admin_url("processdescription_change", in_review.pk))

    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.IN_REVIEW
    assert in_review.transitions.count() == 1


def test_an_edit_of_a_published_description_is_logged_as_an_edit(in_review, people, client):
    process_publish(process=in_review, user=people["publisher"])

    edit_description(client_of(people["editor"]), in_review)

    in_review.refresh_from_db()
    latest = in_review.transitions.first()
    assert (in_review.status, latest.from_status, latest.cause) == (
        PublicationStatus.DRAFT,
        PublicationStatus.PUBLISHED,
        TransitionCause.EDIT,
    )
    assert "Toinen otsikko" not in client.get(in_review.get_absolute_url()).content.decode()


def test_after_the_edit_the_editor_submits_again(in_review, people):
    edit_description(client_of(people["editor"]), in_review)

    process_submit(process=in_review, user=people["editor"])

    in_review.refresh_from_db()
    assert in_review.status == PublicationStatus.IN_REVIEW
