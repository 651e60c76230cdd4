"""Two editors, one row: the second save of a description, phase or step is refused, never a silent overwrite.

Each of these models is a `VersionedModel`: every save raises its `version`. The admin form
carries the version it showed in a hidden field (`edit_version`); when the stored version
differs on save, the form gets an error naming who saved in between and what they changed
(read from django-simple-history), and nothing is saved.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME

EDIT_CONFLICT = _(
    "Someone else saved this while you were editing it ({who}, {when}). Nothing was saved. "
    "Their changes: {changes}. Open the page again to see their version, then make your changes again."
)
EDIT_CONFLICT_UNLISTED = _("not recorded")
EDIT_CONFLICT_DELETED = _("Someone else deleted this while you were editing it. Nothing was saved.")
CHANGE_OF_FIELD = _("{field}: “{old}” → “{new}”")
UNKNOWN_EDITOR = _("another user")
# Fields every save changes by itself: not what the other person changed.
UNLISTED_FIELDS = ["version", "modified_at"]
SHOWN_VALUE_CHARACTERS = 80


def _shown(value) -> str:
    return Truncator("" if value is None else str(value)).chars(SHOWN_VALUE_CHARACTERS)


def _history_user_name(record) -> str:
    user = record.history_user
    if user is None:
        return str(UNKNOWN_EDITOR)
    return user.get_full_name() or user.get_username()


def conflict_message(instance, seen_version: int | None) -> str:
    """What the other person changed since the editor's form showed `seen_version`, in one sentence."""
    history = instance.history.order_by("-history_date", "-history_id")
    latest = history.first()
    base = history.filter(version=seen_version).first() if seen_version is not None else None
    who, when, changes = str(UNKNOWN_EDITOR), "", str(EDIT_CONFLICT_UNLISTED)
    if latest is not None:
        newer = history.filter(version__gt=seen_version or 0)
        who = ", ".join(dict.fromkeys(_history_user_name(record) for record in newer)) or who
        when = date_format(localtime(latest.history_date), "SHORT_DATETIME_FORMAT")
    if latest is not None and base is not None:
        delta = latest.diff_against(base, excluded_fields=UNLISTED_FIELDS)
        labels = {field.name: field.verbose_name for field in type(instance)._meta.get_fields() if field.concrete}
        listed = [
            str(CHANGE_OF_FIELD).format(
                field=labels.get(change.field, change.field), old=_shown(change.old), new=_shown(change.new)
            )
            for change in delta.changes
        ]
        changes = "; ".join(listed) or changes
    return str(EDIT_CONFLICT).format(who=who, when=when, changes=changes)


class VersionCheckedForm(forms.ModelForm):
    """A model form that refuses to save over a change made since it was shown."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        version = self.instance.version
        if hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
            # A history revert shows a past state: it overwrites the current one knowingly.
            version = self._stored_version()
        self.initial["edit_version"] = version

    def _stored_version(self, *, lock=False):
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            stored = stored.select_for_update()
        return stored.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned_data
        seen = cleaned_data.get("edit_version")
        # Locked until the admin's transaction ends, so that a save racing this one waits and then fails here.
        stored = self._stored_version(lock=True)
        if stored is None:
            raise ValidationError(EDIT_CONFLICT_DELETED, code="edit_conflict")
        if seen != stored:
            raise ValidationError(conflict_message(self.instance, seen), code="edit_conflict")
        return cleaned_data
