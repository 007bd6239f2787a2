from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from anju.acceptance import api as acceptance_api
from anju.accounts import api as accounts_api
from anju.anomalies import api as anomalies_api
from anju.api import views
from anju.appraisals import api as aapi
from anju.archives import api as archives_api
from anju.cases import api as cases_api
from anju.dashboard import api as dashboard_api
from anju.dynamic import api as dynamic_api
from anju.eligibility import api as eapi
from anju.households.api import (
    HistoryImportViewSet,
    HouseholdViewSet,
    HouseViewSet,
    ListImportViewSet,
    RenovationHistoryViewSet,
)
from anju.inspections import api as iapi
from anju.ledgers import api as ledgers_api
from anju.photochecks import api as photochecks_api
from anju.reporting import api as reporting_api
from anju.subsidies import api as subsidies_api
from anju.supervision import api as supervision_api
from anju.tasks import api as tasks_api
from anju.township import api as township_api

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("users", views.UserViewSet, basename="user")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")
router.register("jobs", views.JobViewSet, basename="job")
router.register("households", HouseholdViewSet, basename="household")
router.register("houses", HouseViewSet, basename="house")
router.register("list-imports", ListImportViewSet, basename="listimport")
router.register("history-imports", HistoryImportViewSet, basename="historyimport")
router.register("history-records", RenovationHistoryViewSet, basename="renovationhistory")
router.register("campaigns", iapi.CampaignViewSet, basename="campaign")
router.register("inspections", iapi.InspectionViewSet, basename="inspection")
router.register("referrals", iapi.ReferralViewSet, basename="referral")
router.register("emergency-events", iapi.EmergencyEventViewSet, basename="emergencyevent")
router.register("emergency-tasks", iapi.EmergencyTaskViewSet, basename="emergencytask")
router.register("control-measures", iapi.ControlMeasureViewSet, basename="controlmeasure")
router.register("housing-checks", iapi.HousingCheckViewSet, basename="housingcheck")
router.register("village-lists", iapi.VillageListViewSet, basename="villagelist")
router.register("follow-ups", iapi.FollowUpViewSet, basename="followup")
router.register("appraisals", aapi.AppraisalViewSet, basename="appraisal")
router.register("appraisal-templates", aapi.AppraisalTemplateViewSet, basename="appraisaltemplate")
router.register("eligibility-decisions", eapi.DecisionViewSet, basename="eligibilitydecision")
router.register("circumstances", eapi.CircumstanceViewSet, basename="circumstance")
router.register("rule-sets", eapi.RuleSetViewSet, basename="ruleset")
for module in (
    accounts_api,
    cases_api,
    acceptance_api,
    subsidies_api,
    archives_api,
    tasks_api,
    supervision_api,
    reporting_api,
    ledgers_api,
    dashboard_api,
    photochecks_api,
    anomalies_api,
    township_api,
    dynamic_api,
):
    module.register(router)

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("me/", views.me, name="me"),
    path("auth/token/", accounts_api.TokenIssueView.as_view(), name="token"),
    path("auth/logout/", accounts_api.TokenLogoutView.as_view(), name="token_logout"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's script as a file: the CSP refuses inline script (issue 21).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
