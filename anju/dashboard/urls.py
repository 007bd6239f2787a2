from django.urls import path

from anju.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/", views.dashboard_json, name="data"),
    path("map/", views.map_page, name="map"),
    path("map/points/", views.map_points, name="map_points"),
    path("map/regions/", views.map_regions, name="map_regions"),
]
