"""Where each Omaolo outcome goes in a county: outcomes, care-guarantee rules, receiving units and routes.

Outcomes and care-guarantee rules are national reference data loaded from `data/` by
`load_reference_data`; receiving units and routes are each county's own, edited in the admin
with their history. The public reads a county × content's routes only as its publisher last
published them (`PublishedRouteSet`), never the rows being edited.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.translation import TranslatedNameModel
from processes.models import ContentKind, ContentModule
from regions.models import Municipality, ServiceArea, WellbeingCounty
from routing.choices import (
    CareMeasure,
    Channel,
    LimitUnit,
    TargetKind,
    UnitType,
    Urgency,
    Weekday,
    WindowKind,
)

MIDNIGHT = datetime.time(0, 0)
COUNTED_TARGETS = [TargetKind.MINUTES, TargetKind.HOURS, TargetKind.WORKING_DAYS]

OUTCOME_OF_OTHER_KIND = _("This outcome belongs to another kind of content than the chosen content.")
SERVICE_AREA_OF_OTHER_COUNTY = _("This service area belongs to another county.")
WEEKDAYS_NEEDED = _("Choose at least one weekday for a route on chosen weekdays and hours.")
HOURS_NEEDED = _("Give the hours the route starts and ends on its weekdays.")
WINDOW_UNIT_NEEDED = _("Choose the unit whose closed hours this route covers.")
TARGET_VALUE_NEEDED = _("Give the number of minutes, hours or working days of the handling target.")
TARGET_VALUE_NOT_USED = _("Leave the number empty for this kind of handling target.")
VALID_TO_BEFORE_FROM = _("A route cannot end before it starts.")
AGE_BAND_EMPTY = _("The lower age limit must be below the upper one.")
UNKNOWN_CHOICE = _("Unknown value “%(value)s”.")


class Outcome(TranslatedNameModel):
    """A national result of an Omaolo content (emergency, urgent, …), set by the kind of content, not the county."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    content_kind = models.CharField(_("content kind"), max_length=30, choices=ContentKind)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency, default=Urgency.NONE)
    needs_route = models.BooleanField(
        _("needs a route"),
        default=True,
        help_text=_("Whether every hour of the week must have a route for this outcome (the route check asks so)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["content_kind", "order"]


class CareGuaranteeRuleQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        """Rules that were law on the day (a cancelled change never is)."""
        return self.filter(in_force=True, valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class CareGuaranteeRule(models.Model):
    """One dated limit of the care guarantee (hoitotakuu), with the bill and section it comes from."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    measure = models.CharField(_("measure"), max_length=20, choices=CareMeasure)
    law = models.CharField(_("bill or act"), max_length=100, help_text=_("For example “HE 74/2022”."))
    section = models.CharField(
        _("section"), max_length=100, help_text=_("For example “Terveydenhuoltolaki 1326/2010, 51 §”.")
    )
    age_from = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, help_text=_("Empty when the rule has no lower age limit.")
    )
    age_below = models.PositiveSmallIntegerField(
        _("below age"), null=True, blank=True, help_text=_("Empty when the rule has no upper age limit.")
    )
    limit_value = models.PositiveSmallIntegerField(_("limit"), null=True, blank=True)
    limit_unit = models.CharField(_("unit of the limit"), max_length=20, choices=LimitUnit)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    in_force = models.BooleanField(
        _("took effect"),
        default=True,
        help_text=_("Untick for a change that was enacted or planned but cancelled before it took effect."),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.URLField(_("source"), max_length=300)

    objects = CareGuaranteeRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("care-guarantee rule")
        verbose_name_plural = _("care-guarantee rules")
        ordering = ["measure", "valid_from", "age_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="care_rule_valid_from_before_to",
            ),
            models.CheckConstraint(
                condition=Q(limit_unit=LimitUnit.SAME_DAY) | Q(limit_value__gt=0),
                name="care_rule_limit_has_value",
            ),
        ]

    def __str__(self):
        return f"{self.get_measure_display()} {self.valid_from:%d.%m.%Y} ({self.law})"


class ReceivingUnitQuerySet(models.QuerySet):
    def national(self):
        """The national services every county routes to (112, 116117): units of no county."""
        return self.filter(county__isnull=True)

    def for_county(self, county):
        """A county's own receiving units."""
        return self.filter(county=county)


class ReceivingUnit(TranslatedNameModel):
    """Where a sent assessment lands: a health station, a digital centre, a partner hospital, 116117."""

    county = models.ForeignKey(
        WellbeingCounty,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receiving_units",
        help_text=_("The county whose routes use this unit. Empty only for national services such as 116117."),
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Short identifier, unique within the county."))
    unit_type = models.CharField(_("type"), max_length=30, choices=UnitType)
    operator = models.CharField(
        _("operator"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation that runs the unit when it is not the county itself, such as a partner hospital."
        ),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    web_address = models.URLField(_("web address"), blank=True)
    open_around_the_clock = models.BooleanField(
        _("open around the clock"), default=False, help_text=_("Tick for a service that never closes, such as 112.")
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area in the statistics"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receiving_units",
        help_text=_(
            "The county's service area whose usage statistics are this unit's: its page then shows the weekly "
            "contact requests beside its opening hours. Leave empty when the statistics name no such area."
        ),
    )
    holidays_as_sundays = models.BooleanField(
        _("public holidays as Sundays"),
        default=True,
        help_text=_(
            "On a Finnish public holiday the unit keeps its Sunday hours unless an exception says otherwise. "
            "Midsummer Eve and Christmas Eve count as holidays."
        ),
    )

    history = HistoricalRecords()
    objects = ReceivingUnitQuerySet.as_manager()

    def clean(self):
        if self.service_area_id and self.service_area.county_id != self.county_id:
            raise ValidationError({"service_area": SERVICE_AREA_OF_OTHER_COUNTY})

    class Meta:
        verbose_name = _("receiving unit")
        verbose_name_plural = _("receiving units")
        ordering = ["county__code", "name_fi"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="receiving_unit_code_unique_in_county"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(county__isnull=True), name="receiving_unit_national_code_unique"
            ),
        ]


class OpeningHours(models.Model):
    """The hours a receiving unit is open on one weekday."""

    unit = models.ForeignKey(
        ReceivingUnit, verbose_name=_("receiving unit"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")) | Q(closes=MIDNIGHT), name="opening_hours_open_before_close"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """Dated hours that replace a unit's weekly hours, such as a closure over Christmas."""

    unit = models.ForeignKey(
        ReceivingUnit, verbose_name=_("receiving unit"), on_delete=models.CASCADE, related_name="opening_exceptions"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    is_closed = models.BooleanField(
        _("closed"), default=True, help_text=_("Untick and give the hours when the unit is open on these days.")
    )
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="opening_exception_start_before_end"),
            models.CheckConstraint(
                condition=Q(is_closed=True)
                | (Q(opens__isnull=False, closes__isnull=False) & (Q(opens__lt=F("closes")) | Q(closes=MIDNIGHT))),
                name="opening_exception_open_has_hours",
            ),
        ]

    def __str__(self):
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


@deconstructible
class ChoiceListValidator:
    """Every item of a JSON list is one of the values of a choices class."""

    def __init__(self, choices_path: str):
        self.choices_path = choices_path

    def __call__(self, value):
        choices = import_string(self.choices_path)
        if not isinstance(value, list):
            raise ValidationError(UNKNOWN_CHOICE, params={"value": value})
        for item in value:
            if item not in choices.values:
                raise ValidationError(UNKNOWN_CHOICE, params={"value": item})

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices_path == self.choices_path


validate_weekdays = ChoiceListValidator("routing.choices.Weekday")
validate_roles = ChoiceListValidator("routing.choices.ProfessionalRole")
validate_languages = ChoiceListValidator("routing.choices.ServiceLanguage")


def weekday_ranges(days) -> str:
    """ISO weekdays as runs of their two-letter names in the active language: [1, 2, 3, 4, 5, 7] → “ma–pe, su”."""
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    short = {day: str(Weekday(day).label)[:2] for day in range(1, 8)}
    return ", ".join(short[run[0]] if len(run) == 1 else f"{short[run[0]]}–{short[run[-1]]}" for run in runs)


class RouteQuerySet(models.QuerySet):
    def for_county(self, county):
        """Routes of one county."""
        return self.filter(county=county)

    def valid_on(self, day: datetime.date):
        """Routes whose dates include the day."""
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Route(models.Model):
    """Where one outcome of one content goes in one county in one time window, and how fast it is handled."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="routes"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
        help_text=_("The service area that owns the route; leave empty for the whole county."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities"),
        blank=True,
        related_name="routes",
        help_text=_("Only when the route serves some municipalities of the county; leave empty for all."),
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content"), on_delete=models.PROTECT, related_name="routes"
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        on_delete=models.PROTECT,
        related_name="routes",
        help_text=_("The national result of the assessment this route is for."),
    )
    window_kind = models.CharField(
        _("time window"),
        max_length=20,
        choices=WindowKind,
        default=WindowKind.HOURS,
        help_text=_("When the route applies: chosen weekdays and hours, whenever a unit is closed, or always."),
    )
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        validators=[validate_weekdays],
        help_text=_("Days the route applies on. A public holiday counts as a Sunday."),
    )
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("A time before the start means the window runs past midnight (21:00–08:00)."),
    )
    window_unit = models.ForeignKey(
        "ReceivingUnit",
        verbose_name=_("when this unit is closed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a route that takes over when a unit is closed, such as 116117 at night."),
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel)
    receiving_unit = models.ForeignKey(
        ReceivingUnit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="routes"
    )
    roles = models.JSONField(
        _("professional roles"),
        default=list,
        blank=True,
        validators=[validate_roles],
        help_text=_("Who handles what arrives by this route."),
    )
    handled_in_unit_hours = models.BooleanField(
        _("handled in the unit's opening hours"),
        default=False,
        help_text=_(
            "Tick when the route accepts assessments in its time window but the unit handles them only when it is "
            "open (accepted around the clock, handled on weekdays)."
        ),
    )
    target_kind = models.CharField(_("handling target"), max_length=20, choices=TargetKind, default=TargetKind.NONE)
    target_value = models.PositiveSmallIntegerField(
        _("target number"), null=True, blank=True, help_text=_("Minutes, hours or working days, as the target says.")
    )
    target_cutoff = models.TimeField(
        _("when sent by"),
        null=True,
        blank=True,
        help_text=_("The target holds for what is sent by this time, e.g. 13:00; later ones count from the next day."),
    )
    languages = models.JSONField(_("languages served"), default=list, blank=True, validators=[validate_languages])
    age_from = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_below = models.PositiveSmallIntegerField(
        _("below age"), null=True, blank=True, help_text=_("Leave both ages empty for a route for every age.")
    )
    strong_identification = models.BooleanField(
        _("strong identification needed"),
        default=True,
        help_text=_("Sending the assessment to a professional needs strong identification (Suomi.fi)."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty while the route is in use."))
    source = models.TextField(
        _("source"), blank=True, help_text=_("The decision, page or person the route comes from.")
    )
    verified_on = models.DateField(
        _("last verified"), null=True, blank=True, help_text=_("The day someone last confirmed the route is right.")
    )
    foreign_unit_reason = models.TextField(
        _("why a unit of another organisation"),
        blank=True,
        help_text=_("Accepts the route check's warning about a receiving unit of another county, with the reason."),
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[municipalities])
    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["county__code", "module__name_fi", "outcome__order", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="route_valid_from_before_to",
            ),
            models.CheckConstraint(
                condition=~Q(window_kind=WindowKind.HOURS) | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="route_hours_window_has_hours",
            ),
            models.CheckConstraint(
                condition=~Q(window_kind=WindowKind.UNIT_CLOSED) | Q(window_unit__isnull=False),
                name="route_unit_closed_window_has_unit",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        target_kind__in=[TargetKind.MINUTES, TargetKind.HOURS, TargetKind.WORKING_DAYS],
                        target_value__gt=0,
                    )
                    | Q(target_kind__in=[TargetKind.SAME_WORKING_DAY, TargetKind.NONE], target_value__isnull=True)
                ),
                name="route_target_value_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(age_from__isnull=True) | Q(age_below__isnull=True) | Q(age_from__lt=F("age_below")),
                name="route_age_band_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.module} – {self.outcome} – {self.receiving_unit} ({self.window_label()})"

    def window_label(self) -> str:
        """The time window in short: “ma–pe 08:00–16:00” (weekdays by their first two letters), or its kind."""
        if self.window_kind == WindowKind.HOURS and self.starts_at and self.ends_at:
            return f"{weekday_ranges(self.weekdays)} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        return str(self.get_window_kind_display())

    def clean(self):
        errors = {}
        if self.module_id and self.outcome_id and self.module.kind != self.outcome.content_kind:
            errors["outcome"] = OUTCOME_OF_OTHER_KIND
        if self.service_area_id and self.county_id and self.service_area.county_id != self.county_id:
            errors["service_area"] = SERVICE_AREA_OF_OTHER_COUNTY
        if self.window_kind == WindowKind.HOURS:
            if not self.weekdays:
                errors["weekdays"] = WEEKDAYS_NEEDED
            if self.starts_at is None or self.ends_at is None:
                errors["starts_at"] = HOURS_NEEDED
        if self.window_kind == WindowKind.UNIT_CLOSED and not self.window_unit_id:
            errors["window_unit"] = WINDOW_UNIT_NEEDED
        needs_value = self.target_kind in COUNTED_TARGETS
        if needs_value and not self.target_value:
            errors["target_value"] = TARGET_VALUE_NEEDED
        elif not needs_value and self.target_value is not None:
            errors["target_value"] = TARGET_VALUE_NOT_USED
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = VALID_TO_BEFORE_FROM
        if self.age_from is not None and self.age_below is not None and self.age_from >= self.age_below:
            errors["age_below"] = AGE_BAND_EMPTY
        if errors:
            raise ValidationError(errors)


class PublishedRouteSetQuerySet(models.QuerySet):
    def latest_for(self, *, county, module):
        """The routes of a county × content as its publisher last published them, or None."""
        return self.filter(county=county, module=module).order_by("-published_at", "-pk").first()


class PublishedRouteSet(models.Model):
    """What the public reads of a county's routes for one content: a snapshot made when a publisher published it.

    Made by `routing.services.route_set_publish`; like a guide's `PublishedVersion`, the public
    pages read the snapshot while editors keep changing the routes themselves.
    """

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.CASCADE, related_name="published_route_sets"
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content"), on_delete=models.CASCADE, related_name="published_route_sets"
    )
    snapshot = models.JSONField(_("published content"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublishedRouteSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("published route set")
        verbose_name_plural = _("published route sets")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.county} – {self.module} ({self.published_at:%Y-%m-%d %H:%M})"
