"""Create demo content for trying the portal out.

Usage: python manage.py seed_demo [--no-users]

Needs the reference data (`load_reference_data`) first. Creates three process
descriptions with phases and steps (North Karelia's and Päijät-Häme's published, with
their published versions and review log; Päijät-Häme's with a revision waiting in review;
a Lapland draft), service areas, rollouts (North Karelia's ended in June 2024) and a year
of weekly and monthly usage figures. With DEBUG on it also creates a demo superuser, a
Päijät-Häme editor and a Päijät-Häme publisher; it never does so in production. Running
it again creates only what is missing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from omaolo_portal.demo.seeding import demo_seed
from regions.models import WellbeingCounty


class Command(BaseCommand):
    help = "Create demo process descriptions, rollouts and usage statistics (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users", action="store_true", help="Do not create the demo superuser, editor and publisher accounts."
        )

    def handle(self, *args, **options):
        if not WellbeingCounty.objects.exists():
            raise CommandError("No counties found: run `python manage.py load_reference_data` first.")
        with_users = settings.DEBUG and not options["no_users"]
        result = demo_seed(with_users=with_users)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"demo: {result['processes']} process descriptions, "
                f"{result['statistics_created']} usage statistics created"
            )
            for username, password in result["users"]:
                self.stdout.write(f"Demo login at /admin/: user {username}, password {password}")
            if not settings.DEBUG and not options["no_users"]:
                self.stdout.write("DEBUG is off: no demo accounts were created.")
