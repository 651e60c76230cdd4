"""The plan's calendar feed, at a secret address that needs no login (calendar clients cannot log in)."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from plans.feed import plan_calendar
from plans.services import plan_of_feed_token


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
