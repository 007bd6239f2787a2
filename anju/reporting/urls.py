from django.urls import path

from anju.reporting import views, workplan_views

app_name = "reporting"
urlpatterns = [
    path("", views.submission_list, name="submission_list"),
    path("prepare/", views.submission_prepare, name="submission_prepare"),
    path("<int:pk>/", views.submission_detail, name="submission_detail"),
    path("<int:pk>/refresh/", views.submission_refresh, name="submission_refresh"),
    path("<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("<int:pk>/return/", views.submission_return, name="submission_return"),
    path("<int:pk>/sign-off/", views.submission_sign_off, name="submission_sign_off"),
    path("<int:pk>/reopen/", views.submission_reopen, name="submission_reopen"),
    path("<int:pk>/xlsx/", views.submission_export, name="submission_export"),
    path("board/", views.timeliness_board, name="timeliness_board"),
    path("plan/", views.annual_plan, name="annual_plan"),
    path("work-plans/", workplan_views.workplan_list, name="workplan_list"),
    path("work-plans/new/", workplan_views.workplan_new, name="workplan_new"),
    path("work-plans/<int:pk>/", workplan_views.workplan_detail, name="workplan_detail"),
    path("work-plans/<int:pk>/edit/", workplan_views.workplan_edit, name="workplan_edit"),
    path("work-plans/<int:pk>/activate/", workplan_views.workplan_activate, name="workplan_activate"),
    path("work-plans/<int:pk>/discard/", workplan_views.workplan_discard, name="workplan_discard"),
    path("work-plans/<int:pk>/pdf/", workplan_views.workplan_pdf, name="workplan_pdf"),
    path("calendars/", views.calendar_list, name="calendar_list"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar_detail"),
    path("calendars/<int:pk>/derive/", views.CALENDAR_PAGES.derive_view(), name="calendar_derive"),
    path("calendars/<int:pk>/edit/", views.CALENDAR_PAGES.edit_view(), name="calendar_edit"),
    path("calendars/<int:pk>/activate/", views.CALENDAR_PAGES.activate_view(), name="calendar_activate"),
    path("calendars/<int:pk>/discard/", views.CALENDAR_PAGES.discard_view(), name="calendar_discard"),
]
