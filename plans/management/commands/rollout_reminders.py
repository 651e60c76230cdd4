"""Email the rollout plans' reminders: each owner their tasks due soon and overdue; on Mondays, the editors' summary.

Usage: python manage.py rollout_reminders [--county CODE] [--days N] [--summary | --no-summary] [--today YYYY-MM-DD]

Made for a daily cron: it prints nothing and exits 0 when nothing is due; with --verbosity 2 it
says how many messages it sent. Each task owner (a user with an email address) gets one message
listing their open tasks due within N working days (5 by default; weekends and Finnish public
holidays skipped) and their overdue ones. Each county's editors get a weekly summary of the
county's overdue tasks and those due this week: on Mondays, or on any day with --summary.
A mail server that refuses the messages is an error (non-zero exit, message on stderr).
"""

import argparse
import datetime
import smtplib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.reminders import DEFAULT_DAYS, reminders_send
from regions.models import WellbeingCounty

UNKNOWN_COUNTY = _("There is no county with the code “{code}”.")
BAD_DATE = _("“{value}” is not a date: write it as 2026-11-25.")
MAIL_FAILED = _("The reminders could not be sent: {error}")
SENT = _("Emailed {owners} reminder(s) to task owners and {summaries} summary message(s) to editors.")


class Command(BaseCommand):
    help = "Email each task owner their rollout tasks due soon and overdue, and the county editors a weekly summary."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county, by its two-digit code (e.g. 09).")
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help="Remind of tasks due within this many working days (5)."
        )
        parser.add_argument(
            "--summary",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Send the editors' weekly summary (default: on Mondays only).",
        )
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        county = self._county(options["county"])
        today = self._today(options["today"])
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        summary = today.weekday() == 0 if options["summary"] is None else options["summary"]
        try:
            owners, summaries = reminders_send(today=today, days=options["days"], county=county, summary=summary)
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(str(MAIL_FAILED).format(error=error)) from None
        if (owners or summaries) and options["verbosity"] >= 2:
            self.stdout.write(str(SENT).format(owners=owners, summaries=summaries))

    def _county(self, code):
        if code is None:
            return None
        county = WellbeingCounty.objects.filter(code=code).first()
        if county is None:
            raise CommandError(str(UNKNOWN_COUNTY).format(code=code))
        return county

    def _today(self, value):
        if value is None:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(str(BAD_DATE).format(value=value)) from None
