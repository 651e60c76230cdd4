"""A rollout guide's phases and the steps inside them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from processes.models.choices import ResponsibleRole, StepAnchor
from processes.models.history import HistoricalRecords
from processes.models.texts import MultilineTextField
from processes.models.versioning import VersionedModel

NAMED_ANCHOR_WITHOUT_NAME = _("Name the date the step counts from, such as “Change coaching 1”.")


class Phase(VersionedModel):
    """One phase of a rollout process, such as planning or the pilot."""

    # Named, not imported: the description's search imports this module.
    process = models.ForeignKey(
        "ProcessDescription", verbose_name=_("process description"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Phases are shown in this order."))
    title = models.CharField(_("title"), max_length=200)
    goal = MultilineTextField(_("goal"), blank=True, help_text=_("What the phase achieves. Markdown is allowed."))
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The phase of the guide this one was copied from, when the guide is a copy."),
    )

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
    anchor = models.CharField(
        _("anchor"),
        max_length=20,
        choices=StepAnchor,
        default=StepAnchor.GO_LIVE,
        help_text=_("The date of a rollout plan that the step's due date counts from."),
    )
    anchor_name = models.CharField(
        _("name of the anchor"),
        max_length=100,
        blank=True,
        help_text=_("For a named date only, such as “Change coaching 1”: the plan asks for its date."),
    )
    offset_days = models.SmallIntegerField(
        _("offset (working days)"),
        null=True,
        blank=True,
        help_text=_(
            "Working days from the anchor to the step's due date: negative before it, positive after. "
            "Leave empty when the step has no date of its own."
        ),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The step of the guide this one was copied from, when the guide is a copy."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["phase", "order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.anchor == StepAnchor.NAMED and not self.anchor_name.strip():
            raise ValidationError({"anchor_name": NAMED_ANCHOR_WITHOUT_NAME})

    @property
    def timing(self) -> str:
        """When the step is due, as the guide says it ("Go-live: 10 working days before"); empty without an offset."""
        if self.offset_days is None:
            return ""
        anchor = self.anchor_name if self.anchor == StepAnchor.NAMED else str(self.get_anchor_display()).capitalize()
        days = abs(self.offset_days)
        if self.offset_days < 0:
            text = ngettext("%(anchor)s: %(days)d working day before", "%(anchor)s: %(days)d working days before", days)
        elif self.offset_days > 0:
            text = ngettext("%(anchor)s: %(days)d working day after", "%(anchor)s: %(days)d working days after", days)
        else:
            text = gettext("%(anchor)s: on the day")
        return text % {"anchor": anchor, "days": days}

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip(" -*•\t") for line in self.checklist.splitlines() if line.strip(" -*•\t")]
