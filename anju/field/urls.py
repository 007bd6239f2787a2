from django.urls import path

from anju.field import views

app_name = "field"
urlpatterns = [
    path("", views.app, name="app"),
    path("session.json", views.session, name="session"),
    path("work-list.json", views.work_list, name="work_list"),
    path("sync/", views.sync, name="sync"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
