import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.translation import TranslatedNameModel, translated_value
from metrics.importing.contract import (
    COUNT_WITH_DECIMALS,
    NEGATIVE_VALUE,
    SCORE_OUT_OF_SCALE,
    VALUE_DECIMALS,
    VALUE_DIGITS,
    score_in_scale,
)
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty


class MetricKind(models.TextChoices):
    """What a metric counts, which decides how its figures are added up on every page and export."""

    ADDITIVE = "additive", _("additive count")
    DISTINCT = "distinct", _("distinct count")
    SCORE = "score", _("score")


class Metric(TranslatedNameModel):
    """A usage measure, such as assessments started. Statistics files name it by code."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Identifier used in the metric column of statistics files, e.g. “assessments_started”."),
    )
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=MetricKind,
        default=MetricKind.ADDITIVE,
        help_text=_(
            "An additive count (assessments started) is summed over periods and service areas; "
            "a distinct count (users) is shown per period and never summed; "
            "a score (feedback) is a mean weighted by the number of responses."
        ),
    )
    # Negative only for a score whose scale has negative values (NPS: −100 to 100); the
    # statistics' values are held to it in the database (migration 0007's trigger).
    scale_min = models.SmallIntegerField(
        _("lowest score"), null=True, blank=True, help_text=_("For a score: the lowest value of its scale, e.g. 1.")
    )
    scale_max = models.SmallIntegerField(
        _("highest score"), null=True, blank=True, help_text=_("For a score: the highest value of its scale, e.g. 5.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True) | Q(scale_max__isnull=True) | Q(scale_min__lte=F("scale_max")),
                name="metric_scale_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind=MetricKind.SCORE) | (Q(scale_min__isnull=True) | Q(scale_min__gte=0)),
                name="metric_negative_scale_only_for_scores",
            ),
        ]

    @property
    def description(self) -> str:
        return translated_value(self, "description")

    @property
    def is_score(self) -> bool:
        return self.kind == MetricKind.SCORE

    @property
    def is_distinct(self) -> bool:
        return self.kind == MetricKind.DISTINCT

    def in_scale(self, value) -> bool:
        """A score within its scale (a bound left empty does not bound it)."""
        return score_in_scale(value, self.scale_min, self.scale_max)

    @property
    def allows_negative(self) -> bool:
        """Whether its values may be below zero: a score whose scale starts below zero (NPS)."""
        return self.is_score and self.scale_min is not None and self.scale_min < 0


class PeriodType(models.TextChoices):
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class ImportState(models.TextChoices):
    """Where an import batch stands: the step a background worker is at, then its outcome.

    Kept in `ImportBatch.outcome`.
    """

    APPLIED = "applied", _("applied")
    DRY_RUN = "dry_run", _("checked only (dry run)")
    REJECTED = "rejected", _("rejected")
    # A confirmed import waiting for, or running in, a background worker (metrics/tasks.py).
    QUEUED = "queued", _("waiting to be imported")
    RUNNING = "running", _("being imported")
    # A large upload waiting for, or being checked by, a background worker before its preview.
    CHECK_QUEUED = "check_queued", _("waiting to be checked")
    CHECKING = "checking", _("being checked")


# A batch whose worker has not finished: its page shows how far it has got.
UNFINISHED_STATES = (ImportState.QUEUED, ImportState.RUNNING, ImportState.CHECK_QUEUED, ImportState.CHECKING)
# A batch whose file is still being checked, before any preview.
CHECK_STATES = (ImportState.CHECK_QUEUED, ImportState.CHECKING)


class ImportBatch(models.Model):
    """One import of a usage statistics file: who, when, what it held and what it changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_import_batches",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ImportState)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(
        _("errors found"), default=0, help_text=_("All errors of the file; only the first are listed.")
    )
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    # --- the progress of a background import (metrics/tasks.py) --------------------------
    rows_total = models.PositiveIntegerField(
        _("rows in the file"), null=True, blank=True, help_text=_("As the preview counted them.")
    )
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    progress_at = models.DateTimeField(_("progress reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self):
        # The stored time is UTC; the title shows it as the admin does, in TIME_ZONE (Europe/Helsinki).
        return f"{self.file_name} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


class PendingUsageImport(models.Model):
    """An uploaded file between the admin's preview and the editor's confirm or cancel.

    Kept in the database rather than a temporary file, so the confirm step works when
    it reaches another app server than the preview did.
    """

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    preview_batch = models.ForeignKey(
        ImportBatch, verbose_name=_("preview"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The import the confirm queued: a second confirm of the same preview leads to it."),
    )
    changes = models.JSONField(
        _("sample of changes"),
        default=list,
        blank=True,
        help_text=_("Rows the import would create or change, as a check in the background found them."),
    )

    class Meta:
        verbose_name = _("import awaiting confirmation")
        verbose_name_plural = _("imports awaiting confirmation")

    def __str__(self):
        return self.file_name


def figure_value(value: Decimal | float | int | None) -> Decimal | int | None:
    """A value as the portal uses it: a whole number as an int (12, never 12.00), else a Decimal without
    trailing zeros (4.3, never 4.30), which is also how an export writes it.

    Accepts what a database driver returns for the value column: Decimal (PostgreSQL), int or
    float (SQLite's own storage classes, read past Django's converters).
    """
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        value = Decimal(repr(value))
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


class FigureField(models.DecimalField):
    """The value of a statistic: a count (a whole number) or a score (at most two decimals).

    Read back through `figure_value`, so that counts, and sums of counts, reach Python as ints.
    Aggregates over the column (Sum("value")) take this field as their output field and are
    read the same way.
    """

    def from_db_value(self, value, expression, connection):
        return figure_value(value)


class PendingUsageImportPart(models.Model):
    """One piece of the file of a pending import (metrics/importing/pending.py), in order.

    A national file of 60 MB is written and read a piece at a time: as one value it would
    pass through the PostgreSQL driver as a hex literal, several times its size in memory
    of the app server that stores it and of the worker that imports it.
    """

    pending = models.ForeignKey(PendingUsageImport, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField(_("index"))
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("piece of an uploaded file")
        verbose_name_plural = _("pieces of uploaded files")
        constraints = [models.UniqueConstraint(fields=["pending", "index"], name="pending_import_part_unique")]


class UsageStatisticQuerySet(models.QuerySet):
    def for_county(self, county):
        """Statistics of one county, its service areas included."""
        return self.filter(county=county)


class UsageStatistic(models.Model):
    """One value of one metric for one content in one county (or service area) and period."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="usage_statistics"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usage_statistics",
        help_text=_("Empty for figures of the whole county."),
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content module"), on_delete=models.PROTECT, related_name="usage_statistics"
    )
    metric = models.ForeignKey(Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="statistics")
    period_type = models.CharField(_("period type"), max_length=5, choices=PeriodType)
    period_start = models.DateField(
        _("period start"), help_text=_("The Monday of the ISO week, or the first day of the month.")
    )
    value = FigureField(
        _("value"),
        max_digits=VALUE_DIGITS + VALUE_DECIMALS,
        decimal_places=VALUE_DECIMALS,
        help_text=_(
            "A count is a whole number; a score (feedback) is a mean with at most two decimals, within its scale."
        ),
    )
    responses = models.PositiveIntegerField(
        _("responses"),
        null=True,
        blank=True,
        help_text=_("For a score: how many answers the value is the mean of; it weighs the value in every mean."),
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statistics",
        help_text=_("The import that last wrote this value."),
    )

    objects = UsageStatisticQuerySet.as_manager()

    class Meta:
        verbose_name = _("usage statistic")
        verbose_name_plural = _("usage statistics")
        permissions = [("import_usagestatistic", _("Can import usage statistics files"))]
        ordering = ["-period_start", "county__code"]
        constraints = [
            # A value is never negative unless its metric's scale is (NPS): that rule reads the
            # metric, so a trigger keeps it (migration 0007_negative_scores), not a CHECK.
            # NULLs are distinct in unique constraints, so the whole-county figures
            # (no service area) need a constraint of their own; both partial indexes
            # work on SQLite and PostgreSQL, unlike nulls_distinct=False.
            models.UniqueConstraint(
                fields=["county", "service_area", "module", "metric", "period_type", "period_start"],
                condition=Q(service_area__isnull=False),
                name="usage_unique_per_service_area",
            ),
            models.UniqueConstraint(
                fields=["county", "module", "metric", "period_type", "period_start"],
                condition=Q(service_area__isnull=True),
                name="usage_unique_per_county",
            ),
        ]
        indexes = [
            models.Index(fields=["period_type", "period_start"], name="usage_period_idx"),
            # --- for a national table (issue 11) -----------------------------------------
            # The admin list: its ordering, whole and within a county or content filter.
            models.Index(fields=["-period_start", "-id"], name="usage_admin_order_idx"),
            models.Index(fields=["county", "-period_start", "-id"], name="usage_county_order_idx"),
            models.Index(fields=["module", "-period_start", "-id"], name="usage_module_order_idx"),
            # The statistics pages: one metric and period type, all or one county. The
            # other filters and the summed value are key columns too (INCLUDE would work on
            # PostgreSQL only), so the sums are read from the index alone.
            # The exports read the service area and the responses too, from the index alone:
            # the rows of a period are spread over the table, and reading them from it was
            # most of an export's time on a national table.
            models.Index(
                fields=[
                    "metric",
                    "period_type",
                    "period_start",
                    "county",
                    "module",
                    "value",
                    "service_area",
                    "responses",
                ],
                name="usage_metric_period_idx",
            ),
            models.Index(
                fields=[
                    "metric",
                    "period_type",
                    "county",
                    "period_start",
                    "module",
                    "value",
                    "service_area",
                    "responses",
                ],
                name="usage_metric_county_idx",
            ),
        ]

    def __str__(self):
        return f"{self.county_id}/{self.module_id}/{self.metric_id} {self.period_start}: {self.value}"

    def clean(self):
        """A hand edit obeys the import's rules: a count is a whole number, a score lies within its scale."""
        super().clean()
        # A value its own field refused (not a number) is reported by that field already.
        if not isinstance(self.value, (int, Decimal)) or self.metric_id is None:
            return
        metric = self.metric
        value = figure_value(self.value)
        if value < 0 and not metric.allows_negative:
            raise ValidationError({"value": NEGATIVE_VALUE.format(value=value)})
        if not metric.is_score and not isinstance(value, int):
            raise ValidationError({"value": COUNT_WITH_DECIMALS.format(value=value, metric=metric.code)})
        if metric.is_score and not metric.in_scale(value):
            raise ValidationError(
                {
                    "value": SCORE_OUT_OF_SCALE.format(
                        value=value, low=metric.scale_min, high=metric.scale_max, metric=metric.code
                    )
                }
            )


class CountyFigure(models.Model):
    """A county's figure of one content, metric and period as the totals rule counts it: kept by the database.

    One row per key of UsageStatistic (county, content, metric, period) that has any row:
    the county row's figure where it has one, else its service-area parts added up
    (metrics/aggregation.py reads the pages' totals from here, so a page reads one row a
    county whatever the number of service areas). Triggers on metrics_usagestatistic
    (migration 0009) rewrite the rows of every key a statement touches, in that statement's
    transaction: imports, hand edits, bulk writes and deletes alike. Never written by the
    portal itself. SQLite loses a table's triggers when a migration rebuilds the table:
    metrics/tests/test_county_figures.py compares this table with the detail rows on both
    databases.
    """

    county = models.ForeignKey(WellbeingCounty, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    module = models.ForeignKey(ContentModule, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    metric = models.ForeignKey(Metric, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    period_type = models.CharField(max_length=5, choices=PeriodType)
    period_start = models.DateField()
    # Of the rows that count (the county row, else every part): the sum of the values, the sum
    # of value × responses (a row without responses weighs 1) and of the weights, the rows.
    total = FigureField(max_digits=VALUE_DIGITS + VALUE_DECIMALS + 6, decimal_places=VALUE_DECIMALS)
    score_total = models.FloatField()
    responses = models.PositiveBigIntegerField()
    row_count = models.PositiveIntegerField()
    # Service-area rows among them: 0 where the county row is the figure.
    part_count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("county figure")
        verbose_name_plural = _("county figures")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "module", "metric", "period_type", "period_start"], name="county_figure_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["metric", "period_type", "period_start", "county", "module"], name="county_figure_period_idx"
            ),
            models.Index(
                fields=["metric", "period_type", "county", "period_start", "module"], name="county_figure_county_idx"
            ),
        ]

    def __str__(self):
        return f"{self.county_id}/{self.module_id}/{self.metric_id} {self.period_start}: {self.total}"
