"""The open API for the counties' own reporting tools: read-only JSON, OpenAPI 3 at /api/openapi.json.

Built with django-ninja (README, "Open API"). Every filter is validated: a bad value answers
400 with `detail` naming the parameter, never 500. Every list is bounded.
"""

from http import HTTPStatus
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from api.schemas import (
    AdoptionCounty,
    AdoptionOut,
    AdoptionPoint,
    AlertOut,
    AlertPage,
    ComparedCounty,
    ComparisonOut,
    ContentOut,
    CountyOut,
    ErrorOut,
    SeriesOut,
    SeriesPoint,
)
from common.reference_rows import reference_row
from followup.models import UsageAlert
from metrics import aggregation
from metrics.comparison import (
    ADOPTION_WEEKS_AFTER,
    ADOPTION_WEEKS_BEFORE,
    MAX_ADOPTION_WEEKS_AFTER,
    Comparison,
    county_adoption,
    county_comparison,
)
from metrics.models import CountyFigure, Metric, UsageStatistic
from metrics.periods import period_label, period_parse, period_step_back
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty

# The periods a series shows when the caller names no number, and the most it may ask for.
MAX_PERIODS = 260
ALERTS_DEFAULT_LIMIT = 50
ALERTS_MAX_LIMIT = 200

CODE = r"^[-a-zA-Z0-9_]{1,60}$"
COUNTY_CODE = r"^[0-9]{2}$"

INVALID_PARAMETER = _("Invalid value for the parameter “{parameter}”: {reason}")
UNKNOWN_CODE = _("Invalid value for the parameter “{parameter}”: there is no {what} with the code “{code}”.")
AREA_NEEDS_COUNTY = _("The parameter “service_area” needs the parameter “county”: service area codes are per county.")

