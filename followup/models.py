from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metrics.models import Metric, PeriodType
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty


class AlertStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONTACTED = "contacted", _("contacted")
    RESOLVED = "resolved", _("resolved")


ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.CONTACTED)


class UsageAlertQuerySet(models.QuerySet):
    def active(self):
        """Alerts nobody has resolved yet: open or contacted."""
        return self.filter(status__in=ACTIVE_STATUSES)


class UsageAlert(models.Model):
    """A content whose usage fell in a county or one of its service areas: something to follow up."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.CASCADE, related_name="usage_alerts"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="usage_alerts",
        help_text=_("Empty when the fall is in the figures of the whole county."),
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content module"), on_delete=models.CASCADE, related_name="usage_alerts"
    )
    metric = models.ForeignKey(Metric, verbose_name=_("metric"), on_delete=models.CASCADE, related_name="+")
    period_type = models.CharField(_("period type"), max_length=5, choices=PeriodType)
    window_end = models.DateField(
        _("last period compared"), help_text=_("The start of the last complete week or month the rule compared.")
    )
    previous = models.BigIntegerField(_("earlier periods"), help_text=_("The total of the earlier window."))
    recent = models.BigIntegerField(_("recent periods"), help_text=_("The total of the recent window."))
    change_percent = models.IntegerField(_("change (%)"))
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus, default=AlertStatus.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last refreshed"), auto_now=True)

    history = HistoricalRecords()
    objects = UsageAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("usage alert")
        verbose_name_plural = _("usage alerts")
        ordering = ["status", "change_percent", "county__code"]
        constraints = [
            # One active alert per series; a NULL service area needs its own condition
            # (NULLs are distinct in unique constraints, on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=["county", "service_area", "module", "metric", "period_type"],
                condition=Q(status__in=["open", "contacted"], service_area__isnull=False),
                name="usage_alert_one_active_per_service_area",
            ),
            models.UniqueConstraint(
                fields=["county", "module", "metric", "period_type"],
                condition=Q(status__in=["open", "contacted"], service_area__isnull=True),
                name="usage_alert_one_active_per_county",
            ),
        ]
        indexes = [models.Index(fields=["status", "county"], name="usage_alert_status_idx")]

    def __str__(self):
        where = f" – {self.service_area.name}" if self.service_area_id else ""
        return f"{self.county.name}{where}: {self.module.name} ({self.change_percent} %)"


class AlertFollowUp(models.Model):
    """One entry of an alert's follow-up log: who did what, when, and the status it left."""

    # An alert that was followed up is resolved, never deleted with its log.
    alert = models.ForeignKey(UsageAlert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="follow_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    new_status = models.CharField(_("new status"), max_length=10, choices=AlertStatus)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_new_status_display()} {self.created_at:%Y-%m-%d}"
