"""Reads of the appraisal pages."""

from __future__ import annotations

from typing import Any

from anju.appraisals.filters import AppraisalFilter
from anju.appraisals.models import Appraisal, AppraisalTemplate
from anju.appraisals.services import ensure_national_template
from anju.core.actors import Viewer
from anju.kit.versioning import ConfigQuerySet


def appraisal_list(user: Viewer, params: Any) -> AppraisalFilter:
    """Appraisals the user may see, narrowed by ``AppraisalFilter`` (page and API alike)."""
    queryset = Appraisal.objects.visible_to(user).select_related("house", "household", "recorded_by")
    return AppraisalFilter(params, queryset=queryset)


def templates_visible(user: Viewer) -> ConfigQuerySet:
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