api = NinjaAPI(
    title="Omaolo rollout portal API",
    version="1",
    description=(
        "Read-only usage statistics, counties compared, adoption after go-live, declining-usage alerts, counties "
        "and contents of the Omaolo rollout portal. "
        "A bad parameter answers 400 with `detail` naming it."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _bad_request(message: str, parameter: str | None):
    return api.create_response(None, {"detail": message, "parameter": parameter}, status=HTTPStatus.BAD_REQUEST)


@api.exception_handler(ValidationError)
def validation_failed(request, exc):
    """ninja answers 422 with Pydantic's error list; callers get 400 and the parameter by name."""
    error = exc.errors[0]
    parameter = str(error["loc"][-1]) if error.get("loc") else None
    return _bad_request(str(INVALID_PARAMETER).format(parameter=parameter, reason=error["msg"]), parameter)


class ParameterError(HttpError):
    def __init__(self, message: str, parameter: str):
        super().__init__(HTTPStatus.BAD_REQUEST, message)
        self.parameter = parameter


@api.exception_handler(ParameterError)
def parameter_refused(request, exc):
    return _bad_request(exc.message, exc.parameter)


def _by_code(model, code, *, parameter, what, **filters):
    found = model.objects.filter(code=code, **filters).first()
    return _found(found, code, parameter=parameter, what=what)


def _reference_by_code(model, code, *, parameter, what):
    """`_by_code` of a county, content or metric, among the rows read once per data version (common.reference_rows)."""
    return _found(reference_row(model, "code", code), code, parameter=parameter, what=what)


def _found(found, code, *, parameter, what):
    if found is None:
        raise ParameterError(str(UNKNOWN_CODE).format(parameter=parameter, what=what, code=code), parameter)
    return found


@api.get("/counties", response=list[CountyOut], summary="The wellbeing services counties")
def counties(request):
    return WellbeingCounty.objects.order_by("code")


@api.get("/contents", response=list[ContentOut], summary="The Omaolo contents")
def contents(request):
    return ContentModule.objects.order_by("code")


@api.get(
    "/series",
    response={200: SeriesOut, 400: ErrorOut},
    summary="A metric over weeks or months",
    description=(
        "The metric's values per period, for a county, a content and a service area when given. The series "
        "ends at `end` (a week `2024-W05` or a month `2024-05`; the current period when left out) and covers "
        f"`periods` periods (26 weeks or 12 months when left out, at most {MAX_PERIODS}). Periods without "
        "figures are left out."
    ),
)
def series(
    request,
    metric: str = Query("assessments_started", pattern=CODE, description="Metric code."),
    period_type: Literal["week", "month"] = Query("week", description="Weeks or months."),
    county: str | None = Query(None, pattern=COUNTY_CODE, description="County code, e.g. 14."),
    content: str | None = Query(None, pattern=CODE, description="Content code."),
    service_area: str | None = Query(None, pattern=CODE, description="Service area code within the county."),
    end: str | None = Query(None, max_length=12, description="Last period: 2024-W05 or 2024-05."),
    periods: int | None = Query(None, ge=1, le=MAX_PERIODS, description="Number of periods."),
):
    metric_row = _reference_by_code(Metric, metric, parameter="metric", what="metric")
    # The county's figures, or one service area's own statistics.
    filters = {"metric": metric_row, "period_type": period_type}
    county_row = None
    if county is not None:
        county_row = filters["county"] = _reference_by_code(WellbeingCounty, county, parameter="county", what="county")
    if content is not None:
        filters["module"] = _reference_by_code(ContentModule, content, parameter="content", what="content")
    selection = CountyFigure.objects.filter(**filters)
    if service_area is not None:
        if county_row is None:
            raise ParameterError(str(AREA_NEEDS_COUNTY), "service_area")
        area = _by_code(ServiceArea, service_area, parameter="service_area", what="service area", county=county_row)
        selection = UsageStatistic.objects.filter(**filters, service_area=area)
    first, last = _period_range(end, periods, period_type)
    figures = aggregation.series(
        selection.filter(period_start__gte=first, period_start__lte=last),
        metric=metric_row,
        period_type=period_type,
        today=timezone.localdate(),
        within_area=service_area is not None,
    )
    return {
        "metric": metric,
        "period_type": period_type,
        "county": county,
        "content": content,
        "service_area": service_area,
        "first_period": period_label(period_type, first),
        "last_period": period_label(period_type, last),
        "points": [
            SeriesPoint(period=figure.label, period_start=figure.period_start, value=figure.value) for figure in figures
        ],
    }


def _period_range(end: str | None, periods: int | None, period_type: str):
    """The first and last period of `periods` periods up to `end` (default: the current period)."""
    if end is None:
        last = aggregation.current_period_start(period_type, timezone.localdate())
    else:
        last = period_parse(end, period_type)
        if isinstance(last, str):
            raise ParameterError(str(INVALID_PARAMETER).format(parameter="end", reason=last), "end")
    return period_step_back(period_type, last, (periods or aggregation.DEFAULT_PERIODS[period_type]) - 1), last


@api.get(
    "/comparison",
    response={200: ComparisonOut, 400: ErrorOut},
    summary="Every county ranked for a metric, content and range",
    description=(
        "The counties ranked by the metric per 1,000 residents (a score by its mean) over the periods from "
        f"`end` back `periods` periods (as in `/api/series`: the current period and 26 weeks or 12 months when "
        f"left out, at most {MAX_PERIODS}), as the statistics comparison page ranks them. `value` is the range's "
        "sum, a distinct count's mean per period or a score's mean. Counties in which the content was not in use "
        "in the range are listed in `not_in_use`, counties using it without figures in `without_statistics`: "
        "never as zero. Every county appears once."
    ),
)
def comparison(
    request,
    metric: str = Query("assessments_started", pattern=CODE, description="Metric code."),
    period_type: Literal["week", "month"] = Query("week", description="Weeks or months."),
    content: str | None = Query(None, pattern=CODE, description="Content code; all contents when left out."),
    end: str | None = Query(None, max_length=12, description="Last period: 2024-W05 or 2024-05."),
    periods: int | None = Query(None, ge=1, le=MAX_PERIODS, description="Number of periods."),
):
    metric_row = _reference_by_code(Metric, metric, parameter="metric", what="metric")
    module = None
    if content is not None:
        module = _reference_by_code(ContentModule, content, parameter="content", what="content")
    first, last = _period_range(end, periods, period_type)
    compared = county_comparison(metric=metric_row, module=module, period_type=period_type, start=first, end=last)
    return {
        "metric": metric,
        "period_type": period_type,
        "content": content,
        "first_period": period_label(period_type, first),
        "last_period": period_label(period_type, last),
        **_ranking_out(compared),
    }


def _ranking_out(compared: Comparison) -> dict:
    ranking = compared.ranking
    ranked = [
        ComparedCounty(
            county=row.county.code,
            rank=rank,
            value=row.figure.value,
            per_1000_residents=row.per_residents,
            population=row.county.population,
            population_year=row.county.population_year,
        )
        for rank, row in enumerate(ranking.ranked, start=1)
    ]
    return {
        "ranked": ranked,
        "without_statistics": [county.code for county in ranking.without_statistics],
        "not_in_use": [county.code for county in ranking.not_in_use],
    }


@api.get(
    "/adoption",
    response={200: AdoptionOut, 400: ErrorOut},
    summary="Usage after go-live, counties aligned",
    description=(
        "Every county that took the content into use, aligned on weeks since its first go-live (week 0 is the "
        f"go-live week), from {ADOPTION_WEEKS_BEFORE} weeks before to `weeks` weeks after it ({ADOPTION_WEEKS_AFTER} "
        f"when left out, at most {MAX_ADOPTION_WEEKS_AFTER}), per 1,000 residents (a score: its mean), as the "
        "adoption page shows them. Weeks without figures are left out."
    ),
)
def adoption(
    request,
    content: str = Query(..., pattern=CODE, description="Content code."),
    metric: str = Query("assessments_started", pattern=CODE, description="Metric code."),
    weeks: int | None = Query(None, ge=1, le=MAX_ADOPTION_WEEKS_AFTER, description="Weeks after the go-live week."),
):
    metric_row = _reference_by_code(Metric, metric, parameter="metric", what="metric")
    module = _reference_by_code(ContentModule, content, parameter="content", what="content")
    adopted = county_adoption(metric=metric_row, module=module, weeks_after=weeks)
    return {
        "metric": metric,
        "content": content,
        "weeks_before": ADOPTION_WEEKS_BEFORE,
        "weeks_after": adopted.weeks[-1],
        "counties": [
            AdoptionCounty(
                county=curve.county.code,
                go_live_week=period_label("week", curve.go_live),
                go_live_week_start=curve.go_live,
                points=[AdoptionPoint(week=week, value=value) for week, value in sorted(curve.per_week.items())],
            )
            for curve in adopted.curves
        ],
    }


@api.get(
    "/alerts",
    response={200: AlertPage, 400: ErrorOut},
    summary="Open declining-usage alerts",
    description=(
        "Alerts of the decline rule that nobody has resolved yet (open or contacted), steepest fall first. "
        "The internal follow-up log (notes, who) is not part of the API."
    ),
)
def alerts(
    request,
    county: str | None = Query(None, pattern=COUNTY_CODE, description="County code, e.g. 14."),
    period_type: Literal["week", "month"] | None = Query(None, description="Weeks or months."),
    limit: int = Query(ALERTS_DEFAULT_LIMIT, ge=1, le=ALERTS_MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    active = UsageAlert.objects.active()
    if county is not None:
        active = active.filter(county=_reference_by_code(WellbeingCounty, county, parameter="county", what="county"))
    if period_type is not None:
        active = active.filter(period_type=period_type)
    page = active.select_related("county", "service_area", "module", "metric").order_by(
        "change_percent", "county__code", "pk"
    )[offset : offset + limit]
    return {"count": active.count(), "limit": limit, "offset": offset, "items": [_alert_out(a) for a in page]}


def _alert_out(alert: UsageAlert) -> AlertOut:
    return AlertOut(
        county=alert.county.code,
        service_area=alert.service_area.code if alert.service_area_id else None,
        content=alert.module.code,
        metric=alert.metric.code,
        period_type=alert.period_type,
        window_end=period_label(alert.period_type, alert.window_end),
        previous=alert.previous,
        recent=alert.recent,
        change_percent=alert.change_percent,
        status=alert.status,
        created=alert.created_at,
    )


# The routes and units (routing) live in their own module, which uses the helpers above: added last.
from api.routing_api import router as routing_router  # noqa: E402

api.add_router("/", routing_router)
