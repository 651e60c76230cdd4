import csv
from http import HTTPStatus

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from common.spreadsheet import spreadsheet_safe
from metrics import charts, periods, trends
from metrics.filters import StatisticsFilter
from metrics.models import UsageStatistic
from metrics.parsing import COLUMNS

# The latest periods drawn (and exported) when the reader gives no range.
DEFAULT_PERIODS = {"week": 26, "month": 12}
# An anonymous download is one bounded query: past this many rows the reader narrows the filters.
MAX_EXPORT_ROWS = 100_000
# Proxies and browsers may reuse a download this long; imports change the figures rarely.
EXPORT_CACHE_SECONDS = 300

EXPORT_TOO_LARGE = _(
    "The selection has more than {limit} rows, too many to download at once. "
    "Choose a county, a content or a shorter range."
)


def _has_range(statistic_filter) -> bool:
    cleaned = statistic_filter.form.cleaned_data
    return bool(cleaned.get("start") or cleaned.get("end"))


def _default_start(period_type, latest):
    """The first period shown when the reader gives no range: the latest DEFAULT_PERIODS periods up to `latest`."""
    return periods.period_step_back(period_type, latest, DEFAULT_PERIODS[period_type] - 1)


def _shown_statistics(statistic_filter):
    """The filtered statistics of the chosen range, or of the latest periods when the reader gives no range."""
    selection = statistic_filter.qs
    if _has_range(statistic_filter):
        return selection
    latest = selection.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return selection
    period_type = statistic_filter.form.cleaned_data["period_type"]
    return selection.filter(period_start__gte=_default_start(period_type, latest))


def _statistics_page(request, statistic_filter, status=HTTPStatus.OK):
    """The statistics page showing only the form and its errors."""
    context = {"filter": statistic_filter, "form": statistic_filter.form}
    return render(request, "metrics/statistics.html", context, status=status)


def statistics(request):
    """Usage of one metric over time, by county and content, with declining contents flagged."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return _statistics_page(request, statistic_filter)
    period_type = statistic_filter.form.cleaned_data["period_type"]
    totals = trends.totals_by_period(statistic_filter.qs, period_type=period_type)
    if totals and not _has_range(statistic_filter):
        start = _default_start(period_type, totals[-1].period_start)
        totals = [total for total in totals if total.period_start >= start]
    context = {
        "filter": statistic_filter,
        "form": statistic_filter.form,
        "metric": statistic_filter.form.cleaned_data["metric"],
        "period_type": period_type,
        "totals": totals,
        "chart": charts.bar_chart(totals),
        "range_total": sum(total.value for total in totals),
        "declining": trends.declining_usage(statistic_filter.qs, period_type=period_type),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "metrics/statistics.html", context)


class _Echo:
    def write(self, value):
        return value


def statistics_export(request):
    """The statistics the page shows as CSV in the import format, so a file can round-trip; at most MAX_EXPORT_ROWS."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST)
    shown = _shown_statistics(statistic_filter)
    # Counting through a LIMIT stops at the cap instead of scanning the whole selection.
    if shown[: MAX_EXPORT_ROWS + 1].count() > MAX_EXPORT_ROWS:
        limit = number_format(MAX_EXPORT_ROWS, force_grouping=True)
        statistic_filter.form.add_error(None, str(EXPORT_TOO_LARGE).format(limit=limit))
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST)
    writer = csv.writer(_Echo())
    lines = (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in trends.export_rows(shown))
    response = StreamingHttpResponse(
        (line for part in ([writer.writerow(COLUMNS)], lines) for line in part), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="omaolo-usage.csv"'
    patch_cache_control(response, public=True, max_age=EXPORT_CACHE_SECONDS)
    return response
