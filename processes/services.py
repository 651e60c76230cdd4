"""Operations on process descriptions: the admin, views, commands and tests call these, never the model directly.

Each takes keyword-only arguments and the acting `user`, so that the rule of who may
do what lives here, next to the operation, and the history records who did it.

Review before publishing. A description moves through these states:

    draft ──submit──▶ in review ──publish──▶ published
      ▲                  │                      │
      ├──return / edit───┘                      │ (an edit starts a revision: back to draft,
      ▲                                         │  while the public keeps the published version)
      └──────────revision start (edit)──────────┘
    draft, in review or published ──archive──▶ archived

An edit of a description in review (of its fields, phases, steps, links or attachments)
sends it back to draft too: what the publisher was asked to review is no longer what is
stored, so the editor submits again. A past state restored from the history is an edit.

A county's editors (and publishers) write and submit; only the county's publishers, the
national administrators and superusers publish, return (with a comment) and archive.
Every transition is logged as a `PublicationTransition`. Publishing stores a
`PublishedVersion`, which the public reads until the next publication. Submitting emails
the county's publishers; sending back and publishing email the editor who submitted
(`processes.notifications`).
"""

import itertools
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.translation import translated_value
from processes.models import (
    ContentModule,
    Phase,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    PublicationTransition,
    PublishedVersion,
    Rollout,
    Step,
    TransitionCause,
)
from processes.notifications import review_notify
from processes.publishing import (
    LINK_FIELDS,
    PHASE_FIELDS,
    STEP_FIELDS,
    process_snapshot,
    published_version_create,
    review_fingerprint,
)
from regions.scoping import FOREIGN_COUNTY_ERROR, can_edit_county, can_publish_county

NOT_A_PUBLISHER = _("Only a publisher of the description's county can publish it, send it back or archive it.")
SUBMIT_NOT_ALLOWED = _("Only a draft can be sent to review.")
PUBLISH_NOT_ALLOWED = _("Only a description in review can be published.")
RETURN_NOT_ALLOWED = _("Only a description in review can be sent back.")
ARCHIVE_NOT_ALLOWED = _("This description is already archived.")
PUBLISH_CHANGED_SINCE_REVIEW = _(
    "Nothing was published: the description was changed after you opened its changes. "
    "They are shown below as they are now; review them and publish again."
)
RETURN_NEEDS_COMMENT = _("Say what should change: sending a description back needs a comment.")
COPY_SOURCE_NOT_PUBLISHED = _("Only a published description can be used as a model.")
COPY_NOT_ALLOWED = _("You can only copy a model into a county whose descriptions you edit.")

ARCHIVE_INSTEAD = _(
    "“%(title)s” has been published, so it is archived, not deleted: use Archive. "
    "Only a superuser may delete it, and its review log and published versions are kept."
)
FOLLOWED_BY_OTHER_COUNTIES = _(
    "“%(title)s” cannot be deleted while rollouts of other counties follow it: %(rollouts)s. "
    "Change it instead, or ask those counties to move on first."
)

COPY_SLUG_MAX_LENGTH = ProcessDescription._meta.get_field("slug").max_length
# Whose model it is and how far it has come: a copy starts as the copier's own, in development,
# in the copier's county; "based on" names the source.
COPY_STARTS_AFRESH = ("author", "funder", "place_of_implementation", "development_stage")


def _check_may_edit(*, process: ProcessDescription, user) -> None:
    if not can_edit_county(user, process.county_id):
        raise PermissionDenied(FOREIGN_COUNTY_ERROR)


def _check_may_publish(*, process: ProcessDescription, user) -> None:
    if not can_publish_county(user, process.county_id):
        raise PermissionDenied(NOT_A_PUBLISHER)


def _locked(process: ProcessDescription) -> ProcessDescription:
    """The stored row, locked until the transaction ends, so that two transitions never interleave."""
    return ProcessDescription.objects.select_for_update().get(pk=process.pk)


def _transition(
    *,
    process: ProcessDescription,
    stored: ProcessDescription,
    to_status,
    user,
    comment="",
    cause=TransitionCause.REVIEW,
) -> PublicationTransition:
    logged = PublicationTransition.objects.create(
        process=stored, from_status=stored.status, to_status=to_status, user=user, comment=comment, cause=cause
    )
    stored.status = to_status
    stored._history_user = user
    stored.save()
    # The caller's instance reflects the new state too.
    for name in ("status", "published_at", "published_version_id", "version", "modified_at"):
        setattr(process, name, getattr(stored, name))
    return logged


def _notify_after_commit(transition: PublicationTransition) -> None:
    """Mail the people the transition concerns once it is committed (processes.notifications)."""
    transaction.on_commit(partial(review_notify, transition_id=transition.pk))


