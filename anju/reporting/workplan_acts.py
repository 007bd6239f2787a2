"""Who may do what to a county's annual work plan, now: the one table (ADR 0025, 0037).

The county's own 区/县住建局 drafts, edits, puts in force and discards its plan (``OWNER_ROLE``);
everyone who sees the plan may read and print it. ``draft`` is on the county (a new version for
a year); edit, activate and discard only on a draft."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.kit.versioning import ConfigStatus
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.reporting.models import WorkPlan

OWNER_ROLE = Role.COUNTY_OFFICER


class WorkPlanAct(models.TextChoices):
    DRAFT = "draft", "新建版本"
    EDIT = "edit", "编辑"
    ACTIVATE = "activate", "印发生效"
    DISCARD = "discard", "删除草稿"


PAGE_ACTS = (WorkPlanAct.EDIT, WorkPlanAct.ACTIVATE, WorkPlanAct.DISCARD)


def _who(user: Any, county: Region) -> str:
    if county.level != RegionLevel.COUNTY:
        return "年度工作方案由县（区）编制。"
    below = user.region is not None and user.region.code.startswith(county.prefix)
    if not (in_scope(user, county.code) or below):  # a township reads its county's plan
        return "该县（区）不在您的管辖范围内。"
    if user.is_superuser:
        return ""
    if not (user.has_role(OWNER_ROLE) and user.region and user.region.code == county.code):
        return f"{county.name}的年度工作方案由本级{Role(OWNER_ROLE).label}编制和印发。"
    return ""


def _refusal(obj: WorkPlan | Region, user: Any, kind: str) -> Exception | None:
    if isinstance(obj, Region):
        if kind != WorkPlanAct.DRAFT:
            raise ValueError(f"act {kind} is on a plan, not a county")
        who = _who(user, obj)
        return PermissionDenied(who) if who else None
    who = _who(user, obj.region)
    if who:
        return PermissionDenied(who)
    if obj.status != ConfigStatus.DRAFT:
        return ValidationError(f"{obj}已{obj.get_status_display()}，不能再改；请新建版本。")
    return None


def act_refusal(obj: WorkPlan | Region, user: Any, kind: str) -> str:
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: WorkPlan | Region, user: Any, kind: str) -> None:
    raise_refusal(_refusal(obj, user, kind))


def available_acts(plan: WorkPlan, user: Any) -> list[Act]:
    return acts_for(PAGE_ACTS, lambda kind: _refusal(plan, user, kind), lambda kind: str(WorkPlanAct(kind).label))
