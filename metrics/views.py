import io
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from common.slots import work_slot
from metrics import aggregation, charts, decline, exports, rollout_effect
from metrics.comparison import county_adoption, county_comparison
from metrics.filters import AdoptionForm, ComparisonFilter, StatisticsFilter
from metrics.models import UsageStatistic

# An anonymous download is one bounded query: past this many rows the reader narrows the filters.
MAX_EXPORT_ROWS = 100_000
# An Excel workbook is built whole in the request (about 0.1 ms of CPU a row): past this many
# rows the reader gets the CSV, which is streamed, so no anonymous download holds a worker
# for more than a fraction of a second (docs/deployment.md).
MAX_XLSX_EXPORT_ROWS = 5_000
# Proxies and browsers may reuse a download this long; imports change the figures rarely.
EXPORT_CACHE_SECONDS = 300
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORT_TOO_LARGE = _(
    "The selection has more than {limit} rows, too many to download at once. "
    "Choose a county, a content or a shorter range."
)

EXPORTS_BUSY = _(
    "Many large downloads are being prepared right now. Try again in a minute, or choose a county, "
    "a content or a shorter range for a smaller file, which is downloaded at once."
)
# A CSV export of more rows than the Excel cap streams for a second or more of a worker's
# CPU: at most PUBLIC_LARGE_EXPORTS_AT_ONCE of them run at once on an app server (its
# worker processes share the slots), so a flood of them leaves the other workers free.
EXPORT_BUSY_RETRY_SECONDS = 30

XLSX_EXPORT_TOO_LARGE = _(
    "The selection has more than {limit} rows, too many for an Excel file. "
    "Download it as CSV, which holds up to {csv_limit} rows, or choose a county, a content or a shorter range."
)


def _selection(statistic_filter):
    """The filtered statistics, the chosen metric and the range the view shows (None when nothing matches)."""
    cleaned = statistic_filter.form.cleaned_data
    selection = statistic_filter.qs
    period_range = aggregation.shown_range(
        selection, period_type=cleaned["period_type"], start=cleaned.get("start"), end=cleaned.get("end")
    )
    if period_range is not None:
        selection = aggregation.in_range(selection, period_range)
    return selection, period_range


def _statistics_page(
    request, statistic_filter, status=HTTPStatus.OK, template="metrics/statistics.html", csv_offer=False
):
    """A page showing only the form and its errors (and, with `csv_offer`, a link to the same rows as CSV)."""
    context = {"filter": statistic_filter, "form": statistic_filter.form}
    if csv_offer:
        context["export_query"] = request.GET.urlencode()
    return render(request, template, context, status=status)


def statistics(request):
    """Usage of one metric over time, by county and content, with the decline rule's declining contents."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return _statistics_page(request, statistic_filter)
    cleaned = statistic_filter.form.cleaned_data
    metric, period_type, county, module = (
        cleaned["metric"],
        cleaned["period_type"],
        cleaned["county"],
        cleaned["module"],
    )
    shown, period_range = _selection(statistic_filter)
    totals = []
    if period_range is not None:
        totals = aggregation.series(
            aggregation.in_range(aggregation.county_figures_of(statistic_filter), period_range),
            metric=metric,
            period_type=period_type,
            today=timezone.localdate(),
            population=county.population if county is not None else None,
        )
    events = []
    if county is not None:
        events = rollout_effect.rollout_events(county=county, module=module, period_type=period_type)
    chart_events = [charts.ChartEvent(event.period_start, event.text) for event in events]
    context = {
        "filter": statistic_filter,
        "form": statistic_filter.form,
        "metric": metric,
        "county": county,
        "period_type": period_type,
        "period_range": period_range,
        "totals": totals,
        "per_residents": county is not None and bool(county.population) and not metric.is_score,
        "chart": charts.bar_chart(totals, scale_max=metric.scale_max if metric.is_score else None, events=chart_events),
        "narrow_chart": charts.bar_chart(
            totals,
            width=charts.NARROW_WIDTH,
            scale_max=metric.scale_max if metric.is_score else None,
            events=chart_events,
        ),
        "range_figure": aggregation.range_figure(totals, kind=metric.kind),
        "distinct_parts": (
            aggregation.distinct_parts(shown, period_type=period_type)
            if metric.is_distinct and any(total.parts_left_out for total in totals)
            else []
        ),
        "events": [event for event in events if period_range and period_range.covers(event.period_start)],
        "decline_report": decline.decline_report(period_type=period_type, county=county, module=module, metric=metric),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "metrics/statistics.html", context)


class _ExportsBusy(Exception):
    """Every slot for a large export is taken."""


def _export_selection(statistic_filter, *, max_rows=None, too_large=EXPORT_TOO_LARGE, slot_for_large=False):
    """The statistics behind the page, whether they are scores, and the slot taken for them; None over `max_rows`.

    With `slot_for_large`, a selection of more rows than an Excel file may hold takes one of
    the app server's PUBLIC_LARGE_EXPORTS_AT_ONCE slots before it is counted whole, or
    raises _ExportsBusy; the caller releases the slot when the rows are sent.
    """
    max_rows = MAX_EXPORT_ROWS if max_rows is None else max_rows
    shown, period_range = _selection(statistic_filter)
    if period_range is None:
        shown = shown.none()
    # Counting through a LIMIT stops at the cap instead of scanning the whole selection;
    # the small count first, so that a refused large export costs little.
    small_limit = min(max_rows, MAX_XLSX_EXPORT_ROWS)
    count = shown[: small_limit + 1].count()
    slot = None
    if count > small_limit and max_rows > small_limit:
        if slot_for_large:
            slot = work_slot(
                "omaolo-large-export", slots=settings.PUBLIC_LARGE_EXPORTS_AT_ONCE, directory=settings.WORK_SLOTS_DIR
            )
            if slot is None:
                raise _ExportsBusy
        count = shown[: max_rows + 1].count()
    if count > max_rows:
        if slot is not None:
            slot.release()
        limit = number_format(max_rows, force_grouping=True)
        csv_limit = number_format(MAX_EXPORT_ROWS, force_grouping=True)
        statistic_filter.form.add_error(None, str(too_large).format(limit=limit, csv_limit=csv_limit))
        return None
    return shown, statistic_filter.form.cleaned_data["metric"].is_score, slot


class _ReleasedOnClose:
    """The chunks of a response that gives its slot back when the server closes it (also after a client left)."""

    def __init__(self, chunks, slot):
        self.chunks, self.slot = chunks, slot

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.slot.release()
        self.chunks.close()


def _exports_busy(request):
    response = render(
        request, "metrics/exports_busy.html", {"message": EXPORTS_BUSY}, status=HTTPStatus.SERVICE_UNAVAILABLE
    )
    response["Retry-After"] = str(EXPORT_BUSY_RETRY_SECONDS)
    return response


def statistics_export(request):
    """The statistics the page shows as CSV in the import format, so a file can round-trip; at most MAX_EXPORT_ROWS."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST)
    try:
        selection = _export_selection(statistic_filter, slot_for_large=True)
    except _ExportsBusy:
        return _exports_busy(request)
    if selection is None:
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST)
    shown, with_responses, slot = selection
    chunks = exports.export_csv_chunks(shown, responses=with_responses)
    if slot is not None:
        chunks = _ReleasedOnClose(chunks, slot)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="omaolo-usage.csv"'
    patch_cache_control(response, public=True, max_age=EXPORT_CACHE_SECONDS)
    return response


