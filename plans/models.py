"""Rollout plans: a rollout's tasks, copied from its guide's published version, with dates in working days.

A `RolloutPlan` belongs to one rollout and remembers the `PublishedVersion` it was made from;
its `PlanTask` rows are copies of that version's steps (title, role, checklist, output, anchor
and offset), so a later edit of the guide never changes a running plan (`plans.services.plan_pull`
brings a newer version in on request). `PlanAnchor` rows are the plan's dates: go-live, pilot
start and the named ones the steps count from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from processes.models import ProcessDescription, PublishedVersion, ResponsibleRole, Rollout, RolloutStatus, StepAnchor


class TaskStatus(models.TextChoices):
    """The four statuses of an iCalendar VTODO (RFC 5545 §3.8.1.11)."""

    NOT_STARTED = "NEEDS-ACTION", _("not started")
    IN_PROGRESS = "IN-PROCESS", _("in progress")
    DONE = "COMPLETED", _("done")
    SKIPPED = "CANCELLED", _("skipped")


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class TaskKind(models.TextChoices):
    STEP = "step", _("step of the guide")
    GO_NO_GO = "go_no_go", _("go/no-go decision")


class RolloutPlanQuerySet(models.QuerySet):
    def for_county(self, county):
        """Plans of one county's rollouts."""
        return self.filter(rollout__county=county)

    def running(self):
        """Plans with an open task."""
        return self.filter(finished_on__isnull=True)

    def current(self):
        """Running plans of rollouts that have not ended: what a county's timeline shows."""
        return self.running().exclude(rollout__status=RolloutStatus.ENDED)

    def public(self):
        """Plans the public may follow: made from a guide the public may read (`ProcessDescription...published()`).

        Every rollout is public (the county and content pages list them all); a plan adds the
        tasks it copied from its guide's published version, so it is public while that guide is.
        """
        return self.filter(source_version__process__in=ProcessDescription.objects.published())


class RolloutPlan(models.Model):
    """The plan a county's team runs for one rollout, made from the published version of its guide."""

    rollout = models.OneToOneField(Rollout, verbose_name=_("rollout"), on_delete=models.PROTECT, related_name="plan")
    source_version = models.ForeignKey(
        PublishedVersion,
        verbose_name=_("published version followed"),
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The published version of the guide the tasks were copied from."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_on = models.DateField(
        _("finished on"), null=True, blank=True, help_text=_("Set when the last open task is done or skipped.")
    )
    feed_token_hash = models.CharField(_("calendar address (hashed)"), max_length=64, blank=True, editable=False)
    feed_token_created_at = models.DateTimeField(_("calendar address made"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["feed_token_hash"])
    objects = RolloutPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rollout plan")
        verbose_name_plural = _("rollout plans")
        ordering = ["rollout__county__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["feed_token_hash"], condition=~Q(feed_token_hash=""), name="plan_feed_token_unique"
            )
        ]

    def __str__(self):
        return str(self.rollout)


class PlanAnchor(models.Model):
    """A date of the plan that tasks count from: go-live, pilot start, or a named one such as a coaching session."""

    plan = models.ForeignKey(RolloutPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="anchors")
    kind = models.CharField(_("anchor"), max_length=20, choices=StepAnchor)
    name = models.CharField(_("name"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty: the tasks counting from it wait."))

    class Meta:
        verbose_name = _("date of the plan")
        verbose_name_plural = _("dates of the plan")
        ordering = ["plan", "date", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "name"], name="plan_anchor_unique")]

    def __str__(self):
        return self.name or self.get_kind_display()


