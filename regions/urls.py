from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("counties/<str:code>/", views.county_detail, name="county_detail"),
]
