"""Review and publication: the versions the public has read, and the log of each description's transitions."""

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from processes.models.choices import PublicationStatus, TransitionCause
from processes.models.contents import ContentModule
from processes.models.descriptions import ProcessDescription


class PublishedVersion(models.Model):
    """What the public read of a description when it was published: its fields, contents, phases, steps, links.

    `snapshot` is made by `processes.publishing.process_snapshot`; the public pages render it
    while the description itself is being revised, and the reviewer's comparison starts from it.
    `search_text` (its phases and steps), `step_count` and `modules` repeat parts of it for the
    search, the rollouts' progress and the content filter; `processes.services` stores all three together.
    """

    # Kept when a superuser deletes the description (an editor archives it): the record of what
    # the public read outlives the row, keyed by its id like the description's history rows.
    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="published_versions",
    )
    snapshot = models.JSONField(_("published content"))
    # Kept with the snapshot so that the public list can be searched and filtered in SQL.
    search_text = models.TextField(_("searched text of phases and steps"), blank=True, editable=False)
    step_count = models.PositiveIntegerField(_("number of steps"), default=0, editable=False)
    modules = models.ManyToManyField(
        ContentModule, verbose_name=_("content modules"), blank=True, related_name="+", editable=False
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        # The local time, as the reader writes it: "Malli (1.11.2026 12.00)", not the stored UTC.
        published = formats.date_format(timezone.localtime(self.published_at), "SHORT_DATETIME_FORMAT")
        return f"{self.snapshot.get('fields', {}).get('title', '')} ({published})"


class PublicationTransition(models.Model):
    """One change of a description's publication state: who, when, from what to what, and why."""

    # Kept when the description is deleted, as the published versions are.
    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PublicationStatus)
    to_status = models.CharField(_("to"), max_length=20, choices=PublicationStatus)
    cause = models.CharField(
        _("cause"),
        max_length=20,
        choices=TransitionCause,
        default=TransitionCause.REVIEW,
        help_text=_("A review button, an edit that started a revision, or a past state restored from the history."),
    )
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("publication transition")
        verbose_name_plural = _("publication transitions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
