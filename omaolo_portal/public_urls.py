"""The public rollout guide, served under a language prefix (/fi/, /sv/, /en/)."""

from django.urls import include, path

from omaolo_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("counties/", views.county_list, name="county_list"),
    path("counties/<str:code>/", views.county_detail, name="county_detail"),
    path("", include("processes.urls")),
    path("", include("followup.urls")),
    path("", include("metrics.urls")),
]