def _published_version_store(*, process: ProcessDescription, user, snapshot: dict | None = None) -> PublishedVersion:
    snapshot = process_snapshot(process) if snapshot is None else snapshot
    return published_version_create(process=process, snapshot=snapshot, user=user)


@transaction.atomic
def process_submit(*, process: ProcessDescription, user) -> None:
    """Send a draft to review by the county's publishers."""
    _check_may_edit(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.DRAFT:
        raise ValidationError(SUBMIT_NOT_ALLOWED)
    _notify_after_commit(_transition(process=process, stored=stored, to_status=PublicationStatus.IN_REVIEW, user=user))


@transaction.atomic
def process_publish(*, process: ProcessDescription, user, reviewed: str | None = None) -> PublishedVersion:
    """Publish a reviewed description: store what the public reads from now on (keeps an earlier publication time).

    `reviewed` is the `review_fingerprint` of the state the publisher was shown (the admin
    always sends it); when the stored state differs, nothing is published. Without it the
    stored state is published as it is: for scripts and data loading, which show nobody anything.
    """
    _check_may_publish(process=process, user=user)
    stored = _locked(process)
    if stored.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(PUBLISH_NOT_ALLOWED)
    snapshot = process_snapshot(stored)
    if reviewed is not None and reviewed != review_fingerprint(stored, snapshot=snapshot):
        raise ValidationError(PUBLISH_CHANGED_SINCE_REVIEW, code="changed_since_review")
    version = _published_version_store(process=stored, user=user, snapshot=snapshot)
    stored.published_version = version
    stored.published_at = stored.published_at or version.published_at
    _notify_after_commit(_transition(process=process, stored=stored, to_status=PublicationStatus.PUBLISHED, user=user))
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
    returned = _transition(
        process=process, stored=stored, to_status=PublicationStatus.DRAFT, user=user, comment=comment.strip()
    )
    _notify_after_commit(returned)


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


# An edit of a description in these states makes it a draft again (a revision).
REVISION_STARTING_STATUSES = (PublicationStatus.PUBLISHED, PublicationStatus.IN_REVIEW)


@transaction.atomic
def process_revision_start(*, process: ProcessDescription, user, cause=TransitionCause.EDIT) -> bool:
    """Before an edit of a published or reviewed description: make it a draft, logged as a transition.

    Called by every admin path that changes a description, its phases, steps, links or
    attachments, before the change is written; the public keeps reading the published version.
    A description published before versions were stored gets one now, from its stored
    (unedited) state. A restored past state (`cause=RESTORE`) is logged even when the
    description was a draft already. False when the description did not change state.
    """
    _check_may_edit(process=process, user=user)
    stored = _locked(process)
    if stored.status not in REVISION_STARTING_STATUSES:
        if cause == TransitionCause.RESTORE:
            _transition(process=process, stored=stored, to_status=stored.status, user=user, cause=cause)
        return False
    if stored.status == PublicationStatus.PUBLISHED and stored.published_version_id is None:
        stored.published_version = _published_version_store(process=stored, user=None)
    _transition(process=process, stored=stored, to_status=PublicationStatus.DRAFT, user=user, cause=cause)
    return True


# --- "use this model": copying another county's published description ---------------------------


def _copy_slug_base(source: ProcessDescription, county) -> str:
    return slugify(f"{source.slug}-{county.slug}")[: COPY_SLUG_MAX_LENGTH - 4].strip("-")


def _copy_save_with_free_slug(copy: ProcessDescription, *, base: str, user) -> None:
    """Save the copy under the first free address `base`, `base-2`, …

    Two copies of one source into one county can pick the same free address at once; the
    database's unique slug lets one of them in and the other tries the next address, inside a
    savepoint so that the copy's transaction goes on.
    """
    taken = set(ProcessDescription.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    for number in itertools.count(1):
        copy.slug = base if number == 1 else f"{base}-{number}"
        if copy.slug in taken:
            continue
        try:
            with transaction.atomic():
                _with_history_user(copy, user)
        except IntegrityError:
            if not ProcessDescription.objects.filter(slug=copy.slug).exists():
                raise
            continue
        return


def _with_history_user(row, user):
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def process_copy(*, source: ProcessDescription, county, user) -> ProcessDescription:
    """A new draft of `county` made from the published form of another description, its phases, steps and links.

    The texts, contents, phases, steps and links are copied; author, funder and development
    stage start afresh (empty, in development), the place of implementation is the copier's county.
    """
    if not (user.has_perm("processes.add_processdescription") and can_edit_county(user, county.pk)):
        raise PermissionDenied(COPY_NOT_ALLOWED)
    public = ProcessDescription.objects.published().in_published_form().filter(pk=source.pk).first()
    if public is None:
        raise ValidationError(COPY_SOURCE_NOT_PUBLISHED)
    snapshot = public.published_version.snapshot if public.published_version_id else process_snapshot(public)
    texts = {name: value for name, value in snapshot["fields"].items() if name not in COPY_STARTS_AFRESH}
    copy = ProcessDescription(
        **texts,
        # In the language the description is written in, whichever language the copier reads.
        place_of_implementation=translated_value(county, "name", snapshot["fields"].get("language", "fi")),
        county=county,
        status=PublicationStatus.DRAFT,
        based_on=public,
        created_by=user,
    )
    _copy_save_with_free_slug(copy, base=_copy_slug_base(public, county), user=user)
    copy.modules.set(ContentModule.objects.filter(pk__in=snapshot["modules"]))
    for link in snapshot["links"]:
        _with_history_user(ProcessLink(process=copy, **{name: link[name] for name in LINK_FIELDS}), user)
    # Each copied phase and step remembers its source's (the guide's experiences count the copy's plans),
    # unless the source deleted it since it was published.
    live_phases = set(Phase.objects.filter(process=public).values_list("pk", flat=True))
    live_steps = set(Step.objects.filter(phase__process=public).values_list("pk", flat=True))
    for phase_data in snapshot["phases"]:
        phase = _with_history_user(
            Phase(
                process=copy,
                copied_from_id=phase_data["id"] if phase_data["id"] in live_phases else None,
                **{name: phase_data[name] for name in PHASE_FIELDS},
            ),
            user,
        )
        for step in phase_data["steps"]:
            _with_history_user(
                Step(
                    phase=phase,
                    copied_from_id=step["id"] if step["id"] in live_steps else None,
                    **{name: step[name] for name in STEP_FIELDS},
                ),
                user,
            )
    return copy


# --- deleting a guide's phases and steps ---------------------------------------------------------


def rollouts_following_elsewhere(*, phases=(), steps=()):
    """Rollouts of other counties than the guide's whose current phase or completed steps would go with a delete.

    A phase takes its steps with it. The guide's own county sees its rollouts and may delete.
    """
    phase_ids = [phase.pk for phase in phases]
    step_ids = [step.pk for step in steps]
    guide_counties = set(
        ProcessDescription.objects.filter(phases__in=phase_ids).values_list("county", flat=True)
    ) | set(ProcessDescription.objects.filter(phases__steps__in=step_ids).values_list("county", flat=True))
    followed = (
        Q(current_phase__in=phase_ids) | Q(completed_steps__phase__in=phase_ids) | Q(completed_steps__in=step_ids)
    )
    return (
        Rollout.objects.filter(followed)
        .exclude(county__in=guide_counties)
        .select_related("county", "module", "service_area")
        .distinct()
        .order_by("county__code", "module__name_fi", "pk")
    )


def guide_part_delete_check(*, part) -> None:
    """Refuse to delete a phase or step that another county's rollout follows (ValidationError naming them)."""
    if isinstance(part, Phase):
        followers = rollouts_following_elsewhere(phases=[part])
    else:
        followers = rollouts_following_elsewhere(steps=[part])
    names = [str(rollout) for rollout in followers]
    if names:
        raise ValidationError(FOLLOWED_BY_OTHER_COUNTIES % {"title": part.title, "rollouts": "; ".join(names)})


# --- deleting a description ------------------------------------------------------------------------


def process_has_publication_history(process: ProcessDescription) -> bool:
    """Whether the public has read the description at some time (or is scheduled to)."""
    return (
        process.published_at is not None
        or process.published_version_id is not None
        or process.status in (PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED)
        or PublishedVersion.objects.filter(process=process).exists()
    )


def process_delete_check(*, process: ProcessDescription, user) -> None:
    """Refuse to delete a description with a publication history unless a superuser asks (PermissionDenied).

    A deletion keeps its review log and published versions (they are not cascaded) and its
    history rows; a never-published draft is deleted by whoever holds the delete permission.
    A description other counties' rollouts follow is not deleted by anyone.
    """
    if not user.is_superuser and process_has_publication_history(process):
        raise PermissionDenied(ARCHIVE_INSTEAD % {"title": process.title})
    process_followers_check(process=process)


def process_followers_check(*, process: ProcessDescription) -> None:
    """Refuse to delete a description other counties' rollouts follow, whoever asks (PermissionDenied naming them)."""
    followers = (
        Rollout.objects.filter(process=process)
        .exclude(county=process.county_id)
        .select_related("county", "module", "service_area")
        .order_by("county__code", "module__name_fi", "pk")
    )
    names = [str(rollout) for rollout in followers]
    if names:
        raise PermissionDenied(FOLLOWED_BY_OTHER_COUNTIES % {"title": process.title, "rollouts": "; ".join(names)})
