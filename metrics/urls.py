from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.csv", views.statistics_export, name="statistics_export"),
    path("statistics/export.xlsx", views.statistics_export_xlsx, name="statistics_export_xlsx"),
    path("statistics/compare/", views.comparison, name="comparison"),
    path("statistics/adoption/", views.adoption, name="adoption"),
]
