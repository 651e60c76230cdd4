"""Pick the active language's value of a field stored as `<field>_fi/_sv/_en`."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FALLBACK_LANGUAGE = "fi"


def active_language() -> str:
    """The two-letter code of the active language, Finnish when none is active."""
    return (get_language() or FALLBACK_LANGUAGE)[:2]


def translated_value(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_<language>`, falling back to the Finnish value when it is empty."""
    language = language or active_language()
    value = getattr(obj, f"{field}_{language}", "") or ""
    return value or getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", "") or ""


def is_translated(obj, field: str, language: str | None = None) -> bool:
    """Whether `obj` has its own text for `field` in the language (Finnish always has)."""
    language = language or active_language()
    return bool(getattr(obj, f"{field}_{language}", ""))


class TranslatedNameMixin:
    """A `name` that follows the active language and falls back to Finnish."""

    @property
    def name(self) -> str:
        return translated_value(self, "name")

    def __str__(self) -> str:
        return self.name


class TranslatedNameModel(TranslatedNameMixin, models.Model):
    """A name in Finnish (required), Swedish and English, for reference data."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        abstract = True
