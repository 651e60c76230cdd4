from django.shortcuts import render

from processes.models import ProcessDescription, RolloutStatus
from regions.models import WellbeingCounty

LATEST_PROCESS_COUNT = 5
# The order of the status columns on the home page: from what is in use to what has ended.
STATUS_COLUMNS = [RolloutStatus.IN_USE, RolloutStatus.PILOTING, RolloutStatus.PLANNED, RolloutStatus.ENDED]


def home(request):
    """What the portal is, every county's rollouts at a glance, the latest guides and a search box."""
    counties = list(WellbeingCounty.objects.with_rollout_counts().order_by("code"))
    for county in counties:
        county.status_counts = [getattr(county, f"rollouts_{status}") for status in STATUS_COLUMNS]
    latest = (
        ProcessDescription.objects.published().select_related("county").order_by("-modified_at")[:LATEST_PROCESS_COUNT]
    )
    return render(
        request,
        "home.html",
        {"counties": counties, "latest_processes": latest, "statuses": STATUS_COLUMNS},
    )


def accessibility_statement(request):
    """The accessibility statement that Finland's Act on the Provision of Digital Services requires."""
    return render(request, "accessibility.html")
