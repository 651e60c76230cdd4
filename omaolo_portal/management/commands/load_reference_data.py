"""Load the reference data the project ships in data/.

Usage: python manage.py load_reference_data

Creates or updates the wellbeing services counties (counties.csv), the Omaolo
content catalogue (omaolo_modules.csv), the usage metrics (metrics.csv), the routing
outcomes (routing_outcomes.csv), the care-guarantee rules (care_guarantee_rules.csv), the
national services 112 and 116117 (national_services.csv), the official languages of the
stored municipalities (municipality_languages.csv) and the
`County editors` group with the permissions of `regions.permissions.EDITOR_PERMISSIONS`
and the `National administrators` group with those of `NATIONAL_ADMIN_PERMISSIONS`.
Running it again updates changed rows and never duplicates anything.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from metrics.reference_data import metrics_load
from processes.reference_data import content_modules_load
from regions.permissions import editor_group_ensure, national_admin_group_ensure
from regions.reference_data import counties_load, municipality_languages_load
from routing.reference_data import care_rules_load, national_services_load, outcomes_load


class Command(BaseCommand):
    help = (
        "Load counties, Omaolo contents, metrics and routing reference data from the project's data files (idempotent)."
    )

    def handle(self, *args, **options):
        loaders = [
            ("counties", counties_load),
            ("content modules", content_modules_load),
            ("metrics", metrics_load),
            ("outcomes", outcomes_load),
            ("care-guarantee rules", care_rules_load),
            ("national services", national_services_load),
            ("municipalities' languages", municipality_languages_load),
        ]
        with transaction.atomic():
            for label, load in loaders:
                created, updated = load()
                if options["verbosity"] >= 1:
                    self.stdout.write(f"{label}: {created} created, {updated} updated")
            groups = [editor_group_ensure(), national_admin_group_ensure()]
        if options["verbosity"] >= 1:
            for group in groups:
                self.stdout.write(f"group {group.name}: {group.permissions.count()} permissions")
