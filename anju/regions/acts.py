"""Who may do what to a division, now: the one table for the regions app (ADR 0025, 0028).

``IMPORT_BOUNDARIES``: a county's boundary file is imported by that county's own 住建局 officer
or a system administrator whose region contains the county (a superuser anywhere), and only on a
county: the file covers one county, township and village outlines included. The service asserts
it first (``raise_refusal``); the region page and the map offer the upload exactly when
``region_acts`` says it is open."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.roles import Role
from anju.kit.acts import Act, Refusal, acts_for
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

IMPORT_BOUNDARIES = "import_boundaries"
LABELS = {IMPORT_BOUNDARIES: "导入边界文件"}
BOUNDARY_ROLES = (Role.COUNTY_OFFICER, Role.ADMIN)


def act_refusal(region: Region, user: Any, kind: str) -> Refusal:
    """Why ``user`` may not do ``kind`` on ``region`` now, or None when the act is open."""
    if kind != IMPORT_BOUNDARIES:
        raise ValueError(kind)
    if region.level != RegionLevel.COUNTY:
        return ValidationError("边界文件按区/县导入：请在区/县的页面上传。")
    if user.is_superuser:
        return None
    own = getattr(user, "region", None)
    if own is None or not region.is_within(own) or not user.has_role(*BOUNDARY_ROLES):
        return PermissionDenied(f"只有{region.name}的区/县住建局人员或系统管理员可以导入它的边界文件。")
    return None


def region_acts(region: Region, user: Any) -> list[Act]:
    """Every act on a division, each open or with its reason."""
    return acts_for((IMPORT_BOUNDARIES,), lambda kind: act_refusal(region, user, kind), LABELS.__getitem__)


def may(region: Region, user: Any, kind: str) -> bool:
    return act_refusal(region, user, kind) is None
