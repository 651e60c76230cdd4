"""Attachment files in storage: which ones a record still names, and the clean-up of the rest.

A file stays as long as anything names it: an attachment row, a history row of one (a past
state can be reverted to, and an auditor reads it), or a published version (the public read
it, and a revision may go back to it). Only files no record names, and old enough that no
upload is still being saved with them, are removed (`manage.py attachments_prune`).
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone

from processes.models import ProcessAttachment, PublishedVersion

ATTACHMENT_DIRECTORY = "attachments"
# An upload is written to storage before its row is committed: leave younger files alone.
DEFAULT_MIN_AGE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class OrphanedFile:
    name: str
    size: int


def attachment_storage():
    """The storage attachments are written to."""
    return ProcessAttachment._meta.get_field("file").storage


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


def _file_columns():
    """(model, column) of every file field, and the same column of the model's history model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field.attname
                # django-simple-history keeps a file field's name in a text column of the history model.
                history_attribute = getattr(model._meta, "simple_history_manager_attribute", None)
                if history_attribute:
                    yield getattr(model, history_attribute).model, field.attname


def file_names_in_use() -> set[str]:
    """Every file name any row names: the file fields of every model and of its history, published versions."""
    names = set()
    for model, column in _file_columns():
        named = model._default_manager.exclude(**{column: ""}).filter(**{f"{column}__isnull": False})
        names.update(named.values_list(column, flat=True).iterator())
    # However a version stores its attachments, it names their files by their storage names.
    for snapshot in PublishedVersion.objects.values_list("snapshot", flat=True).iterator():
        names.update(_strings_in(snapshot))
    return names


def _stored_files(storage, directory):
    if not storage.exists(directory):
        return
    directories, files = storage.listdir(directory)
    for name in sorted(files):
        yield f"{directory}/{name}"
    for child in sorted(directories):
        yield from _stored_files(storage, f"{directory}/{child}")


def attachment_files_prune(*, dry_run: bool = False, min_age=DEFAULT_MIN_AGE, now=None) -> list[OrphanedFile]:
    """Remove the attachment files no record names (only list them with `dry_run`); the files concerned."""
    storage = attachment_storage()
    cutoff = (now or timezone.now()) - min_age
    stored = list(_stored_files(storage, ATTACHMENT_DIRECTORY))
    in_use = file_names_in_use()
    orphans = [
        OrphanedFile(name=name, size=storage.size(name))
        for name in stored
        if name not in in_use and storage.get_modified_time(name) <= cutoff
    ]
    if not dry_run:
        for orphan in orphans:
            storage.delete(orphan.name)
    return orphans
