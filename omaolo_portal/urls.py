import functools

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, resolve
from django.utils.translation import gettext_lazy as _

from api.api import api
from omaolo_portal import admin_views
from omaolo_portal.caching import cached_urls

admin.site.site_header = _("Omaolo rollout portal administration")
admin.site.site_title = _("Omaolo rollout portal")

# 503 with Retry-After when the database is unreachable, the static 500 page otherwise.
# /healthz is answered by omaolo_portal.health.HealthCheckMiddleware, before the URLconf.
handler500 = "omaolo_portal.errors.server_error"


@functools.cache
def _api_query_parameters() -> dict[str, list[str]]:
    """Each API operation's query parameters by URL name, as its OpenAPI schema names them."""
    return {
        resolve(path).url_name: [
            parameter["name"]
            for operation in operations.values()
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        ]
        for path, operations in api.get_openapi_schema()["paths"].items()
    }


def api_query_parameters(url_name: str) -> list[str]:
    return _api_query_parameters().get(url_name, [])


urlpatterns = [
    # Before the admin's own "view on site" redirect, which is not limited to the user's rows.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_views.view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The open API and its docs, outside the language prefix: /api/openapi.json, /api/docs.
    # The API refuses an empty value with 400 (each parameter's pattern or type), never stored.
    path("api/", cached_urls(api.urls, parameters=api_query_parameters, drop_empty_values=False)),
    # A plan's secret calendar feed, outside the language prefix: /plans/feed/<token>.ics.
    path("plans/", include("plans.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("omaolo_portal.public_urls")),
)
