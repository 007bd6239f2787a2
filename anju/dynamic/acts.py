"""Who may act on general households' routes and sudden-hardship families, now: the one table
(ADR 0025). ``ACT_ROLES`` says who, ``ACT_STAGES`` from which stage an act on a route starts; the
region is the user's subtree. ``act_refusal`` gives the Chinese reason or "", ``ensure_act`` is
every service's first line, ``available_acts`` what the route page offers and the API lists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.dynamic.choices import DutyAct, RouteStage
from anju.dynamic.models import Hardship, HousingRoute
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.regions.models import Region

FIELD = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
ACT_ROLES: dict[str, tuple[str, ...]] = {
    DutyAct.ROUTE_OPEN: FIELD,
    DutyAct.REMIND: (*FIELD, Role.VILLAGE_HEAD),
    DutyAct.COMPLETE: FIELD,
    # 核验销号 is the township's (the Luming notice: 乡镇 verifies, 村 urges).
    DutyAct.CLOSE: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    DutyAct.REGISTER: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    DutyAct.RELIEF: FIELD,
}
ROLE_WORDS: dict[str, str] = {
    DutyAct.ROUTE_OPEN: "只有村信息员、乡镇建环办或区/县住建局才能确定一般户的保障途径。",
    DutyAct.REMIND: "只有村、乡镇或区/县住建部门才能督促提醒。",
    DutyAct.COMPLETE: "只有村信息员、乡镇建环办或区/县住建局才能登记完成情况。",
    DutyAct.CLOSE: "只有乡镇建环办或区/县住建局才能核验销号。",
    DutyAct.REGISTER: "只有乡镇建环办或区/县住建局才能登记突发严重困难户。",
    DutyAct.RELIEF: "只有村信息员、乡镇建环办或区/县住建局才能登记应急救助措施。",
}
ACT_STAGES: dict[str, tuple[str, ...]] = {
    DutyAct.REMIND: (RouteStage.OPEN,),
    DutyAct.COMPLETE: (RouteStage.OPEN,),
    DutyAct.CLOSE: (RouteStage.DONE,),
}
STAGE_WORDS: dict[tuple[str, str], str] = {
    (DutyAct.REMIND, RouteStage.DONE): "已登记完成，等待乡镇核验，无需再督促。",
    (DutyAct.COMPLETE, RouteStage.DONE): "已登记完成，等待乡镇核验。",
    (DutyAct.CLOSE, RouteStage.OPEN): "尚未登记完成，不能核验销号。",
}
ROUTE_ACTS = (DutyAct.REMIND, DutyAct.COMPLETE, DutyAct.CLOSE)

Target = Region | HousingRoute | Hardship | None


def _region_code(obj: Region | HousingRoute | Hardship) -> str:
    return obj.code if isinstance(obj, Region) else obj.region_code


def _refusal(obj: Target, user: Any, kind: str) -> Exception | None:
    if not user.is_superuser and not user.has_role(*ACT_ROLES[kind]):
        return PermissionDenied(ROLE_WORDS[kind])
    if obj is None:
        return None
    if not in_scope(user, _region_code(obj)):
        return PermissionDenied("该农户不在您的管辖范围内。")
    if isinstance(obj, HousingRoute) and kind in ACT_STAGES and obj.stage not in ACT_STAGES[kind]:
        return ValidationError(STAGE_WORDS.get((kind, obj.stage), "该保障途径已核验销号。"))
    return None


def act_refusal(obj: Target, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` to ``obj`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: Target, user: Any, kind: str) -> None:
    raise_refusal(_refusal(obj, user, kind))


def available_acts(obj: HousingRoute, user: Any) -> list[Act]:
    return acts_for(ROUTE_ACTS, lambda kind: _refusal(obj, user, kind), lambda kind: str(DutyAct(kind).label))
