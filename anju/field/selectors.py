"""What an officer downloads to work offline (ADR 0038): the chosen villages' houses with their
current state, which of them the current campaign still has to reach, the open cases with what
the officer may record on them (a patrol, 开工, 竣工, an acceptance, an archive photo) and the
archive's gaps."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from anju.acceptance.services import acceptance_check_allowed, checklist
from anju.accounts.models import User
from anju.archives.permissions import UPLOAD_ROLES
from anju.archives.selectors import missing_documents
from anju.cases.acts import act_refusal
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.core.divisions import RegionLevel
from anju.households.models import House
from anju.inspections.acts import recording_refusal
from anju.inspections.models import Campaign, HazardItem
from anju.inspections.selectors import campaign_households
from anju.photochecks.models import PhotoFlag
from anju.regions.models import Region

# A phone holds a few villages' work, not a township's: each download names its villages.
MAX_VILLAGES = 5
OPEN_STAGES_EXCLUDED = (Stage.CLOSED, Stage.ENDED)


def village_options(*, viewer: User) -> QuerySet[Region]:
    """The villages the officer may download, in tree order."""
    return Region.objects.visible_to(viewer).filter(level=RegionLevel.VILLAGE).order_by("code")


def _to_visit(village: Region, viewer: User) -> tuple[Campaign | None, set[int]]:
    """The village's current campaign and the households it has still to reach (以人找房)."""
    campaign = (
        Campaign.objects.visible_to(viewer)
        .filter(villages=village, starts_on__lte=timezone.localdate())
        .order_by("-year", "-starts_on")
        .first()
    )
    if campaign is None:
        return None, set()
    pending = campaign_households(campaign, viewer).filter(region=village, covered=False)  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households
    return campaign, set(pending.values_list("pk", flat=True))


def _house_row(house: House, to_visit: set[int]) -> dict[str, Any]:
    return {
        "id": house.pk,
        "village": house.region_code,
        "head": house.household.head_name,
        "group": house.group_name,
        "address": house.address or house.get_structure_display(),
        "grade": house.current_grade,
        "grade_label": house.get_current_grade_display() if house.current_grade else "未评定",
        "occupied": house.is_occupied,
        "last_inspected": timezone.localdate(house.last_inspected_at).isoformat() if house.last_inspected_at else "",
        "to_visit": house.household_id in to_visit,
        # 以房找人 is offered only for a family in no key group (the service refuses the others).
        "may_refer": not house.household.primary_group,
    }


def _open_flags(viewer: User, case_ids: list[int]) -> dict[int, list[str]]:
    """Each case's photo flags nobody has explained yet (ADR 0033), to look at on the spot."""
    flags: dict[int, list[str]] = {}
    rows = (
        PhotoFlag.objects.visible_to(viewer)
        .filter(check_record__case_id__in=case_ids, explained_at__isnull=True)
        .order_by("pk")
    )
    for flag in rows.select_related("check_record"):
        flags.setdefault(flag.check_record.case_id or 0, []).append(f"{flag.get_kind_display()}：{flag.detail}")
    return flags


def _acceptance(case: RenovationCase, viewer: User) -> dict[str, Any] | None:
    """The acceptance checklist of a case awaiting it, when this user may record it."""
    if case.stage != Stage.COMPLETED:
        return None
    try:
        acceptance_check_allowed(acting_user=viewer, case=case, version=case.version)
    except (PermissionDenied, ValidationError):
        return None
    return {"items": checklist(case), "builder": case.builder_name, "completed_on": str(case.completed_on or "")}


def _case_row(case: RenovationCase, viewer: User, flags: list[str]) -> dict[str, Any]:
    may_upload = viewer.is_superuser or viewer.has_role(*UPLOAD_ROLES)
    return {
        "id": case.pk,
        "village": case.region_code,
        "head": case.household.head_name,
        "address": case.house.address if case.house else "",
        "house": case.house_id,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "version": case.version,
        "patrol": act_refusal(case, viewer, StepKind.PATROL) or "open",
        # Waiting for 开工 (agreement signed) or 竣工 (under way), and this user may record it.
        "start": case.stage == Stage.AGREEMENT_SIGNED and not act_refusal(case, viewer, StepKind.START),
        "complete": case.stage == Stage.UNDER_WAY and not act_refusal(case, viewer, StepKind.COMPLETE),
        "planned_area": str(case.planned_area or ""),
        "awaiting_acceptance": case.stage in (Stage.COMPLETED, Stage.RECTIFYING),
        "archive_gaps": [{"code": s["code"], "name": s["name"]} for s in missing_documents(case)] if may_upload else [],
        "photo_flags": flags,
        "acceptance": _acceptance(case, viewer),
    }


def work_list(*, viewer: User, villages: list[Region]) -> dict[str, Any]:
    """My work for ``villages`` (already checked to be the viewer's), as the phone keeps it."""
    codes = [v.code for v in villages]
    to_visit: set[int] = set()
    campaigns: dict[str, str] = {}
    for village in villages:
        campaign, pending = _to_visit(village, viewer)
        to_visit |= pending
        campaigns[village.code] = str(campaign) if campaign else ""
    houses = (
        House.objects.visible_to(viewer)
        .filter(region_code__in=codes)
        .select_related("household")
        .order_by("region_code", "group_name", "household__head_name", "pk")
    )
    cases = list(
        RenovationCase.objects.visible_to(viewer)
        .filter(region_code__in=codes)
        .exclude(stage__in=OPEN_STAGES_EXCLUDED)
        .select_related("household", "house", "policy")
        .order_by("region_code", "pk")
    )
    flags = _open_flags(viewer, [c.pk for c in cases])
    return {
        "downloaded_at": timezone.now().isoformat(),
        "user": viewer.username,
        "villages": [{"code": v.code, "name": v.name, "campaign": campaigns[v.code]} for v in villages],
        "may_inspect": recording_refusal(viewer, None) or "open",
        "hazards": [
            {"code": h.code, "label": h.label, "part": h.get_part_display()}
            for h in HazardItem.objects.filter(is_active=True).order_by("order", "code")
        ],
        "houses": [_house_row(h, to_visit) for h in houses],
        "cases": [_case_row(c, viewer, flags.get(c.pk, [])) for c in cases],
    }
