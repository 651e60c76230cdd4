"""Warnings a higher app shows on a lower app's admin change page, without the lower app importing it.

The import layers forbid `processes` and `plans` to import `routing`, yet a rollout's page must
show the route check before go-live. The lower admin mixes in `ChangePageNoticesMixin`; the
higher app registers a provider for the model in its `AppConfig.ready()`:

    change_page_notices_register(model=Rollout, provider=rollout_route_notices)

A provider takes `obj` and `request` and returns `Notice`s; the project's
`admin/change_form.html` shows them above the form.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    title: str  # the heading of a group of notices, e.g. "Route check before go-live"
    message: str
    fix: str = ""
    url: str = ""


_providers: dict[type, list[Callable]] = {}


def change_page_notices_register(*, model: type, provider: Callable) -> None:
    """Show what `provider(obj=..., request=...)` returns on the model's admin change page."""
    if provider not in _providers.setdefault(model, []):
        _providers[model].append(provider)


def change_page_notices(*, obj, request) -> list[Notice]:
    return [notice for provider in _providers.get(type(obj), []) for notice in provider(obj=obj, request=request)]


class ChangePageNoticesMixin:
    """A ModelAdmin whose change page shows the notices registered for its model."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and self.has_view_or_change_permission(request, obj):
            extra_context["page_notices"] = change_page_notices(obj=obj, request=request)
        return super().change_view(request, object_id, form_url, extra_context)
