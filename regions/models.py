from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.translation import TranslatedNameModel
from regions.permissions import NATIONAL_ADMIN_GROUP


class WellbeingCountyQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Counties whose data the user may change: all for a superuser or national admin, else their own.

        A county's own are those it lists the user among its editors or its publishers.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.groups.filter(name=NATIONAL_ADMIN_GROUP).exists():
            return self
        return self.filter(Q(editors=user) | Q(publishers=user)).distinct()

    def publishable_by(self, user):
        """Counties whose descriptions the user may publish, send back or archive."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.groups.filter(name=NATIONAL_ADMIN_GROUP).exists():
            return self
        return self.filter(publishers=user)


class WellbeingCounty(TranslatedNameModel):
    """A wellbeing services county (hyvinvointialue), or the City of Helsinki."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        help_text=_("Statistics Finland's two-digit code of the county, e.g. 14 for North Karelia, 90 for Helsinki."),
    )
    brand = models.CharField(
        _("brand name"),
        max_length=100,
        blank=True,
        help_text=_("The name the county uses of itself, such as “Siun sote”. Leave empty if it has none."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        help_text=_("The year whose 31 December the population figure describes."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editors"),
        blank=True,
        related_name="editable_counties",
        help_text=_("Main users who may edit this county's service areas, rollouts, processes and statistics."),
    )
    publishers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publishers"),
        blank=True,
        related_name="publishable_counties",
        help_text=_(
            "Users who review this county's process descriptions: they publish them, send them back with a comment "
            "or archive them. A publisher may also edit the county's data."
        ),
    )

    history = HistoricalRecords(excluded_fields=["editors", "publishers"])
    objects = WellbeingCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")
        ordering = ["code"]

    def get_absolute_url(self):
        return reverse("county_detail", kwargs={"code": self.code})


class MunicipalityLanguage(models.TextChoices):
    """A municipality's official languages, as the Government decree on their linguistic status sets them."""

    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    BILINGUAL_FINNISH_MAJORITY = "fi_sv", _("bilingual, Finnish-speaking majority")
    BILINGUAL_SWEDISH_MAJORITY = "sv_fi", _("bilingual, Swedish-speaking majority")


BILINGUAL = (MunicipalityLanguage.BILINGUAL_FINNISH_MAJORITY, MunicipalityLanguage.BILINGUAL_SWEDISH_MAJORITY)


class Municipality(TranslatedNameModel):
    """A municipality (kunta) and the county that organises its health and social services."""

    code = models.CharField(
        _("code"), max_length=3, unique=True, help_text=_("Statistics Finland's municipality code.")
    )
    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="municipalities"
    )
    language = models.CharField(
        _("official languages"),
        max_length=5,
        choices=MunicipalityLanguage,
        default=MunicipalityLanguage.FINNISH,
        help_text=_(
            "Set by the Government decree on the linguistic status of municipalities (2023–2032); loaded from "
            "data/municipality_languages.csv. A bilingual municipality's services are due in Finnish and Swedish."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi"]

    @property
    def is_bilingual(self) -> bool:
        return self.language in BILINGUAL


class ServiceArea(TranslatedNameModel):
    """A county's own service unit, such as oral health or reception services."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.CASCADE, related_name="service_areas"
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Short identifier used in statistics files, unique within the county, e.g. “suun-terveys”."),
    )
    description = models.TextField(_("description"), blank=True)
    # The person a county's main user calls when the area's use of a content falls: internal, shown
    # in the admin's alerts and their emails only, never on a public page or the API.
    contact_name = models.CharField(
        _("contact person"),
        max_length=200,
        blank=True,
        help_text=_("Whom to call about the area's use of Omaolo. Internal: never shown on public pages."),
    )
    contact_role = models.CharField(_("contact person's role"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's email"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["county__code", "name_fi"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="service_area_code_unique_in_county"),
        ]

    @property
    def contact(self) -> str:
        """The contact person in one line: name (role), email, phone; empty when none is given."""
        if not self.contact_name:
            return ""
        text = self.contact_name + (f" ({self.contact_role})" if self.contact_role else "")
        return ", ".join(part for part in (text, self.contact_email, self.contact_phone) if part)
