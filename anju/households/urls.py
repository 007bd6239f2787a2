from django.urls import path

from anju.households import history_views, import_views, views

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
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/original/", import_views.import_original, name="import_original"),
    path("imports/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
    path("imports/<int:pk>/reread/", import_views.import_reread, name="import_reread"),
    path("imports/<int:pk>/villages/", import_views.import_village_map, name="import_village_map"),
    path("history/", history_views.history_list, name="history_list"),
    path("history/records/", history_views.history_records, name="history_records"),
    path("history/records/export/", history_views.history_records_export, name="history_records_export"),
    path("history/<int:pk>/", history_views.history_detail, name="history_detail"),
    path("history/<int:pk>/commit/", history_views.history_commit, name="history_commit"),
    path("history/<int:pk>/cancel/", history_views.history_cancel, name="history_cancel"),
    path("history/<int:pk>/errors/", history_views.history_errors, name="history_errors"),
    path("houses/", views.house_list, name="house_list"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
    path("houses/<int:pk>/edit/", views.house_edit, name="house_edit"),
]
