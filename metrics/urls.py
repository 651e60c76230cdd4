from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.csv", views.statistics_export, name="statistics_export"),
]
