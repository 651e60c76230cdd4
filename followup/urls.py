from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("statistics/declining/", views.declining, name="declining"),
]
