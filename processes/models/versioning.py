"""Rows that count their saves, so that an editor's form can tell it was opened on an older version."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A row whose every save raises its `version`: an editor's form carries the version it showed.

    The next version is read from the database, so a stale instance (a history revert, a
    form opened long ago) never writes a version that was already used.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True).first()
            self.version = max(stored or 0, self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
