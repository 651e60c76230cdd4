"""The admin's change history in the reader's language: django-simple-history's pages made readable.

`ReadableHistoryAdmin` replaces `SimpleHistoryAdmin` in every admin. Its history lists the
changes with a field's choice label instead of its stored code ("Tarkastettavana → Julkaistu",
not `in_review → published`), a related row by its name instead of its id, times in the local
time zone, "–" for no value, and the characters a long text leaves out counted in words of the
language ("[464 merkkiä]", not "[464 chars]"). The template (templates/simple_history/
object_history_list.html) shows the change reason or "–", never "None".
"""

import datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

NO_VALUE = "–"
CHARACTERS_LEFT_OUT = ngettext_lazy("[%(count)d character]", "[%(count)d characters]", "count")
YES, NO = _("Yes"), _("No")


class ReadableDiffDisplay(ObjDiffDisplay):
    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        return f"{prefix}{CHARACTERS_LEFT_OUT % {'count': num_skipped_chars}}{suffix}"


def readable_value(field, value):
    """A stored value as a reader knows it: a choice's label, a row's name, a local time, "–" for nothing."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, DeletedObject):  # a related row deleted since
        return NO_VALUE if value.pk is None else str(value.pk)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return readable_value(field, value)

    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return ReadableDiffDisplay(max_length=self.max_displayed_delta_change_chars)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)
