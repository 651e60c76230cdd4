"""The public routing pages, under the language prefix and the page cache."""

from django.urls import path  # noqa: F401

app_name = "routing"

urlpatterns = []
