from django.urls import path

from anju.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("watch/", views.watch_list, name="watch_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/<str:kind>/", views.case_act, name="case_act"),
    path("<int:pk>/patrols/", views.patrol_add, name="patrol_add"),
    path("<int:pk>/details/", views.details_update, name="details_update"),
    path("open/<int:household_pk>/", views.case_open, name="case_open"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/derive/", views.POLICY_PAGES.derive_view(), name="policy_derive"),
    path("policies/<int:pk>/edit/", views.POLICY_PAGES.edit_view(), name="policy_edit"),
    path("policies/<int:pk>/activate/", views.POLICY_PAGES.activate_view(), name="policy_activate"),
    path("policies/<int:pk>/discard/", views.POLICY_PAGES.discard_view(), name="policy_discard"),
]
