"""Who may act on a photo flag: the one table (ADR 0025, 0033). Only explaining exists — a flag is
never deleted. A township or county officer of the photo's region explains it, once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, Refusal, acts_for, raise_refusal
from anju.photochecks.models import PhotoFlag

EXPLAIN = "explain"
ACT_LABELS = {EXPLAIN: "说明"}
EXPLAIN_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)


def act_refusal(flag: PhotoFlag, user: Any, kind: str) -> Refusal:
    if kind not in ACT_LABELS:
        return PermissionDenied("没有这个办理事项。")
    if not getattr(user, "is_authenticated", False) or not in_scope(user, flag.region_code):
        return PermissionDenied("照片核验提示不存在或不在您的管辖范围内。")
    if not user.is_superuser and not user.has_role(*EXPLAIN_ROLES):
        return PermissionDenied("照片核验提示须由乡镇建环办或区/县住建局说明。")
    if flag.is_explained:
        return ValidationError(f"该提示已于 {flag.explained_at:%Y-%m-%d} 说明，说明不能修改。")
    return None


def available_acts(flag: PhotoFlag, user: Any) -> list[Act]:
    return acts_for(ACT_LABELS, lambda kind: act_refusal(flag, user, kind), ACT_LABELS.__getitem__)


def ensure_act(flag: PhotoFlag, user: Any, kind: str) -> None:
    raise_refusal(act_refusal(flag, user, kind))
