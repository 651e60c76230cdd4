"""Pages that compose several apps: the home page, a county's page, the accessibility statement."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from metrics import aggregation, charts, rollout_effect
from metrics.filters import DEFAULT_METRIC, GoLiveWeeksForm
from metrics.models import CountyFigure, Metric, PeriodType
from metrics.periods import period_step_back
from metrics.rollout_effect import DEFAULT_WEEKS_AROUND_GO_LIVE
from plans.models import RolloutPlan
from plans.progress import with_task_counts
from processes.models import ProcessDescription, Rollout, RolloutStatus, county_rollout_counts
from regions.models import WellbeingCounty
from routing.published import latest_route_sets

LATEST_PROCESS_COUNT = 5
# The order of the status columns on the home page: from what is in use to what has ended.
STATUS_COLUMNS = [RolloutStatus.IN_USE, RolloutStatus.PILOTING, RolloutStatus.PLANNED, RolloutStatus.ENDED]
USAGE_MONTHS_SHOWN = 12


def home(request):
    """What the portal is, every county's rollouts at a glance, the latest guides and a search box."""
    counties = list(WellbeingCounty.objects.annotate(**county_rollout_counts()).order_by("code"))
    for county in counties:
        county.status_counts = [getattr(county, f"rollouts_{status}") for status in STATUS_COLUMNS]
    latest = (
        ProcessDescription.objects.published()
        .in_published_form()
        .select_related("county")
        .latest_published_first()[:LATEST_PROCESS_COUNT]
    )
    return render(
        request,
        "home.html",
        {"counties": counties, "latest_processes": latest, "statuses": STATUS_COLUMNS},
    )


def county_list(request):
    """Every county: brand, population, its rollouts by status and a link to its page."""
    counties = list(WellbeingCounty.objects.annotate(**county_rollout_counts()).order_by("code"))
    for county in counties:
        county.status_counts = [getattr(county, f"rollouts_{status}") for status in STATUS_COLUMNS]
    return render(request, "county_list.html", {"counties": counties, "statuses": STATUS_COLUMNS})


def accessibility_statement(request):
    """The accessibility statement that Finland's Act on the Provision of Digital Services requires."""
    return render(request, "accessibility.html")


def county_detail(request, code):
    """A county: its service areas, every rollout with its progress, and the guides it owns."""
    if "\x00" in code:
        # PostgreSQL refuses text with a NUL byte, and no county code has one.
        raise Http404
    county = get_object_or_404(WellbeingCounty, code=code)
    rollouts = (
        Rollout.objects.for_county(county)
        .select_related("module", "service_area", "current_phase", "process")
        .with_step_progress()
        .with_public_current_phase()
        .order_by("module__name_fi", "service_area__name_fi")
    )
    processes = (
        ProcessDescription.objects.published()
        .in_published_form()
        .for_county(county)
        .select_related("county")
        .latest_published_first()
    )
    rollouts = list(rollouts)
    _public_plans_add(rollouts)
    route_sets = latest_route_sets(county=county).select_related("module").defer("snapshot").order_by("module__name_fi")
    usage_metric = Metric.objects.filter(code=DEFAULT_METRIC).first()
    weeks_form = GoLiveWeeksForm(request.GET)
    weeks = weeks_form.cleaned_data["weeks"] if weeks_form.is_valid() and weeks_form.cleaned_data["weeks"] else None
    usage, effects = [], []
    if usage_metric is not None:
        usage = _monthly_usage(county, usage_metric)
        effects = rollout_effect.go_live_effects(
            county=county, metric=usage_metric, rollouts=rollouts, weeks=weeks or DEFAULT_WEEKS_AROUND_GO_LIVE
        )
    months = {figure.period_start for figure in usage}
    events = [
        event
        for event in rollout_effect.events_of(rollouts, period_type=PeriodType.MONTH)
        if event.period_start in months
    ]
    chart_events = [charts.ChartEvent(event.period_start, event.text) for event in events]
    return render(
        request,
        "county_detail.html",
        {
            "county": county,
            "service_areas": county.service_areas.all(),
            "rollouts": rollouts,
            "processes": processes,
            "route_sets": route_sets,
            "statistics_url": f"{reverse('metrics:statistics')}?county={county.code}",
            "usage_metric": usage_metric,
            "usage": usage,
            "usage_chart": charts.bar_chart(usage, events=chart_events),
            "narrow_usage_chart": charts.bar_chart(usage, width=charts.NARROW_WIDTH, events=chart_events),
            "events": events,
            "effects": effects,
            "weeks_form": weeks_form,
            "weeks": weeks or DEFAULT_WEEKS_AROUND_GO_LIVE,
        },
    )


def _public_plans_add(rollouts) -> None:
    """Give each rollout `public_plan`: its public plan with its task counts, or None (one query)."""
    plans = with_task_counts(RolloutPlan.objects.public().filter(rollout__in=rollouts), timezone.localdate())
    by_rollout = {plan.rollout_id: plan for plan in plans}
    for rollout in rollouts:
        rollout.public_plan = by_rollout.get(rollout.pk)


def _monthly_usage(county, metric):
    """The county's last USAGE_MONTHS_SHOWN months of the metric, totalled by the aggregation rules (two queries)."""
    statistics = CountyFigure.objects.filter(county=county, metric=metric, period_type=PeriodType.MONTH)
    last = aggregation.latest_period(statistics)
    if last is None:
        return []
    first = period_step_back(PeriodType.MONTH, last, USAGE_MONTHS_SHOWN - 1)
    return aggregation.series(
        statistics.filter(period_start__gte=first),
        metric=metric,
        period_type=PeriodType.MONTH,
        today=timezone.localdate(),
        population=county.population,
    )
