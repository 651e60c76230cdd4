"""The decline rule: which county or service area to contact because the use of a content fell.

Per county and per service area (a whole-county row and service-area rows are different
series), the last `window` complete periods are compared with the `window` before them. A
series is declining when the recent total fell by `threshold_percent` or more from the
earlier one, and the earlier total was at least `minimum_volume` (a fall from 3 to 1 is
noise, not news). The current week or month is never compared: it is not over, so it would
always look like a fall. A county's content whose rollouts have all ended is left out: the
fall is the end of the rollout, not a problem to solve. The rule reads one metric, an
additive count such as assessments started.

One rule for every place that shows a decline: the statistics page's box, the public
declining page, the `usage_alerts` command and the API's alerts (followup keeps the
alerts and their follow-up log; the rule itself is pure reading of statistics).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.reference_rows import reference_row
from metrics.aggregation import current_period_start
from metrics.models import Metric, UsageStatistic
from metrics.periods import period_label, period_step_back
from processes.models import ContentModule, Rollout, RolloutStatus
from regions.models import ServiceArea, WellbeingCounty


@dataclass(frozen=True)
class DeclineRule:
    """The rule's parameters, as written on the alerts page."""

    window: int = 4
    threshold_percent: int = 20
    minimum_volume: int = 50
    metric_code: str = "assessments_started"


DEFAULT_RULE = DeclineRule()


@dataclass(frozen=True)
class DeclineWindows:
    """The two windows compared: [previous_start, recent_start) against [recent_start, current_start)."""

    period_type: str
    previous_start: datetime.date
    recent_start: datetime.date
    current_start: datetime.date

    @property
    def window_end(self) -> datetime.date:
        """The start of the last complete period compared."""
        return period_step_back(self.period_type, self.current_start, 1)

    @property
    def labels(self) -> dict:
        """The first and last period of each window, as `2024-W05` or `2024-05`."""
        label = lambda start: period_label(self.period_type, start)  # noqa: E731
        return {
            "previous_first": label(self.previous_start),
            "previous_last": label(period_step_back(self.period_type, self.recent_start, 1)),
            "recent_first": label(self.recent_start),
            "recent_last": label(self.window_end),
        }


def decline_windows(*, period_type: str, today: datetime.date, window: int) -> DeclineWindows:
    """The windows of complete periods before the one `today` falls in."""
    current_start = current_period_start(period_type, today)
    return DeclineWindows(
        period_type=period_type,
        previous_start=period_step_back(period_type, current_start, 2 * window),
        recent_start=period_step_back(period_type, current_start, window),
        current_start=current_start,
    )


@dataclass(frozen=True)
class Decline:
    """One declining series: a content in a county, or in one of its service areas.

    `previous` and `recent` are the totals of the periods of each window that have figures
    (`previous_periods`, `recent_periods` of them); the change compares their means per period.
    """

    county: WellbeingCounty
    service_area: ServiceArea | None
    module: ContentModule
    previous: int
    recent: int
    previous_periods: int = 4
    recent_periods: int = 4
    # The rule's window: a window with fewer periods reported says so on the page.
    window: int = 4

    @property
    def change_percent(self) -> int:
        earlier = self.previous * self.recent_periods
        return round((self.recent * self.previous_periods - earlier) * 100 / earlier)


@dataclass(frozen=True)
class Silence:
    """A series with figures in the earlier window and none in the recent one: not reported, not a fall."""

    county: WellbeingCounty
    service_area: ServiceArea | None
    module: ContentModule
    period_type: str
    # The start of the last period with figures.
    last_reported: datetime.date

    @property
    def missing_since(self) -> datetime.date:
        """The first day without figures: the start of the period after the last one reported."""
        return period_step_back(self.period_type, self.last_reported, -1)

    @property
    def last_reported_label(self) -> str:
        return period_label(self.period_type, self.last_reported)

    @property
    def text(self) -> str:
        return str(NOT_REPORTED_TEXT).format(
            date=date_format(self.missing_since, "SHORT_DATE_FORMAT"), period=self.last_reported_label
        )


