import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render

from metrics import charts, trends
from metrics.filters import StatisticsFilter
from metrics.models import UsageStatistic
from metrics.parsing import COLUMNS

# The latest periods drawn when the reader gives no range.
DEFAULT_PERIODS = {"week": 26, "month": 12}


def statistics(request):
    """Usage of one metric over time, by county and content, with declining contents flagged."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    context = {"filter": statistic_filter, "form": statistic_filter.form}
    if statistic_filter.is_valid():
        selection = statistic_filter.qs
        period_type = statistic_filter.form.cleaned_data["period_type"]
        totals = trends.totals_by_period(selection, period_type=period_type)
        if not (statistic_filter.form.cleaned_data.get("start") or statistic_filter.form.cleaned_data.get("end")):
            totals = totals[-DEFAULT_PERIODS[period_type] :]
        context.update(
            metric=statistic_filter.form.cleaned_data["metric"],
            period_type=period_type,
            totals=totals,
            chart=charts.bar_chart(totals),
            range_total=sum(total.value for total in totals),
            declining=trends.declining_usage(selection, period_type=period_type),
            export_query=request.GET.urlencode(),
        )
    return render(request, "metrics/statistics.html", context)


class _Echo:
    def write(self, value):
        return value


def _spreadsheet_safe(cell):
    # Cells starting with these are formulae to Excel (CSV injection); codes and
    # numbers never do, but names typed by editors might.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def statistics_export(request):
    """The filtered statistics as CSV in the import format, so a file can round-trip."""
    statistic_filter = StatisticsFilter(request.GET, queryset=UsageStatistic.objects.all())
    if not statistic_filter.is_valid():
        return render(
            request, "metrics/statistics.html", {"filter": statistic_filter, "form": statistic_filter.form}, status=400
        )
    writer = csv.writer(_Echo())
    rows = trends.export_rows(statistic_filter.qs)
    lines = (writer.writerow([_spreadsheet_safe(cell) for cell in row]) for row in rows)
    response = StreamingHttpResponse(
        (line for part in ([writer.writerow(COLUMNS)], lines) for line in part), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="omaolo-usage.csv"'
    return response
