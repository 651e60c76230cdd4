"""Template helpers of the public pages: Markdown, translated names, safe links, language links."""

import datetime
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

from common.translation import FALLBACK_LANGUAGE, active_language, is_translated, translated_value
from processes.rendering import URL_SCHEMES, render_markdown

register = template.Library()


@register.filter
def markdown(text, heading_level=3):
    """Editor-written Markdown as sanitised HTML: the one place its output is marked safe."""
    return mark_safe(render_markdown(text, heading_level=int(heading_level)))  # noqa: S308  (sanitised by nh3)


@register.filter
def safe_url(url):
    """The address when it is http, https or mailto (or relative), else an empty string."""
    url = (url or "").strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme and scheme not in URL_SCHEMES:
        return ""
    if not scheme and url.startswith("//"):
        return ""
    return url


@register.simple_tag
def translated(obj, field="name"):
    """The field in the active language; a Finnish fallback is marked lang="fi" for screen readers."""
    value = translated_value(obj, field)
    if active_language() != FALLBACK_LANGUAGE and not is_translated(obj, field):
        return format_html('<span lang="{}">{}</span>', FALLBACK_LANGUAGE, value)
    return value


@register.filter
def only_in_finnish(obj, field="name"):
    """Whether the active language has no own text for the field and Finnish is shown instead."""
    return active_language() != FALLBACK_LANGUAGE and not is_translated(obj, field)


def _language_url(path: str, code: str, current: str) -> str:
    """The address of `path` in the language `code`; that language's home when it would leave the site."""
    url = translate_url(path, code)
    if url == path and code != current and path.startswith(f"/{current}/"):
        # An address that does not resolve (a 404 page) keeps its path under the other prefix.
        url = f"/{code}/{path.removeprefix(f'/{current}/')}"
    # `//host/…`, `/\host/…` or a scheme would take the reader to another site.
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        with translation.override(code):
            return reverse("home")
    return url


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language: code, name in that language, address, whether it is active."""
    request = context["request"]
    current = active_language()
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": _language_url(path, code, current),
            "is_current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.filter
def finnish_date(value):
    """A date or datetime in the Finnish short format (24.11.2026) of Django's localisation, in every language."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    with translation.override(FALLBACK_LANGUAGE):
        return date_format(value, "SHORT_DATE_FORMAT")
