from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from metrics import trends
from metrics.filters import DEFAULT_METRIC
from metrics.models import Metric, PeriodType, UsageStatistic
from processes.models import ProcessDescription, Rollout
from processes.views import with_public_current_phase
from regions.models import WellbeingCounty

# The statistics page lives in the metrics app; the link appears once that page exists.
STATISTICS_URL_NAME = "metrics:statistics"
USAGE_MONTHS_SHOWN = 12


def _statistics_url(county):
    try:
        return f"{reverse(STATISTICS_URL_NAME)}?county={county.code}"
    except NoReverseMatch:
        return None


def county_detail(request, code):
    """A county: its service areas, every rollout with its progress, and the guides it owns."""
    if "\x00" in code:
        # PostgreSQL refuses text with a NUL byte, and no county code has one.
        raise Http404
    county = get_object_or_404(WellbeingCounty, code=code)
    rollouts = with_public_current_phase(
        Rollout.objects.for_county(county)
        .select_related("module", "service_area", "current_phase", "process")
        .with_step_progress()
        .order_by("module__name_fi", "service_area__name_fi")
    )
    processes = (
        ProcessDescription.objects.published().for_county(county).select_related("county").order_by("-modified_at")
    )
    usage_metric = Metric.objects.filter(code=DEFAULT_METRIC).first()
    usage = []
    if usage_metric is not None:
        usage = trends.totals_by_period(
            UsageStatistic.objects.for_county(county).filter(metric=usage_metric), period_type=PeriodType.MONTH
        )[-USAGE_MONTHS_SHOWN:]
    return render(
        request,
        "regions/county_detail.html",
        {
            "county": county,
            "service_areas": county.service_areas.all(),
            "rollouts": rollouts,
            "processes": processes,
            "statistics_url": _statistics_url(county),
            "usage_metric": usage_metric,
            "usage": usage,
            "usage_chart": trends.bar_chart(usage),
        },
    )
