from django.urls import path

from anju.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("export/", views.household_export, name="household_export"),
    path("houses/export/", views.house_export, name="house_export"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/statuses/", views.status_add, name="status_add"),
    path("<int:pk>/houses/new/", views.house_create, name="house_create"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("statuses/<int:pk>/end/", views.status_end, name="status_end"),
    path("houses/", views.house_list, name="house_list"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
    path("houses/<int:pk>/edit/", views.house_edit, name="house_edit"),
]
