"""Who may do what with anomaly findings, now: the one table (ADR 0032, on ``anju.kit.acts``).

- RUN (运行异常核查): the county office, or a city or province office, over a region in its
  subtree at county level or above (a township's run would close the county's findings of the
  other townships, so a run covers a whole county or more).
- EXPLAIN (说明情况): the county office or the township office of the finding's region, while the
  finding is open. An explained or fixed finding takes no further explanation.

``act_refusal(obj, user, kind)`` answers for a region (RUN; None asks only about the role) or a
finding (EXPLAIN). The services assert it first, the board and the finding page offer exactly the
open acts, and the API lists them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anju.anomalies.choices import FindingStatus
from anju.anomalies.models import Finding
from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


class AnomalyAct(models.TextChoices):
    RUN = "run", "运行异常核查"
    EXPLAIN = "explain", "说明情况"


ACT_ROLES: dict[str, tuple[str, ...]] = {
    AnomalyAct.RUN: (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
    AnomalyAct.EXPLAIN: (Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER),
}
ROLE_WORDS: dict[str, str] = {
    AnomalyAct.RUN: "只有区/县级及以上住建部门才能运行异常核查。",
    AnomalyAct.EXPLAIN: "只有区/县住建局或乡镇建环办才能说明异常情况。",
}
STATUS_WORDS: dict[str, str] = {
    FindingStatus.EXPLAINED: "该异常已说明过情况。",
    FindingStatus.FIXED: "该异常已纠正（重新核查时已不存在），无需说明。",
}
# The board's acts (about the user's own region) and a finding's.
FINDING_ACTS = (AnomalyAct.EXPLAIN,)

Target = Region | Finding | None


def _refusal(obj: Target, user: Any, kind: str) -> Exception | None:
    if not user.is_superuser and not user.has_role(*ACT_ROLES[kind]):
        return PermissionDenied(ROLE_WORDS[kind])
    if isinstance(obj, Region):
        if not in_scope(user, obj.code):
            return PermissionDenied("该地区不在您的管辖范围内。")
        if obj.level > RegionLevel.COUNTY:
            return ValidationError("异常核查按区/县（或更大范围）运行，请选择区/县。")
    if isinstance(obj, Finding):
        if not in_scope(user, obj.region_code):
            return PermissionDenied("该异常不在您的管辖范围内。")
        if obj.status != FindingStatus.OPEN:
            return ValidationError(STATUS_WORDS[obj.status])
    return None


def act_refusal(obj: Target, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` to ``obj`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: Target, user: Any, kind: str) -> None:
    """The services' first check."""
    raise_refusal(_refusal(obj, user, kind))


def available_acts(obj: Finding, user: Any) -> list[Act]:
    """Every act a finding's page may offer, each open or with why it is not."""
    return acts_for(FINDING_ACTS, lambda kind: _refusal(obj, user, kind), lambda kind: str(AnomalyAct(kind).label))
