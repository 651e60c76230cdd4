"""Operations on process descriptions: the admin, commands and tests call these, never the model directly.

Each takes keyword-only arguments and the acting `user`, so that the rule of who may
do what lives here, next to the operation, and the history records who did it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from processes.models import ProcessDescription, PublicationStatus
from regions.scoping import FOREIGN_COUNTY_ERROR, can_edit_county


def _check_may_edit(*, process: ProcessDescription, user) -> None:
    if not can_edit_county(user, process.county_id):
        raise PermissionDenied(FOREIGN_COUNTY_ERROR)


@transaction.atomic
def process_publish(*, process: ProcessDescription, user) -> bool:
    """Publish the description now (keeping an earlier publication time); False when it already was."""
    _check_may_edit(process=process, user=user)
    if process.status == PublicationStatus.PUBLISHED:
        return False
    process.status = PublicationStatus.PUBLISHED
    process.published_at = process.published_at or timezone.now()
    process._history_user = user
    process.save()
    return True


@transaction.atomic
def process_archive(*, process: ProcessDescription, user) -> bool:
    """Take the description off the public guide, keeping it and its history; False when it already was."""
    _check_may_edit(process=process, user=user)
    if process.status == PublicationStatus.ARCHIVED:
        return False
    process.status = PublicationStatus.ARCHIVED
    process._history_user = user
    process.save()
    return True
