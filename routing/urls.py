"""The public routing pages, under the language prefix and the page cache."""

from django.urls import path

from routing import views

app_name = "routing"

urlpatterns = [
    path("routes/counties/<str:code>/", views.county_routes, name="county_routes"),
    path("routes/counties/<str:code>/deck.pptx", views.route_deck_download, name="route_deck"),
    path("routes/counties/<str:code>/<slug:module>/", views.route_set_detail, name="route_set_detail"),
    path("routes/contents/<slug:code>/", views.module_routes, name="module_routes"),
]
