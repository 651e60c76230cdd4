"""The public rollout-plan pages, under the language prefix and the page cache.

The secret calendar feed is not here: it lives outside the language prefix (`plans/urls.py`).
"""

from django.urls import path

from plans import views

app_name = "plans_public"

urlpatterns = [
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("counties/<str:code>/plans/", views.county_plans_page, name="county_plans"),
]
