"""The plans' pages: the calendar feed at its secret address, and the public progress pages without owners.

A plan is public while the guide it was made from is (`RolloutPlan.objects.public()`); the
public pages never show a task's owner, its notes or the calendar address.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from plans.feed import plan_calendar
from plans.models import RolloutPlan
from plans.progress import county_plans, plan_progress
from plans.services import plan_of_feed_token
from regions.models import WellbeingCounty


@require_GET
def plan_feed(request, token):
    """The one plan whose current calendar address carries `token`; a wrong or revoked token is 404."""
    plan = plan_of_feed_token(token)
    if plan is None:
        raise Http404
    response = HttpResponse(plan_calendar(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}.ics"'
    # The address is a secret: no shared cache keeps it, no search engine lists it, no page links it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def plan_detail(request, pk):
    """A plan's progress for the public: its timeline, each phase's share done, this week and overdue; no owners."""
    plans = (
        RolloutPlan.objects.public()
        .select_related(
            "rollout__county",
            "rollout__module",
            "rollout__service_area",
            "source_version__process__published_version",
        )
        .defer("source_version__snapshot", "source_version__search_text")
    )
    plan = get_object_or_404(plans, pk=pk)
    guide = plan.source_version.process
    # While the guide is revised, the public reads its last published title.
    guide.show_published_form()
    progress = plan_progress(plan, today=timezone.localdate(), with_owners=False)
    return render(
        request,
        "plans/plan_detail.html",
        {"plan": plan, "guide": guide, "progress": progress, "language": guide.language},
    )


def county_plans_page(request, code):
    """A county's running public plans on one timeline."""
    if "\x00" in code:
        # PostgreSQL refuses text with a NUL byte, and no county code has one.
        raise Http404
    county = get_object_or_404(WellbeingCounty, code=code)
    plans = RolloutPlan.objects.for_county(county).current().public()
    return render(
        request,
        "plans/county_plans.html",
        {"county": county, "timeline": county_plans(plans, today=timezone.localdate())},
    )
