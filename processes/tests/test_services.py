"""Review before publishing: every transition for every role, the refused ones, and the log they leave."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from processes.models import ProcessDescription, PublicationStatus, PublicationTransition
from processes.services import (
    ARCHIVE_NOT_ALLOWED,
    NOT_A_PUBLISHER,
    PUBLISH_NOT_ALLOWED,
    RETURN_NEEDS_COMMENT,
    RETURN_NOT_ALLOWED,
    SUBMIT_NOT_ALLOWED,
    process_archive,
    process_publish,
    process_return,
    process_revision_start,
    process_submit,
)
from regions.scoping import FOREIGN_COUNTY_ERROR

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = (
    PublicationStatus.DRAFT,
    PublicationStatus.IN_REVIEW,
    PublicationStatus.PUBLISHED,
    PublicationStatus.ARCHIVED,
)
PUBLISHING_ROLES = {"publisher", "national_admin", "superuser"}
EDITING_ROLES = {"editor", *PUBLISHING_ROLES}


def _set_status(process, status):
    published_at = timezone.now() if status == PUBLISHED else None
    ProcessDescription.objects.filter(pk=process.pk).update(status=status, published_at=published_at)
    process.refresh_from_db()
    return process


def _submit(process, user):
    process_submit(process=process, user=user)


def _publish(process, user):
    process_publish(process=process, user=user)


def _return(process, user):
    process_return(process=process, user=user, comment="Lisää pilotin kesto.")


def _archive(process, user):
    process_archive(process=process, user=user)


# (transition, the state it starts from, the state it leads to, who may do it)
TRANSITIONS = [
    (_submit, DRAFT, IN_REVIEW, EDITING_ROLES),
    (_publish, IN_REVIEW, PUBLISHED, PUBLISHING_ROLES),
    (_return, IN_REVIEW, DRAFT, PUBLISHING_ROLES),
    (_archive, PUBLISHED, ARCHIVED, PUBLISHING_ROLES),
    (_archive, DRAFT, ARCHIVED, PUBLISHING_ROLES),
    (_archive, IN_REVIEW, ARCHIVED, PUBLISHING_ROLES),
]
CASES = [
    pytest.param(transition, start, end, role, role in allowed, id=f"{transition.__name__[1:]}-{start}-{role}")
    for transition, start, end, allowed in TRANSITIONS
    for role in ["editor", "publisher", "national_admin", "superuser", "other_publisher"]
]


@pytest.mark.parametrize(("transition", "start", "end", "role", "allowed"), CASES)
def test_each_transition_for_each_role(draft, people, transition, start, end, role, allowed):
    process = _set_status(draft, start)
    user = people[role]

    if allowed:
        transition(process, user)
    else:
        expected = FOREIGN_COUNTY_ERROR if transition is _submit else NOT_A_PUBLISHER
        with pytest.raises(PermissionDenied, match=str(expected)):
            transition(process, user)

    process.refresh_from_db()
    assert process.status == (end if allowed else start)
    logged = PublicationTransition.objects.filter(process=process)
    assert list(logged.values_list("from_status", "to_status", "user")) == ([(start, end, user.pk)] if allowed else [])


REFUSED_STATES = [
    (_submit, IN_REVIEW, SUBMIT_NOT_ALLOWED),
    (_submit, PUBLISHED, SUBMIT_NOT_ALLOWED),
    (_submit, ARCHIVED, SUBMIT_NOT_ALLOWED),
    (_publish, DRAFT, PUBLISH_NOT_ALLOWED),
    (_publish, PUBLISHED, PUBLISH_NOT_ALLOWED),
    (_publish, ARCHIVED, PUBLISH_NOT_ALLOWED),
    (_return, DRAFT, RETURN_NOT_ALLOWED),
    (_return, PUBLISHED, RETURN_NOT_ALLOWED),
    (_return, ARCHIVED, RETURN_NOT_ALLOWED),
    (_archive, ARCHIVED, ARCHIVE_NOT_ALLOWED),
]


@pytest.mark.parametrize(
    ("transition", "start", "message"),
    [pytest.param(*case, id=f"{case[0].__name__[1:]}-from-{case[1]}") for case in REFUSED_STATES],
)
def test_a_transition_not_allowed_from_the_current_state_is_refused(draft, people, transition, start, message):
    process = _set_status(draft, start)

    with pytest.raises(ValidationError) as refusal:
        transition(process, people["publisher"])

    assert refusal.value.messages == [str(message)]
    process.refresh_from_db()
    assert process.status == start
    assert not PublicationTransition.objects.filter(process=process).exists()


def test_sending_back_needs_a_comment_and_logs_it(draft, people):
    process = _set_status(draft, IN_REVIEW)

    with pytest.raises(ValidationError) as refusal:
        process_return(process=process, user=people["publisher"], comment="   ")
    process_return(process=process, user=people["publisher"], comment="  Tarkenna pilotin vastuut.  ")

    assert refusal.value.messages == [str(RETURN_NEEDS_COMMENT)]
    entry = PublicationTransition.objects.get(process=process)
    assert (entry.from_status, entry.to_status, entry.user, entry.comment) == (
        IN_REVIEW,
        DRAFT,
        people["publisher"],
        "Tarkenna pilotin vastuut.",
    )
    assert entry.created_at <= timezone.now()


def test_the_log_tells_the_whole_story_newest_first(draft, people):
    process_submit(process=draft, user=people["editor"])
    process_return(process=draft, user=people["publisher"], comment="Lisää mittarit.")
    process_submit(process=draft, user=people["editor"])
    process_publish(process=draft, user=people["publisher"])

    log = list(draft.transitions.values_list("from_status", "to_status", "user__username", "comment"))

    assert log == [
        (IN_REVIEW, PUBLISHED, "julkaisija", ""),
        (DRAFT, IN_REVIEW, "editori", ""),
        (IN_REVIEW, DRAFT, "julkaisija", "Lisää mittarit."),
        (DRAFT, IN_REVIEW, "editori", ""),
    ]


def test_publishing_makes_it_public_now_stores_the_version_and_records_who(draft, people):
    before = timezone.now()
    process_submit(process=draft, user=people["editor"])

    version = process_publish(process=draft, user=people["publisher"])

    draft.refresh_from_db()
    assert draft.status == PUBLISHED
    assert draft.published_at >= before
    assert draft.published_version == version
    assert version.published_by == people["publisher"]
    assert version.snapshot["fields"]["title"] == draft.title
    assert [phase["title"] for phase in version.snapshot["phases"]] == ["Vaihe 1", "Vaihe 2"]
    assert ProcessDescription.objects.published().filter(pk=draft.pk).exists()
    assert draft.history.latest().history_user == people["publisher"]


def test_republishing_keeps_the_first_publication_time(draft, people):
    earlier = timezone.now() - datetime.timedelta(days=30)
    ProcessDescription.objects.filter(pk=draft.pk).update(published_at=earlier, status=IN_REVIEW)

    process_publish(process=draft, user=people["publisher"])

    draft.refresh_from_db()
    assert draft.published_at == earlier


def _published(draft, people):
    process_submit(process=draft, user=people["editor"])
    process_publish(process=draft, user=people["publisher"])
    draft.refresh_from_db()
    return draft


def test_a_revision_stays_public_in_its_published_form_until_it_is_published(draft, people):
    process = _published(draft, people)

    assert process_revision_start(process=process, user=people["editor"]) is True
    process.title = "Uusi otsikko luonnoksessa"
    process.save()
    process_submit(process=process, user=people["editor"])

    public = ProcessDescription.objects.published().in_published_form().get(pk=process.pk)
    assert public.title != "Uusi otsikko luonnoksessa"
    assert public.is_public and public.is_in_revision

    process_publish(process=process, user=people["publisher"])

    public = ProcessDescription.objects.published().in_published_form().get(pk=process.pk)
    assert public.title == "Uusi otsikko luonnoksessa"
    assert process.published_versions.count() == 2


def test_a_returned_revision_stays_public_too(draft, people):
    process = _published(draft, people)
    process_revision_start(process=process, user=people["editor"])
    process_submit(process=process, user=people["editor"])

    process_return(process=process, user=people["publisher"], comment="Ei vielä.")

    assert ProcessDescription.objects.published().filter(pk=process.pk).exists()


def test_archiving_a_revision_takes_the_guide_off_the_public(draft, people):
    process = _published(draft, people)
    process_revision_start(process=process, user=people["editor"])

    process_archive(process=process, user=people["publisher"], comment="Korvattu uudella mallilla.")

    assert not ProcessDescription.objects.published().filter(pk=process.pk).exists()
    assert process.transitions.first().comment == "Korvattu uudella mallilla."


def test_a_never_published_draft_in_review_is_not_public(draft, people):
    process_submit(process=draft, user=people["editor"])

    assert not ProcessDescription.objects.published().filter(pk=draft.pk).exists()


def test_a_description_published_before_versions_existed_gets_one_when_its_revision_starts(own_county, people):
    from processes.tests.conftest import guide_with_phases

    legacy = guide_with_phases(own_county, title="Vanha julkaistu malli")

    process_revision_start(process=legacy, user=people["editor"])
    legacy.title = "Muokattu"
    legacy.save()

    legacy.refresh_from_db()
    assert legacy.status == DRAFT
    assert legacy.published_version.snapshot["fields"]["title"] == "Vanha julkaistu malli"
    public = ProcessDescription.objects.published().in_published_form().get(pk=legacy.pk)
    assert public.title == "Vanha julkaistu malli"


def test_starting_a_revision_of_a_draft_changes_nothing(draft, people):
    assert process_revision_start(process=draft, user=people["editor"]) is False

    assert not draft.transitions.exists()


def test_a_description_in_its_published_form_cannot_be_saved(draft, people):
    process = _published(draft, people)
    public = ProcessDescription.objects.published().in_published_form().get(pk=process.pk)

    with pytest.raises(ValueError, match="read-only"):
        public.save()
