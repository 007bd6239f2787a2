from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from anju.api import views
from anju.households.api import HouseholdViewSet, HouseViewSet, ListImportViewSet

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("users", views.UserViewSet, basename="user")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")
router.register("jobs", views.JobViewSet, basename="job")
router.register("households", HouseholdViewSet, basename="household")
router.register("houses", HouseViewSet, basename="house")
router.register("list-imports", ListImportViewSet, basename="listimport")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("me/", views.me, name="me"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
