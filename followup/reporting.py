"""The alerts as text, CSV rows and emails to each county's editors: what `usage_alerts` prints and sends."""

from itertools import groupby

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followup.models import UsageAlert
from metrics.decline import DEFAULT_RULE, DeclineRule, DeclineWindows, rule_description_named, windows_description
from metrics.periods import period_label
from regions.models import WellbeingCounty

CSV_COLUMNS = [
    "county",
    "service_area",
    "module",
    "metric",
    "period_type",
    "window_end",
    "previous",
    "recent",
    "change_percent",
    "status",
]
MAIL_CONTACT = _("Contact person: {contact}")
MAIL_LINK = _("Record the follow-up: {url}")
MAIL_FOOTER = _("Record what you do about each alert in the portal's admin: Declining usage follow-up → Usage alerts.")


def alert_line(alert: UsageAlert) -> str:
    """One alert on one line: where, what, the two totals and the change."""
    where = alert.county.code + " " + alert.county.name
    if alert.service_area_id:
        where += f" / {alert.service_area.name}"
    return (
        f"{where}: {alert.module.name} ({alert.module.code}): {alert.previous} → {alert.recent} "
        f"({alert.change_percent:+d} %) [{alert.get_status_display()}]"
    )


def alert_admin_url(alert: UsageAlert) -> str:
    """The alert's page in the admin, as an absolute address (SITE_URL) for an email."""
    return settings.SITE_URL.rstrip("/") + reverse("admin:followup_usagealert_change", args=[alert.pk])


def alert_mail_block(alert: UsageAlert) -> str:
    """One alert in an email: its line, whom to call (the service area's contact person) and its admin page."""
    lines = [alert_line(alert)]
    contact = alert.service_area.contact if alert.service_area_id else ""
    if contact:
        lines.append("  " + str(MAIL_CONTACT).format(contact=contact))
    lines.append("  " + str(MAIL_LINK).format(url=alert_admin_url(alert)))
    return "\n".join(lines)


def alert_csv_row(alert: UsageAlert) -> list:
    """One alert as a CSV row of codes, in CSV_COLUMNS order."""
    return [
        alert.county.code,
        alert.service_area.code if alert.service_area_id else "",
        alert.module.code,
        alert.metric.code,
        alert.period_type,
        period_label(alert.period_type, alert.window_end),
        alert.previous,
        alert.recent,
        alert.change_percent,
        alert.status,
    ]


def alerts_text(*, alerts: list[UsageAlert], windows: DeclineWindows, rule: DeclineRule = DEFAULT_RULE) -> str:
    """The rule (with its metric's name), the windows compared and one line per alert."""
    lines = [rule_description_named(rule), windows_description(windows), *(alert_line(alert) for alert in alerts)]
    return "\n".join(lines)


def alerts_mail_text(*, alerts: list[UsageAlert], windows: DeclineWindows, rule: DeclineRule = DEFAULT_RULE) -> str:
    """An email's alerts: the rule, the windows, and each alert with its contact person and admin page."""
    blocks = [rule_description_named(rule), windows_description(windows), *(alert_mail_block(a) for a in alerts)]
    return "\n".join(blocks)


def alerts_notify(*, alerts: list[UsageAlert], windows: DeclineWindows, rule: DeclineRule = DEFAULT_RULE) -> int:
    """Email each county's editors the alerts of their county; the number of messages sent."""
    by_county = {
        county_id: list(county_alerts)
        for county_id, county_alerts in groupby(sorted(alerts, key=lambda a: a.county_id), key=lambda a: a.county_id)
    }
    counties = WellbeingCounty.objects.filter(pk__in=by_county).prefetch_related("editors").order_by("code")
    messages = []
    for county in counties:
        recipients = sorted(editor.email for editor in county.editors.all() if editor.is_active and editor.email)
        if not recipients:
            continue
        county_alerts = by_county[county.pk]
        subject = ngettext(
            "Omaolo: usage of {count} content is declining in {county}",
            "Omaolo: usage of {count} contents is declining in {county}",
            len(county_alerts),
        ).format(count=len(county_alerts), county=county.name)
        body = alerts_mail_text(alerts=county_alerts, windows=windows, rule=rule) + f"\n\n{MAIL_FOOTER}\n"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
    if not messages:
        return 0
    return send_mass_mail(messages)
