"""The public rollout guide, served under a language prefix (/fi/, /sv/, /en/).

Every page is cached for anonymous visitors by `omaolo_portal.caching` (keyed by the
data version, so never stale); the apps' view modules stay unaware of it. Each page reads
only the query parameters named here, those of its form or filters: any other is dropped
before the view and the cache key see the query.
"""

from django.urls import include, path

from followup.views import DecliningForm
from metrics.filters import AdoptionForm, ComparisonFilter, GoLiveWeeksForm, StatisticsFilter
from omaolo_portal import views
from omaolo_portal.caching import cached_public_page, cached_urls
from processes.filters import ProcessDescriptionFilter

STATISTICS_PARAMETERS = list(StatisticsFilter.base_filters)
QUERY_PARAMETERS = {
    "processes.urls": {"process_list": [*ProcessDescriptionFilter.base_filters, "page"]},
    "followup.urls": {"declining": list(DecliningForm.base_fields)},
    "metrics.urls": {
        "statistics": STATISTICS_PARAMETERS,
        "statistics_export": STATISTICS_PARAMETERS,
        "statistics_export_xlsx": STATISTICS_PARAMETERS,
        "comparison": list(ComparisonFilter.base_filters),
        "adoption": list(AdoptionForm.base_fields),
    },
    "routing.urls": {"route_deck": ["module"], "route_set_detail": ["week"]},
    "plans.public_urls": {},
}

urlpatterns = [
    path("", cached_public_page(views.home), name="home"),
    path("accessibility/", cached_public_page(views.accessibility_statement), name="accessibility"),
    path("counties/", cached_public_page(views.county_list), name="county_list"),
    path(
        "counties/<str:code>/",
        cached_public_page(views.county_detail, parameters=list(GoLiveWeeksForm.base_fields)),
        name="county_detail",
    ),
    *(path("", include(cached_urls(urlconf, parameters=names))) for urlconf, names in QUERY_PARAMETERS.items()),
]
