"""Reads of the appraisal pages."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from anju.appraisals.models import Appraisal, AppraisalTemplate
from anju.appraisals.services import ensure_national_template
from anju.kit.versioning import ConfigQuerySet


def appraisal_list(user: Any, filters: dict[str, Any]) -> QuerySet[Appraisal]:
    qs = Appraisal.objects.visible_to(user).select_related("house", "household", "recorded_by")
    if filters.get("q"):
        qs = qs.filter(household__head_name__contains=filters["q"].strip())
    if filters.get("grade"):
        qs = qs.filter(final_grade=filters["grade"])
    if filters.get("overridden"):
        qs = qs.exclude(final_grade=F("computed_grade"))
    if filters.get("outside_guideline"):
        qs = qs.filter(outside_guideline=True)
    if filters.get("date_from"):
        qs = qs.filter(appraised_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(appraised_on__lte=filters["date_to"])
    return qs


def templates_visible(user: Any) -> ConfigQuerySet:
    ensure_national_template()
    return AppraisalTemplate.objects.visible_to(user).select_related("based_on", "created_by")


def last_appraiser_details(user: Any) -> dict[str, str]:
    """Prefill the appraiser's name, organisation and certificate from their last appraisal."""
    last = Appraisal.objects.filter(recorded_by=user).order_by("-pk").first()
    if last is None:
        return {"appraiser_name": user.display_name()}
    return {
        "appraiser_name": last.appraiser_name,
        "appraiser_org": last.appraiser_org,
        "certificate_no": last.certificate_no,
    }
