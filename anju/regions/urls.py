from django.urls import path

from anju.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("import/", views.import_regions, name="import"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/boundaries/", views.import_boundaries, name="boundaries"),
]
