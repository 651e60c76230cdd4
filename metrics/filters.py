"""The filters of the public statistics page."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from common.reference_rows import ReferenceChoiceField, ReferenceChoiceFilter
from common.select_widget import PlainSelect
from metrics.models import Metric, PeriodType, UsageStatistic
from metrics.periods import period_parse
from processes.models import ContentModule
from regions.models import WellbeingCounty

DEFAULT_METRIC = "assessments_started"
PERIOD_HELP = _("A week as 2024-W05, a month as 2024-05, or a date such as 27.5.2024.")
START_AFTER_END = _("The start of the range is after its end.")
PERIOD_OUT_OF_RANGE = _("Choose a period between the years {first} and {last}.")

# The years a range bound may fall in: wide enough for any Omaolo statistics, narrow
# enough that no date arithmetic on a bound (a week or a month back) leaves the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def range_bound_parse(raw: str, period_type: str) -> datetime.date | str:
    """The first day of the period a range bound names, or the error message to show."""
    out_of_range = str(PERIOD_OUT_OF_RANGE).format(first=FIRST_YEAR, last=LAST_YEAR)
    try:
        first_day = period_parse(raw, period_type)
    except (ValueError, OverflowError):
        return out_of_range
    if isinstance(first_day, str):
        return first_day
    if first_day.year > LAST_YEAR:
        return out_of_range
    # A week that begins on 27.12.1999 still reaches into the first year.
    last_day = first_day + datetime.timedelta(days=6) if period_type == PeriodType.WEEK else first_day
    if last_day.year < FIRST_YEAR:
        return out_of_range
    return first_day


ADOPTION_WEEKS_HELP = _("Weeks shown after the go-live week, from 1 to {most}.")


class StatisticsForm(forms.Form):
    """Reads the range bounds the way import files write periods."""

    def clean(self):
        cleaned = super().clean()
        period_type = PeriodType.WEEK if cleaned.get("period_type") == PeriodType.WEEK else PeriodType.MONTH
        for name in ("start", "end"):
            if raw := cleaned.get(name):
                parsed = range_bound_parse(raw, period_type)
                if isinstance(parsed, str):
                    self.add_error(name, parsed)
                else:
                    cleaned[name] = parsed
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and not isinstance(start, str) and not isinstance(end, str) and start > end:
            self.add_error("end", START_AFTER_END)
        return cleaned


class StatisticsFilter(django_filters.FilterSet):
    county = ReferenceChoiceFilter(
        label=_("County"),
        queryset=WellbeingCounty.objects.all(),
        to_field_name="code",
        empty_label=_("All counties"),
        widget=PlainSelect,
    )
    module = ReferenceChoiceFilter(
        label=_("Omaolo content"),
        queryset=ContentModule.objects.all(),
        to_field_name="code",
        empty_label=_("All contents"),
        widget=PlainSelect,
    )
    metric = ReferenceChoiceFilter(
        label=_("Metric"), queryset=Metric.objects.all(), to_field_name="code", empty_label=None, widget=PlainSelect
    )
    period_type = django_filters.ChoiceFilter(
        label=_("Period"), choices=PeriodType.choices, empty_label=None, widget=PlainSelect
    )
    start = django_filters.CharFilter(label=_("From"), method="filter_start", help_text=PERIOD_HELP)
    end = django_filters.CharFilter(label=_("To"), method="filter_end", help_text=PERIOD_HELP)

    class Meta:
        model = UsageStatistic
        fields = ["county", "module", "metric", "period_type"]
        form = StatisticsForm

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("period_type"):
            data["period_type"] = PeriodType.MONTH
        if not data.get("metric"):
            data["metric"] = DEFAULT_METRIC
        super().__init__(data, *args, **kwargs)
        for name in ("start", "end"):
            self.form.fields[name].widget.attrs.update({"aria-describedby": f"id_{name}_help", "autocomplete": "off"})

    def filter_start(self, queryset, name, value):
        return queryset.filter(period_start__gte=value)

    def filter_end(self, queryset, name, value):
        return queryset.filter(period_start__lte=value)


class ComparisonFilter(StatisticsFilter):
    """The statistics filters without the county: the comparison shows every county."""

    class Meta(StatisticsFilter.Meta):
        fields = ["module", "metric", "period_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["county"]
        self.form.fields.pop("county", None)


class AdoptionForm(forms.Form):
    """The adoption view's choices: a content (required), a metric and how many weeks after go-live."""

    module = ReferenceChoiceField(
        label=_("Omaolo content"),
        queryset=ContentModule.objects.all(),
        to_field_name="code",
        empty_label=None,
        widget=PlainSelect,
    )
    metric = ReferenceChoiceField(
        label=_("Metric"), queryset=Metric.objects.all(), to_field_name="code", empty_label=None, widget=PlainSelect
    )
    weeks = forms.IntegerField(label=_("Weeks after go-live"), min_value=1, max_value=52, required=False)

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("metric"):
            data["metric"] = DEFAULT_METRIC
        if not data.get("module"):
            first = ContentModule.objects.filter(rollouts__go_live__isnull=False).order_by("code").first()
            if first is not None:
                data["module"] = first.code
        super().__init__(data, *args, **kwargs)
        self.fields["weeks"].help_text = str(ADOPTION_WEEKS_HELP).format(most=52)


class GoLiveWeeksForm(forms.Form):
    """How many weeks before and after each go-live the county page compares."""

    weeks = forms.IntegerField(label=_("Weeks before and after go-live"), min_value=1, max_value=52, required=False)