def _is_declining(rule: DeclineRule):
    """A fall of `threshold_percent` or more in the mean per reported period, from an earlier total of at least
    `minimum_volume`; periods without figures are left out of both means, never counted as zero.

    Tested on the grouped rows in the database (HAVING), so that only the declining series
    leave it, not every county's every content.
    """
    return (
        Q(previous__gte=rule.minimum_volume)
        & Q(recent_periods__gt=0)
        & Q(
            LessThanOrEqual(
                F("recent") * F("previous_periods") * 100,
                F("previous") * F("recent_periods") * (100 - rule.threshold_percent),
            )
        )
    )


def _is_silent(rule: DeclineRule):
    """Figures in the earlier window (at least `minimum_volume`), none in the recent one."""
    return Q(previous__gte=rule.minimum_volume) & Q(recent_periods=0)


def _only_ended_rollouts():
    """The county's content has rollouts, and every one of them has ended."""
    same_series = Rollout.objects.filter(county=OuterRef("county_id"), module=OuterRef("module_id"))
    return Exists(same_series.filter(status=RolloutStatus.ENDED)) & ~Exists(
        same_series.exclude(status=RolloutStatus.ENDED)
    )


def declines(
    *,
    period_type: str,
    today: datetime.date | None = None,
    rule: DeclineRule = DEFAULT_RULE,
    county: WellbeingCounty | None = None,
    module: ContentModule | None = None,
) -> tuple[DeclineWindows, list[Decline]]:
    """The declining series of the windows before `today` (of one county or content, when given), steepest first."""
    windows, found, _silent = decline_findings(
        period_type=period_type, today=today, rule=rule, county=county, module=module
    )
    return windows, found


def decline_findings(
    *,
    period_type: str,
    today: datetime.date | None = None,
    rule: DeclineRule = DEFAULT_RULE,
    county: WellbeingCounty | None = None,
    module: ContentModule | None = None,
) -> tuple[DeclineWindows, list[Decline], list[Silence]]:
    """The declining series, steepest first, and the series not reported in the recent window.

    One grouped query over the two windows (never the whole history), then one query
    each for the counties, service areas and contents named.
    """
    windows = decline_windows(period_type=period_type, today=today or timezone.localdate(), window=rule.window)
    statistics = UsageStatistic.objects.filter(
        metric__code=rule.metric_code,
        period_type=period_type,
        period_start__gte=windows.previous_start,
        period_start__lt=windows.current_start,
    )
    if county is not None:
        statistics = statistics.filter(county=county)
    if module is not None:
        statistics = statistics.filter(module=module)
    rows = (
        statistics.exclude(_only_ended_rollouts())
        .values("county_id", "service_area_id", "module_id")
        .annotate(
            previous=Sum("value", filter=Q(period_start__lt=windows.recent_start), default=0),
            recent=Sum("value", filter=Q(period_start__gte=windows.recent_start), default=0),
            previous_periods=Count("period_start", filter=Q(period_start__lt=windows.recent_start), distinct=True),
            recent_periods=Count("period_start", filter=Q(period_start__gte=windows.recent_start), distinct=True),
            last_reported=Max("period_start"),
        )
        .filter(_is_declining(rule) | _is_silent(rule))
        .order_by()
    )
    flagged = list(rows)
    if not flagged:
        return windows, [], []
    counties = WellbeingCounty.objects.in_bulk({row["county_id"] for row in flagged})
    areas = ServiceArea.objects.in_bulk({row["service_area_id"] for row in flagged} - {None})
    modules = ContentModule.objects.in_bulk({row["module_id"] for row in flagged})
    found, silent = [], []
    for row in flagged:
        where = {
            "county": counties[row["county_id"]],
            "service_area": areas.get(row["service_area_id"]),
            "module": modules[row["module_id"]],
        }
        if row["recent_periods"]:
            found.append(
                Decline(
                    **where,
                    previous=row["previous"],
                    recent=row["recent"],
                    previous_periods=row["previous_periods"],
                    recent_periods=row["recent_periods"],
                    window=rule.window,
                )
            )
        else:
            last = row["last_reported"]
            if isinstance(last, str):
                last = datetime.date.fromisoformat(last)
            silent.append(Silence(**where, period_type=period_type, last_reported=last))
    found.sort(key=_steepest_first)
    silent.sort(key=_oldest_silence_first)
    return windows, found, silent


