"""Rollouts: a county deploying a content, where, following which guide, and how far it has come."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from processes.models.choices import RolloutStatus
from processes.models.contents import ContentModule
from processes.models.descriptions import ProcessDescription
from processes.models.history import HistoricalRecords
from processes.models.phases import Phase, Step
from regions.models import ServiceArea, WellbeingCounty


class RolloutQuerySet(models.QuerySet):
    def for_county(self, county):
        """Rollouts of one county."""
        return self.filter(county=county)

    def current(self):
        """Rollouts that have not ended."""
        return self.exclude(status=RolloutStatus.ENDED)

    def with_public_current_phase(self):
        """Annotate `current_phase_is_public`: the current phase belongs to the rollout's published guide.

        A draft's phases are never shown publicly; "published" is `ProcessDescription.objects.published()`.
        """
        published_guide_with_phase = ProcessDescription.objects.published().filter(
            pk=OuterRef("process"), phases=OuterRef("current_phase")
        )
        queryset = self.annotate(current_phase_is_public=Exists(published_guide_with_phase)).select_related(
            "process__published_version", "current_phase"
        )
        # While the guide is revised, the phase is named as the published version names it.
        queryset._iterable_class = PublishedPhaseIterable
        return queryset

    def with_step_progress(self):
        """Annotate each rollout with its completed steps and the number of steps its process has.

        The number is the published version's while the guide is revised: a revision's new
        steps are not counted publicly until published.
        """
        total_steps = (
            Step.objects.filter(phase__process=OuterRef("process"))
            .order_by()
            .values("phase__process")
            .annotate(total=models.Count("pk"))
            .values("total")
        )
        return self.annotate(
            completed_step_count=models.Count("completed_steps"),
            total_step_count=models.Case(
                models.When(process__published_version__isnull=False, then=F("process__published_version__step_count")),
                default=Coalesce(Subquery(total_steps), 0),
            ),
        )


def county_rollout_counts() -> dict:
    """Annotations for a county queryset: how many of its rollouts are in each status (`rollouts_<status>`)."""
    return {
        f"rollouts_{status}": models.Count("rollouts", filter=Q(rollouts__status=status))
        for status in RolloutStatus.values
    }


SERVICE_AREA_OF_OTHER_COUNTY = _("This service area belongs to another county.")
PHASE_OF_OTHER_PROCESS = _("The current phase must be a phase of the chosen process description.")
GO_LIVE_BEFORE_PILOT = _("Go-live cannot be before the pilot starts.")
END_BEFORE_GO_LIVE = _("A rollout cannot end before it went live.")
ENDED_WITHOUT_DATE = _("An ended rollout needs the date it ended.")


class Rollout(models.Model):
    """One county deploying one content, optionally in one service area, following a process."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="rollouts"
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content module"), on_delete=models.PROTECT, related_name="rollouts"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rollouts",
        help_text=_("Leave empty when the content is deployed in the whole county."),
    )
    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rollouts",
        help_text=_("The operating model this rollout follows."),
    )
    status = models.CharField(_("status"), max_length=20, choices=RolloutStatus, default=RolloutStatus.PLANNED)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    pilot_start = models.DateField(_("pilot start"), null=True, blank=True)
    go_live = models.DateField(_("go-live"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    current_phase = models.ForeignKey(
        Phase,
        verbose_name=_("current phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_steps = models.ManyToManyField(
        Step, verbose_name=_("completed steps"), blank=True, related_name="completed_in_rollouts"
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[completed_steps])
    objects = RolloutQuerySet.as_manager()

    class Meta:
        verbose_name = _("rollout")
        verbose_name_plural = _("rollouts")
        ordering = ["county__code", "module__name_fi"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pilot_start__isnull=True)
                | Q(go_live__isnull=True)
                | Q(pilot_start__lte=models.F("go_live")),
                name="rollout_pilot_start_before_go_live",
            ),
            models.CheckConstraint(
                condition=Q(go_live__isnull=True) | Q(ended_on__isnull=True) | Q(go_live__lte=models.F("ended_on")),
                name="rollout_go_live_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(status=RolloutStatus.ENDED) | Q(ended_on__isnull=False),
                name="rollout_ended_has_end_date",
            ),
        ]

    def clean(self):
        errors = {}
        if self.service_area_id and self.county_id and self.service_area.county_id != self.county_id:
            errors["service_area"] = SERVICE_AREA_OF_OTHER_COUNTY
        if self.current_phase_id and self.current_phase.process_id != self.process_id:
            errors["current_phase"] = PHASE_OF_OTHER_PROCESS
        if self.pilot_start and self.go_live and self.pilot_start > self.go_live:
            errors["go_live"] = GO_LIVE_BEFORE_PILOT
        if self.go_live and self.ended_on and self.go_live > self.ended_on:
            errors["ended_on"] = END_BEFORE_GO_LIVE
        if self.status == RolloutStatus.ENDED and not self.ended_on:
            errors["ended_on"] = ENDED_WITHOUT_DATE
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        where = f" – {self.service_area.name}" if self.service_area_id else ""
        return f"{self.county.name}: {self.module.name}{where}"


class PublishedPhaseIterable(ModelIterable):
    """Yields rollouts whose current phase reads as in the guide's last published version, if there is one."""

    def __iter__(self):
        for rollout in super().__iter__():
            version = rollout.process.published_version if rollout.process_id else None
            if version is not None and rollout.current_phase_id and rollout.current_phase_is_public:
                published = {phase["id"]: phase for phase in version.snapshot.get("phases", [])}
                phase = published.get(rollout.current_phase_id)
                if phase is None:
                    rollout.current_phase_is_public = False
                else:
                    rollout.current_phase.title = phase["title"]
            yield rollout
