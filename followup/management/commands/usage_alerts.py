"""List the contents whose usage is declining, per county and service area, and email the counties' editors.

Usage: python manage.py usage_alerts [--county CODE] [--period-type week|month] [--format text|csv] [--notify]
                                     [--language fi|sv|en] [--today YYYY-MM-DD]

Runs the decline rule (metrics/decline.py) on the complete periods before today, creates or
updates the alerts of the follow-up log, and prints the alerts of this window. Made for
cron: it prints nothing and exits 0 when nothing declines, prints the list and exits 0 when
something does, and exits non-zero with a message on stderr when an argument is wrong.
`--notify` also emails each county's editors the alerts of their own county.
"""

import csv
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from followup.reporting import CSV_COLUMNS, alert_csv_row, alerts_notify, alerts_text
from followup.services import alerts_refresh
from metrics.models import PeriodType
from regions.models import WellbeingCounty

UNKNOWN_COUNTY = _("There is no county with the code “{code}”.")
BAD_DATE = _("“{value}” is not a date: write it as 2026-11-25.")
NOTIFIED = _("Emailed {count} message(s) to the counties' editors.")


class Command(BaseCommand):
    help = "List contents whose usage declines, per county and service area; optionally email the county editors."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county, by its two-digit code (e.g. 14).")
        parser.add_argument(
            "--period-type",
            choices=PeriodType.values,
            default=PeriodType.WEEK,
            help="Compare weeks (the default) or months.",
        )
        parser.add_argument(
            "--format", choices=["text", "csv"], default="text", help="Plain lines (the default) or CSV."
        )
        parser.add_argument(
            "--notify", action="store_true", help="Email each county's editors the alerts of their county."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the list and the emails (default: the portal's, Finnish).",
        )
        parser.add_argument(
            "--today",
            help="Compare the complete periods before this date (YYYY-MM-DD) instead of before today.",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self._report(options)

    def _report(self, options):
        county = self._county(options["county"])
        today = self._today(options["today"])
        windows, alerts = alerts_refresh(period_type=options["period_type"], today=today, county=county)
        if not alerts:
            return
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            writer.writerows(alert_csv_row(alert) for alert in alerts)
        else:
            self.stdout.write(alerts_text(alerts=alerts, windows=windows))
        if options["notify"]:
            sent = alerts_notify(alerts=alerts, windows=windows)
            if options["verbosity"] >= 2:
                self.stderr.write(str(NOTIFIED).format(count=sent))

    def _county(self, code):
        if code is None:
            return None
        county = WellbeingCounty.objects.filter(code=code).first()
        if county is None:
            raise CommandError(str(UNKNOWN_COUNTY).format(code=code))
        return county

    def _today(self, value):
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(str(BAD_DATE).format(value=value)) from None
