from django.urls import path

from anju.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("", views.decision_list, name="decision_list"),
    path("households/<int:pk>/", views.household_decision, name="household_decision"),
    path("households/<int:pk>/reevaluate/", views.household_reevaluate, name="household_reevaluate"),
    path("circumstances/<int:pk>/withdraw/", views.circumstance_withdraw, name="circumstance_withdraw"),
    path("rules/", views.rule_set_list, name="rule_set_list"),
    path("rules/<int:pk>/", views.rule_set_detail, name="rule_set_detail"),
    path("rules/<int:pk>/derive/", views.RULE_SET_PAGES.derive_view(), name="rule_set_derive"),
    path("rules/<int:pk>/edit/", views.rule_set_edit, name="rule_set_edit"),
    path("rules/<int:pk>/activate/", views.RULE_SET_PAGES.activate_view(), name="rule_set_activate"),
    path("rules/<int:pk>/discard/", views.RULE_SET_PAGES.discard_view(), name="rule_set_discard"),
]
