"""A rollout guide's phases and the steps inside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from processes.models.choices import ResponsibleRole
from processes.models.history import HistoricalRecords
from processes.models.texts import MultilineTextField
from processes.models.versioning import VersionedModel


class Phase(VersionedModel):
    """One phase of a rollout process, such as planning or the pilot."""

    # Named, not imported: the description's search imports this module.
    process = models.ForeignKey(
        "ProcessDescription", verbose_name=_("process description"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Phases are shown in this order."))
    title = models.CharField(_("title"), max_length=200)
    goal = MultilineTextField(_("goal"), blank=True, help_text=_("What the phase achieves. Markdown is allowed."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Step(VersionedModel):
    """A step inside a phase: who does it, how long it takes, what it produces."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = MultilineTextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    responsible_role = models.CharField(_("responsible role"), max_length=30, choices=ResponsibleRole)
    estimated_days = models.PositiveSmallIntegerField(
        _("estimated duration (days)"), null=True, blank=True, help_text=_("Working days the step usually takes.")
    )
    output = models.CharField(
        _("produces"), max_length=300, blank=True, help_text=_("What exists when the step is done.")
    )
    checklist = MultilineTextField(_("checklist"), blank=True, help_text=_("One item a line."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["phase", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip(" -*•\t") for line in self.checklist.splitlines() if line.strip(" -*•\t")]
