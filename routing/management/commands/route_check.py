"""Check the counties' routes: gaps in the week and on holidays, urgent routes, the care guarantee, stale routes.

Usage: python manage.py route_check [--county CODE] [--format text|csv] [--language fi|sv|en]

Quiet with exit status 0 when nothing is found, so that cron mails only when there is
something to fix. Otherwise prints each finding (what is wrong and how to fix it) to stdout,
a count to stderr, and exits with status 1. An unknown county code exits with status 2.
"""

import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.spreadsheet import spreadsheet_safe
from processes.models import ContentModule
from regions.models import WellbeingCounty
from routing.services import route_check_run

UNKNOWN_COUNTY = _("No county has the code “%(code)s”.")
FINDINGS_FOUND = ngettext_lazy("%(count)d finding.", "%(count)d findings.", "count")
CSV_HEADER = ("county", "content", "route", "check", "severity", "finding", "fix")
BAD_ARGUMENTS = 2


class Command(BaseCommand):
    help = "Check the routes of every county, or of one, and print what needs fixing (nothing when all is well)."

    def add_arguments(self, parser):
        parser.add_argument("--county", metavar="CODE", help="Check only the county with this two-digit code, e.g. 17.")
        parser.add_argument(
            "--format", choices=("text", "csv"), default="text", help="Print the findings as text lines or as CSV."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the findings.",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self._check(options)

    def _check(self, options):
        counties = None
        if options["county"]:
            counties = list(WellbeingCounty.objects.filter(code=options["county"]))
            if not counties:
                raise CommandError(UNKNOWN_COUNTY % {"code": options["county"]}, returncode=BAD_ARGUMENTS)
        findings = route_check_run(counties=counties)
        if not findings:
            return
        county_codes = dict(WellbeingCounty.objects.values_list("pk", "code"))
        module_codes = dict(ContentModule.objects.values_list("pk", "code"))
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(CSV_HEADER)
            for finding in findings:
                writer.writerow(
                    spreadsheet_safe(cell)
                    for cell in (
                        county_codes[finding.county_id],
                        module_codes.get(finding.module_id, ""),
                        finding.route_id or "",
                        finding.code,
                        finding.severity,
                        finding.message,
                        finding.fix,
                    )
                )
        else:
            for finding in findings:
                self.stdout.write(f"{county_codes[finding.county_id]} {finding.message} {finding.fix}")
        raise CommandError(FINDINGS_FOUND % {"count": len(findings)}, returncode=1)
