"""The public rollout guide, served under a language prefix (/fi/, /sv/, /en/).

Every page is cached for anonymous visitors by `omaolo_portal.caching` (keyed by the
data version, so never stale); the apps' view modules stay unaware of it.
"""

from django.urls import include, path

from omaolo_portal import views
from omaolo_portal.caching import cached_public_page, cached_urls

urlpatterns = [
    path("", cached_public_page(views.home), name="home"),
    path("accessibility/", cached_public_page(views.accessibility_statement), name="accessibility"),
    path("counties/", cached_public_page(views.county_list), name="county_list"),
    path("counties/<str:code>/", cached_public_page(views.county_detail), name="county_detail"),
    path("", include(cached_urls("processes.urls"))),
    path("", include(cached_urls("followup.urls"))),
    path("", include(cached_urls("metrics.urls"))),
]