def statistics_export_xlsx(request):
    """The same rows as the CSV export, as an Excel workbook (written in write-only mode); at most MAX_XLSX_EXPORT_ROWS.

    A larger selection answers with the page, its message and a link to the same rows as CSV.
    """
    from openpyxl import Workbook

    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST)
    selection = _export_selection(statistic_filter, max_rows=MAX_XLSX_EXPORT_ROWS, too_large=XLSX_EXPORT_TOO_LARGE)
    if selection is None:
        return _statistics_page(request, statistic_filter, status=HTTPStatus.BAD_REQUEST, csv_offer=True)
    shown, with_responses, _slot = selection
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("usage")
    sheet.append(exports.export_header(responses=with_responses))
    for row in exports.export_rows(shown, responses=with_responses):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="omaolo-usage.xlsx"'
    patch_cache_control(response, public=True, max_age=EXPORT_CACHE_SECONDS)
    return response


def comparison(request):
    """Every county ranked for one metric, content and range: absolute and per 1,000 residents."""
    comparison_filter = ComparisonFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not comparison_filter.is_valid():
        return _statistics_page(request, comparison_filter, template="metrics/comparison.html")
    cleaned = comparison_filter.form.cleaned_data
    compared = county_comparison(
        metric=cleaned["metric"],
        module=cleaned["module"],
        period_type=cleaned["period_type"],
        start=cleaned.get("start") or None,
        end=cleaned.get("end") or None,
    )
    ranking_rows = _ranking_rows(compared.ranking, is_score=cleaned["metric"].is_score)
    context = {
        "filter": comparison_filter,
        "form": comparison_filter.form,
        "metric": cleaned["metric"],
        "module": cleaned["module"],
        "period_type": cleaned["period_type"],
        "period_range": compared.period_range,
        "ranking": compared.ranking,
        "chart": charts.ranking_chart(ranking_rows),
        "narrow_chart": charts.ranking_chart(ranking_rows, width=charts.NARROW_WIDTH, stacked=True),
    }
    return render(request, "metrics/comparison.html", context)


@dataclass(frozen=True)
class _ChartRow:
    label: str
    value: float | int


def _ranking_rows(ranking, *, is_score: bool) -> list[_ChartRow]:
    """What the comparison's bars show: a score's mean, a count per 1,000 residents."""
    rows = []
    for row in ranking.ranked:
        value = row.figure.value if is_score else row.per_residents
        if value is not None:
            rows.append(_ChartRow(row.county.name, value))
    return rows


def adoption(request):
    """The counties that took a content into use, aligned on weeks since go-live, per 1,000 residents."""
    form = AdoptionForm(request.GET)
    if not form.is_valid():
        return render(request, "metrics/adoption.html", {"form": form})
    metric, module = form.cleaned_data["metric"], form.cleaned_data["module"]
    adopted = county_adoption(metric=metric, module=module, weeks_after=form.cleaned_data["weeks"])
    context = {
        "form": form,
        "metric": metric,
        "module": module,
        "curves": adopted.curves,
        "weeks": adopted.weeks,
        "table": adopted.table,
        "chart": charts.line_chart(adopted.curves, adopted.weeks),
        "narrow_chart": charts.line_chart(adopted.curves, adopted.weeks, width=charts.NARROW_WIDTH, numbered=True),
    }
    return render(request, "metrics/adoption.html", context)
