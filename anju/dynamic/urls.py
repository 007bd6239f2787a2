from django.urls import path

from anju.dynamic import views

app_name = "dynamic"
urlpatterns = [
    path("self-repair/", views.route_list, name="route_list"),
    path("self-repair/<int:pk>/", views.route_detail, name="route_detail"),
    path("self-repair/<int:pk>/<str:kind>/", views.route_act, name="route_act"),
    path("self-repair/open/<int:household_pk>/", views.route_open, name="route_open"),
    path("hardship/", views.hardship_list, name="hardship_list"),
    path("hardship/new/", views.hardship_new, name="hardship_new"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/relief/", views.relief_add, name="relief_add"),
]
