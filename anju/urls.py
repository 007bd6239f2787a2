from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from anju.jobs.views import metrics, readyz

urlpatterns = [
    path("", include("anju.home.urls")),
    path("", include("anju.core.urls")),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include("anju.accounts.urls")),
    path("regions/", include("anju.regions.urls")),
    path("audit/", include("anju.audit.urls")),
    path("jobs/", include("anju.jobs.urls")),
    path("households/", include("anju.households.urls")),
    path("inspections/", include("anju.inspections.urls")),
    path("appraisals/", include("anju.appraisals.urls")),
    path("eligibility/", include("anju.eligibility.urls")),
    path("cases/", include("anju.cases.urls")),
    path("photo-checks/", include("anju.photochecks.urls")),
    path("acceptance/", include("anju.acceptance.urls")),
    path("subsidies/", include("anju.subsidies.urls")),
    path("archives/", include("anju.archives.urls")),
    path("tasks/", include("anju.tasks.urls")),
    path("supervision/", include("anju.supervision.urls")),
    path("", include("anju.dynamic.urls")),  # /self-repair/, /hardship/ (issue 18)
    path("anomalies/", include("anju.anomalies.urls")),
    path("township/", include("anju.township.urls")),
    path("reporting/", include("anju.reporting.urls")),
    path("ledgers/", include("anju.ledgers.urls")),
    path("dashboard/", include("anju.dashboard.urls")),
    path("api/", include("anju.api.urls")),
    path("field/", include("anju.field.urls")),
    *([path("django-admin/", admin.site.urls)] if settings.ANJU_ADMIN else []),
]