class PlanTaskQuerySet(models.QuerySet):
    def open(self):
        """Tasks not done and not skipped."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        """Open tasks whose due date has passed."""
        return self.open().filter(due__lt=today)

    def due_between(self, first, last):
        """Open tasks due from `first` to `last`, both included."""
        return self.open().filter(due__gte=first, due__lte=last)


class PlanTask(models.Model):
    """One task of a plan: a copy of a guide's step (or the go/no-go decision) with an owner, a status and dates."""

    plan = models.ForeignKey(RolloutPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind, default=TaskKind.STEP)
    source_step_id = models.PositiveIntegerField(
        _("step of the guide"), null=True, blank=True, editable=False, help_text=_("The step this task copies.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    phase_title = models.CharField(_("phase"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=30, choices=ResponsibleRole, blank=True)
    output = models.CharField(_("produces"), max_length=300, blank=True)
    checklist = models.TextField(_("checklist"), blank=True)
    anchor = models.ForeignKey(
        PlanAnchor, verbose_name=_("counts from"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    offset_days = models.SmallIntegerField(_("offset (working days)"), null=True, blank=True)
    estimated_days = models.PositiveSmallIntegerField(_("estimated duration (days)"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
        help_text=_("A user of the county; or leave empty and name the person below."),
    )
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    owner_role = models.CharField(_("owner's role"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus, default=TaskStatus.NOT_STARTED)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    date_set_by_hand = models.BooleanField(
        _("date set by hand"), default=False, help_text=_("Moving an anchor leaves this task's dates as they are.")
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    actual_days = models.PositiveSmallIntegerField(
        _("actual duration (working days)"), null=True, blank=True, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    lesson = models.TextField(
        _("lesson learned"), blank=True, help_text=_("What the next county following the guide should know.")
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()
    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="plan_task_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="COMPLETED") | Q(done_on__isnull=False), name="plan_task_done_has_date"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True) | Q(due__isnull=True) | Q(planned_start__lte=models.F("due")),
                name="plan_task_start_before_due",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.get_username()
        return ", ".join(part for part in (self.owner_name, self.owner_role) if part)

    @property
    def percent_complete(self) -> int:
        return {TaskStatus.DONE: 100, TaskStatus.IN_PROGRESS: 50}.get(self.status, 0)


class PlanPhaseDuration(models.Model):
    """How long one phase of the guide took in one plan, stored when the plan ended (all done, or the rollout ended).

    Planned: working days from the phase's first planned start to its last due date; actual:
    from its first task started (or planned to start) to its last task done, both days
    included. The public guide's "experiences" read these, never a running plan's guesses.
    """

    plan = models.ForeignKey(
        RolloutPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="phase_durations"
    )
    source_phase_id = models.PositiveIntegerField(_("phase of the guide"), help_text=_("The phase the tasks copy."))
    phase_title = models.CharField(_("phase"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    planned_days = models.PositiveSmallIntegerField(_("planned duration (working days)"), null=True, blank=True)
    actual_days = models.PositiveSmallIntegerField(_("actual duration (working days)"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("duration of a phase")
        verbose_name_plural = _("durations of the phases")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source_phase_id"], name="plan_phase_duration_unique"),
        ]

    def __str__(self):
        return self.phase_title


LESSON_MAX_LENGTH = 2000


class PlanPhaseLesson(models.Model):
    """What the team learned in one phase of the guide, written once every task of the phase was done or skipped.

    Kept apart from `PlanPhaseDuration`, which is rewritten whenever the plan ends again: a
    lesson stays when the plan reopens. A plan with lessons cannot be deleted (PROTECT), and
    every change is in the history.
    """

    plan = models.ForeignKey(
        RolloutPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="phase_lessons"
    )
    source_phase_id = models.PositiveIntegerField(
        _("phase of the guide"), editable=False, help_text=_("The phase the lesson is about.")
    )
    phase_title = models.CharField(_("phase"), max_length=200, editable=False)
    lesson = models.TextField(
        _("lesson learned"),
        max_length=LESSON_MAX_LENGTH,
        help_text=_("What the next county following the guide should know about this phase."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    written_at = models.DateTimeField(_("written"), editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lesson of a phase")
        verbose_name_plural = _("lessons of the phases")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source_phase_id"], name="plan_phase_lesson_unique"),
            models.CheckConstraint(condition=~Q(lesson=""), name="plan_phase_lesson_not_empty"),
        ]

    def __str__(self):
        return self.phase_title
