"""Omaolo contents (sisällöt): the assessments, health checks, coachings and e-service topics counties deploy."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.translation import TranslatedNameModel, translated_value
from processes.models.choices import ContentKind, RolloutStatus
from processes.models.history import HistoricalRecords


class ContentModuleQuerySet(models.QuerySet):
    def active(self):
        """Contents that counties can still deploy."""
        return self.filter(is_active=True)

    def with_county_counts(self):
        """Annotate each content with the number of counties whose rollout of it has not ended."""
        return self.annotate(
            county_count=models.Count(
                "rollouts__county", distinct=True, filter=~Q(rollouts__status=RolloutStatus.ENDED)
            )
        )


class ContentModule(TranslatedNameModel):
    """One Omaolo content (sisältö): an assessment, a health check, a coaching or an e-service topic."""

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("Identifier used in statistics files and addresses, e.g. “virtsatietulehdus”."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ContentKind)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    description_source = models.CharField(
        _("source of the description"),
        max_length=400,
        blank=True,
        help_text=_("The public sources the description is written from, e.g. “DigiFinland 29.1.2026”."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick when Omaolo no longer offers this content.")
    )

    history = HistoricalRecords()
    objects = ContentModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("content module")
        verbose_name_plural = _("content modules")
        ordering = ["kind", "name_fi"]

    @property
    def description(self) -> str:
        return translated_value(self, "description")

    def get_absolute_url(self):
        return reverse("processes:module_detail", kwargs={"code": self.code})