def _oldest_silence_first(silence: Silence):
    area = silence.service_area.code if silence.service_area else ""
    return (silence.last_reported, silence.county.code, silence.module.code, area)


def _steepest_first(decline: Decline):
    """Steepest fall first; then by county, content, and the whole county before its service areas."""
    area = decline.service_area.code if decline.service_area else ""
    return (decline.change_percent, decline.county.code, decline.module.code, area)


RULE_TEXT = _(
    # "% or more" is not a %-format; without this, gettext checks the translations as one.
    # xgettext:no-python-format
    "A content is flagged when its “{metric}” per period in the last {window} complete periods fell by "
    "{threshold} % or more from the {window} periods before, counted separately for the whole county and for "
    "each service area. Only periods that have figures are compared: a period not yet imported is missing, "
    "not zero. A content with no figures at all in the recent periods is listed as not reported, never as a "
    "fall. Nothing is flagged when the earlier periods had fewer than {minimum} in all. The current week or "
    "month is not over and is never compared. A content whose rollouts in the county have all ended is left out."
)
NOT_REPORTED_TEXT = _("Not reported since {date}: the last figures are for {period}.")
WINDOWS_TEXT = _("Compared: {previous_first}–{previous_last} against {recent_first}–{recent_last}.")


def rule_description(rule: DeclineRule, *, metric_name: str = "") -> str:
    """The rule and its parameters in words, as every page and message that lists alerts states it."""
    return str(RULE_TEXT).format(
        metric=metric_name or rule.metric_code,
        window=rule.window,
        threshold=rule.threshold_percent,
        minimum=rule.minimum_volume,
    )


def rule_description_named(rule: DeclineRule = DEFAULT_RULE) -> str:
    """The rule in words with its metric's name in the active language (“Aloitetut arviot”), never its code."""
    metric = reference_row(Metric, "code", rule.metric_code)
    return rule_description(rule, metric_name=metric.name if metric else "")


def windows_description(windows: DeclineWindows) -> str:
    """The periods the two windows cover, in words."""
    return str(WINDOWS_TEXT).format(**windows.labels)


@dataclass(frozen=True)
class DeclineReport:
    """What a page shows of the rule: the rule and the periods compared in words, and the declining series."""

    rule_text: str
    windows_text: str
    windows: DeclineWindows
    declines: list[Decline]
    # Series without figures in the recent periods (not a fall).
    silent: list[Silence] = ()


def decline_report(
    *,
    period_type: str,
    today: datetime.date | None = None,
    rule: DeclineRule = DEFAULT_RULE,
    county: WellbeingCounty | None = None,
    module: ContentModule | None = None,
    metric: Metric | None = None,
) -> DeclineReport:
    """The declines of `declines()` with the rule written out, as the statistics and declining pages show them.

    `metric`: a metric the caller has already read; it saves a query when it is the rule's.
    """
    windows, found, silent = decline_findings(
        period_type=period_type, today=today, rule=rule, county=county, module=module
    )
    if metric is None or metric.code != rule.metric_code:
        metric = reference_row(Metric, "code", rule.metric_code)
    return DeclineReport(
        rule_text=rule_description(rule, metric_name=metric.name if metric else ""),
        windows_text=windows_description(windows),
        windows=windows,
        declines=found,
        silent=silent,
    )
