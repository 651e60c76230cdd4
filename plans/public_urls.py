"""The public rollout-plan pages, under the language prefix and the page cache.

The secret calendar feed is not here: it lives outside the language prefix (`plans/urls.py`).
"""

from django.urls import path  # noqa: F401

app_name = "plans_public"

urlpatterns = []
