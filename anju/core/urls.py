from django.urls import path

from anju.core import files, views

app_name = "core"
urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("files/<str:kind>/<int:pk>/", files.protected_file, name="file"),
]
