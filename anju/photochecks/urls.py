from django.urls import path

from anju.photochecks import views

app_name = "photochecks"
urlpatterns = [
    path("", views.flag_list, name="flag_list"),
    path("<int:pk>/explain/", views.flag_explain, name="flag_explain"),
]
