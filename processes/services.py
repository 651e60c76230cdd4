"""Operations on process descriptions: the admin, views, commands and tests call these, never the model directly.

Each takes keyword-only arguments and the acting `user`, so that the rule of who may
do what lives here, next to the operation, and the history records who did it.

Review before publishing. A description moves through these states:

    draft ──submit──▶ in review ──publish──▶ published
      ▲                  │                      │
      └──────return──────┘                      │ (an edit starts a revision: back to draft,
      ▲                                         │  while the public keeps the published version)
      └─────────────────revision start──────────┘
    draft, in review or published ──archive──▶ archived

A county's editors (and publishers) write and submit; only the county's publishers, the
national administrators and superusers publish, return (with a comment) and archive.
Every transition is logged as a `PublicationTransition`. Publishing stores a
`PublishedVersion`, which the public reads until the next publication.
"""

import itertools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from processes.models import (
    ContentModule,
    Phase,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    PublicationTransition,
    PublishedVersion,
    Step,
)
from processes.publishing import LINK_FIELDS, PHASE_FIELDS, STEP_FIELDS, process_snapshot, published_version_create
from regions.scoping import FOREIGN_COUNTY_ERROR, can_edit_county, can_publish_county

NOT_A_PUBLISHER = _("Only a publisher of the description's county can publish it, send it back or archive it.")
SUBMIT_NOT_ALLOWED = _("Only a draft can be sent to review.")
PUBLISH_NOT_ALLOWED = _("Only a description in review can be published.")
RETURN_NOT_ALLOWED = _("Only a description in review can be sent back.")
ARCHIVE_NOT_ALLOWED = _("This description is already archived.")
RETURN_NEEDS_COMMENT = _("Say what should change: sending a description back needs a comment.")
COPY_SOURCE_NOT_PUBLISHED = _("Only a published description can be used as a model.")
COPY_NOT_ALLOWED = _("You can only copy a model into a county whose descriptions you edit.")

COPY_SLUG_MAX_LENGTH = ProcessDescription._meta.get_field("slug").max_length


def _check_may_edit(*, process: ProcessDescription, user) -> None:
    if not can_edit_county(user, process.county_id):
        raise PermissionDenied(FOREIGN_COUNTY_ERROR)


def _check_may_publish(*, process: ProcessDescription, user) -> None:
    if not can_publish_county(user, process.county_id):
        raise PermissionDenied(NOT_A_PUBLISHER)


def _locked(process: ProcessDescription) -> ProcessDescription:
    """The stored row, locked until the transaction ends, so that two transitions never interleave."""
    return ProcessDescription.objects.select_for_update().get(pk=process.pk)


def _transition(*, process: ProcessDescription, stored: ProcessDescription, to_status, user, comment="") -> None:
    PublicationTransition.objects.create(
        process=stored, from_status=stored.status, to_status=to_status, user=user, comment=comment
    )
    stored.status = to_status
    stored._history_user = user
    stored.save()
    # The caller's instance reflects the new state too.
    for name in ("status", "published_at", "published_version_id", "version", "modified_at"):
        setattr(process, name, getattr(stored, name))


def _published_version_store(*, process: ProcessDescription, user) -> PublishedVersion:
    return published_version_create(process=process, snapshot=process_snapshot(process), user=user)


@transaction.atomic
def process_submit(*, process: ProcessDescription, user) -> None:
    """Send a draft to review by the county's publishers."""
    _check_may_edit(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.DRAFT:
        raise ValidationError(SUBMIT_NOT_ALLOWED)
    _transition(process=process, stored=stored, to_status=PublicationStatus.IN_REVIEW, user=user)


@transaction.atomic
def process_publish(*, process: ProcessDescription, user) -> PublishedVersion:
    """Publish a reviewed description: store what the public reads from now on (keeps an earlier publication time)."""
    _check_may_publish(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(PUBLISH_NOT_ALLOWED)
    version = _published_version_store(process=stored, user=user)
    stored.published_version = version
    stored.published_at = stored.published_at or version.published_at
    _transition(process=process, stored=stored, to_status=PublicationStatus.PUBLISHED, user=user)
    return version


@transaction.atomic
def process_return(*, process: ProcessDescription, user, comment: str) -> None:
    """Send a description in review back to its editors as a draft, saying what should change."""
    _check_may_publish(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(RETURN_NOT_ALLOWED)
    if not (comment or "").strip():
        raise ValidationError(RETURN_NEEDS_COMMENT)
    _transition(process=process, stored=stored, to_status=PublicationStatus.DRAFT, user=user, comment=comment.strip())


@transaction.atomic
def process_archive(*, process: ProcessDescription, user, comment: str = "") -> None:
    """Take the description off the public guide, keeping it, its versions and its history."""
    _check_may_publish(process=process, user=user)
    stored = _locked(process)
    if stored.status == PublicationStatus.ARCHIVED:
        raise ValidationError(ARCHIVE_NOT_ALLOWED)
    _transition(
        process=process, stored=stored, to_status=PublicationStatus.ARCHIVED, user=user, comment=comment.strip()
    )


@transaction.atomic
def process_revision_start(*, process: ProcessDescription, user) -> bool:
    """Before an edit of a published description: make it a draft whose published version the public keeps reading.

    Called by every admin path that changes a description, its phases, steps or links, before
    the change is written. A description published before versions were stored gets one now,
    from its stored (unedited) state. False when the description was not published.
    """
    _check_may_edit(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.PUBLISHED:
        return False
    if stored.published_version_id is None:
        stored.published_version = _published_version_store(process=stored, user=None)
    _transition(process=process, stored=stored, to_status=PublicationStatus.DRAFT, user=user)
    return True


# --- "use this model": copying another county's published description ---------------------------


def _copy_slug(source: ProcessDescription, county) -> str:
    base = slugify(f"{source.slug}-{county.slug}")[: COPY_SLUG_MAX_LENGTH - 4].strip("-")
    for number in itertools.count(1):
        slug = base if number == 1 else f"{base}-{number}"
        if not ProcessDescription.objects.filter(slug=slug).exists():
            return slug
    raise AssertionError("unreachable")


def _with_history_user(row, user):
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def process_copy(*, source: ProcessDescription, county, user) -> ProcessDescription:
    """A new draft of `county` made from the published form of another description, its phases, steps and links."""
    if not (user.has_perm("processes.add_processdescription") and can_edit_county(user, county.pk)):
        raise PermissionDenied(COPY_NOT_ALLOWED)
    public = ProcessDescription.objects.published().in_published_form().filter(pk=source.pk).first()
    if public is None:
        raise ValidationError(COPY_SOURCE_NOT_PUBLISHED)
    snapshot = public.published_version.snapshot if public.published_version_id else process_snapshot(public)
    copy = ProcessDescription(
        **snapshot["fields"],
        slug=_copy_slug(public, county),
        county=county,
        status=PublicationStatus.DRAFT,
        based_on=public,
        created_by=user,
    )
    _with_history_user(copy, user)
    copy.modules.set(ContentModule.objects.filter(pk__in=snapshot["modules"]))
    for link in snapshot["links"]:
        _with_history_user(ProcessLink(process=copy, **{name: link[name] for name in LINK_FIELDS}), user)
    for phase_data in snapshot["phases"]:
        phase = _with_history_user(Phase(process=copy, **{name: phase_data[name] for name in PHASE_FIELDS}), user)
        for step in phase_data["steps"]:
            _with_history_user(Step(phase=phase, **{name: step[name] for name in STEP_FIELDS}), user)
    return copy
