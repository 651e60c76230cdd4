"""Operations on usage alerts: the refresh that a cron or the command runs, and the follow-up log.

Each takes keyword-only arguments; the follow-up operations take the acting `user` and check
inside that the alert is of a county the user may edit.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from metrics.decline import DEFAULT_RULE, DeclineRule, DeclineWindows, declines
from metrics.models import Metric, PeriodType
from regions.models import WellbeingCounty
from regions.scoping import FOREIGN_COUNTY_ERROR, can_edit_county, editable_county_ids

logger = logging.getLogger(__name__)

ALREADY_RESOLVED = _("This alert has already been resolved.")
NO_REFRESH_PERMISSION = _("You do not have permission to refresh the usage alerts.")
REFRESH_PERMISSION = "followup.change_usagealert"
UNKNOWN_METRIC = _("The decline rule reads the metric “{code}”, which does not exist.")


@transaction.atomic
def alerts_refresh(
    *,
    period_type: str,
    today: datetime.date | None = None,
    rule: DeclineRule = DEFAULT_RULE,
    county: WellbeingCounty | None = None,
) -> tuple[DeclineWindows, list[UsageAlert]]:
    """Create or update one active alert per declining series; the alerts of this window, steepest fall first.

    Idempotent: running it again the same week changes nothing. An active alert of the same series
    moves on to the new window with the new figures; a series resolved for this very window stays
    resolved.
    """
    windows, found = declines(period_type=period_type, today=today, rule=rule, county=county)
    if not found:
        return windows, []
    metric = Metric.objects.filter(code=rule.metric_code).first()
    if metric is None:
        raise ValueError(str(UNKNOWN_METRIC).format(code=rule.metric_code))
    existing = {
        (alert.county_id, alert.service_area_id, alert.module_id, alert.status == AlertStatus.RESOLVED): alert
        for alert in UsageAlert.objects.filter(
            metric=metric, period_type=period_type, county__in={decline.county for decline in found}
        ).filter(status__in=[AlertStatus.OPEN, AlertStatus.CONTACTED])
        | UsageAlert.objects.filter(
            metric=metric, period_type=period_type, window_end=windows.window_end, status=AlertStatus.RESOLVED
        )
    }
    alerts = []
    for decline in found:
        key = (decline.county.pk, decline.service_area.pk if decline.service_area else None, decline.module.pk)
        if (*key, True) in existing:
            continue
        alert = existing.get((*key, False)) or UsageAlert(period_type=period_type)
        # The rows the rule already read: listing the alerts needs no query of its own.
        alert.county, alert.service_area, alert.module, alert.metric = (
            decline.county,
            decline.service_area,
            decline.module,
            metric,
        )
        figures = {
            "window_end": windows.window_end,
            "previous": decline.previous,
            "recent": decline.recent,
            "change_percent": decline.change_percent,
        }
        if alert.pk is None or any(getattr(alert, name) != value for name, value in figures.items()):
            for name, value in figures.items():
                setattr(alert, name, value)
            alert.save()
        alerts.append(alert)
    return windows, alerts


def alerts_refresh_all(*, today: datetime.date | None = None, county: WellbeingCounty | None = None) -> int:
    """Refresh the alerts of weeks and of months (of one county, when given); returns the active alerts found."""
    found = 0
    for period_type in (PeriodType.WEEK, PeriodType.MONTH):
        _windows, alerts = alerts_refresh(period_type=period_type, today=today, county=county)
        found += len(alerts)
    return found


def alerts_refresh_after_import(*, batch, **kwargs) -> None:
    """After an applied import (metrics.signals.usage_import_applied): the follow-up log follows the new figures.

    The import is committed already; a refresh that fails is logged and left to the next
    import, the admin's refresh or the `usage_alerts` cron, never reported as a failed import.
    """
    try:
        alerts_refresh_all()
    except Exception:
        logger.exception("Refreshing the usage alerts after import batch %s failed", batch.pk)


def alerts_refresh_by(*, user, today: datetime.date | None = None) -> int:
    """The admin's refresh: the alerts of the counties the user edits (all, for a superuser); the alerts found."""
    if not user.has_perm(REFRESH_PERMISSION):
        raise PermissionDenied(NO_REFRESH_PERMISSION)
    if user.is_superuser:
        return alerts_refresh_all(today=today)
    counties = WellbeingCounty.objects.filter(pk__in=editable_county_ids(user)).order_by("code")
    return sum(alerts_refresh_all(today=today, county=county) for county in counties)


def _check_may_follow_up(*, alert: UsageAlert, user) -> None:
    if not can_edit_county(user, alert.county_id):
        raise PermissionDenied(FOREIGN_COUNTY_ERROR)


def _log(*, alert: UsageAlert, user, note: str, new_status: str) -> AlertFollowUp:
    _check_may_follow_up(alert=alert, user=user)
    if alert.status == AlertStatus.RESOLVED:
        raise PermissionDenied(ALREADY_RESOLVED)
    alert.status = new_status
    alert._history_user = user
    alert.save(update_fields=["status", "updated_at"])
    return AlertFollowUp.objects.create(alert=alert, user=user, note=note, new_status=new_status)


@transaction.atomic
def alert_contact(*, alert: UsageAlert, user, note: str) -> AlertFollowUp:
    """Record that the service area (or county) was contacted about the alert, with a note."""
    return _log(alert=alert, user=user, note=note, new_status=AlertStatus.CONTACTED)


@transaction.atomic
def alert_resolve(*, alert: UsageAlert, user, note: str) -> AlertFollowUp:
    """Close the alert: the fall is explained or over."""
    return _log(alert=alert, user=user, note=note, new_status=AlertStatus.RESOLVED)
