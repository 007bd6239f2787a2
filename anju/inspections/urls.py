from django.urls import path

from anju.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:pk>/households/<int:household_pk>/housing/",
        views.housing_check_new,
        name="housing_check_new",
    ),
    path("campaigns/<int:pk>/uncovered.xlsx", views.campaign_uncovered_export, name="campaign_uncovered_export"),
    path("campaigns/<int:campaign_pk>/sign/", views.village_list_sign, name="village_list_sign"),
    path("houses/<int:house_pk>/inspect/", views.inspection_new, name="inspection_new"),
    path("houses/<int:house_pk>/measures/", views.house_measures, name="house_measures"),
    path("records/", views.inspection_list, name="inspection_list"),
    path("records/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/decide/", views.referral_decide, name="referral_decide"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("danger/", views.danger_board, name="danger_board"),
    path("measures/<int:pk>/verify/", views.measure_verify, name="measure_verify"),
    path("village-lists/<int:pk>/", views.village_list_detail, name="village_list_detail"),
    path("village-lists/<int:pk>/pdf/", views.village_list_download, name="village_list_download"),
    path("village-lists/<int:pk>/receive/", views.village_list_receive, name="village_list_receive"),
    path("village-lists/<int:pk>/return/", views.village_list_return, name="village_list_return"),
    path("village-lists/<int:pk>/supplement/", views.village_list_supplement, name="village_list_supplement"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/new/", views.checklist_new, name="checklist_new"),
    path("checklist/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklist/<int:pk>/move/", views.checklist_move, name="checklist_move"),
    path("checklist/<int:pk>/retire/", views.checklist_retire, name="checklist_retire"),
    path("checklist/<int:pk>/restore/", views.checklist_restore, name="checklist_restore"),
]
