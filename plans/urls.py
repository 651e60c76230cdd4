from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("feed/<str:token>.ics", views.plan_feed, name="feed"),
]
