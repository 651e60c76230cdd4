from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("processes/", views.process_list, name="process_list"),
    path("processes/<slug:slug>/", views.process_detail, name="process_detail"),
    path("processes/<slug:slug>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("processes/<slug:slug>/copy/", views.process_copy_view, name="process_copy"),
    path("modules/", views.module_list, name="module_list"),
    path("modules/<slug:code>/", views.module_detail, name="module_detail"),
]
