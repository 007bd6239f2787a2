"""Who may do what in supervision, now: the one table (issue 16, ADR 0025).

The supervising offices (the county, and above it the city and the province) record visits in
their subtree, add findings to them and issue rectification orders (``ACT_ROLES``); the 乡镇建环办
of the township an order went to responds; the issuing office returns the response or closes the
order. ``ACT_STATUSES`` says from which status an act on an order starts (overdue is computed:
an overdue order is still 待整改 or 已反馈待复核, and may be answered and reviewed as before).

``act_refusal(obj, user, kind)`` says why ``user`` may not do ``kind`` now — role, office or
township, region, status, and for an order the findings still to order — or nothing when the
act is open. ``obj`` is the place for VISIT (a region, or None for "anywhere in my subtree"), the
visit for FINDING and ISSUE, the order for RESPOND, RETURN and CLOSE; None always asks only
whether the user's role may do it. ``available_acts`` lists a visit's or an order's acts with
their answers. The services assert it first (``ensure_act``), the visit and order pages offer
exactly the open acts, the API lists them, and ``tests/scenarios/test_who_may_act_reports.py``
walks every status × role. What the user types (dates, text, photos, which findings) is still
the service's to check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.supervision.choices import OrderStatus
from anju.supervision.models import RectificationOrder, SupervisionVisit


class SupervisionAct(models.TextChoices):
    VISIT = "visit", "录入督导检查"
    FINDING = "finding", "添加发现的问题"
    ISSUE = "issue", "下发整改通知"
    RESPOND = "respond", "反馈整改情况"
    RETURN = "return", "退回重新整改"
    CLOSE = "close", "复核销号"


# The offices that supervise: the county, and above it the city and the province.
SUPERVISE_ROLES = (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER)
RESPOND_ROLES = (Role.TOWNSHIP_OFFICER,)
ACT_ROLES: dict[str, tuple[str, ...]] = {
    SupervisionAct.VISIT: SUPERVISE_ROLES,
    SupervisionAct.FINDING: SUPERVISE_ROLES,
    SupervisionAct.ISSUE: SUPERVISE_ROLES,
    SupervisionAct.RESPOND: RESPOND_ROLES,  # of the order's township
    SupervisionAct.RETURN: SUPERVISE_ROLES,  # of the issuing office
    SupervisionAct.CLOSE: SUPERVISE_ROLES,  # of the issuing office
}
ROLE_WORDS: dict[str, str] = {
    SupervisionAct.VISIT: "只有区/县、市、省住建部门才能录入督导检查。",
    SupervisionAct.FINDING: "只有区/县、市、省住建部门才能录入督导发现的问题。",
    SupervisionAct.ISSUE: "只有区/县级及以上住建部门才能下发整改通知。",
    SupervisionAct.RESPOND: "只有被通知乡镇的乡镇建环办才能反馈整改情况。",
}
SCOPE_WORDS: dict[str, str] = {
    SupervisionAct.VISIT: "该地区不在您的管辖范围内。",
    SupervisionAct.FINDING: "该督导检查不在您的管辖范围内。",
    SupervisionAct.ISSUE: "所选问题不在您的管辖范围内。",
}
VISIT_ACTS = (SupervisionAct.FINDING, SupervisionAct.ISSUE)
ORDER_ACTS = (SupervisionAct.RESPOND, SupervisionAct.CLOSE, SupervisionAct.RETURN)
ACT_STATUSES: dict[str, tuple[str, ...]] = {
    SupervisionAct.RESPOND: (OrderStatus.ISSUED,),
    SupervisionAct.RETURN: (OrderStatus.RESPONDED,),
    SupervisionAct.CLOSE: (OrderStatus.RESPONDED,),
}
STATUS_WORDS: dict[tuple[str, str], str] = {
    (SupervisionAct.RESPOND, OrderStatus.RESPONDED): "整改情况已反馈，正在等待下发单位复核。",
    (SupervisionAct.RETURN, OrderStatus.ISSUED): "乡镇尚未反馈整改情况，不能复核。",
    (SupervisionAct.CLOSE, OrderStatus.ISSUED): "乡镇尚未反馈整改情况，不能复核。",
}

Target = Region | SupervisionVisit | RectificationOrder | None


def supervises(user: Any) -> bool:
    """Whether the user's office supervises (county level or above, or a superuser)."""
    if user.is_superuser:
        return True
    region = getattr(user, "region", None)
    return bool(user.has_role(*SUPERVISE_ROLES) and region is not None and region.level <= RegionLevel.COUNTY)


def _who(obj: Target, user: Any, kind: str) -> str:
    """The role's answer: the office (and, on an order, which office or township) may act."""
    if user.is_superuser:
        return ""
    if kind == SupervisionAct.RESPOND:
        township_id = obj.township_id if isinstance(obj, RectificationOrder) else None
        mine = obj is None or user.region_id == township_id
        return "" if user.has_role(*RESPOND_ROLES) and mine else ROLE_WORDS[kind]
    if kind in (SupervisionAct.RETURN, SupervisionAct.CLOSE):
        if isinstance(obj, RectificationOrder) and not (supervises(user) and user.region_id == obj.office_id):
            return f"只有下发单位（{obj.office_name}）才能复核整改情况。"
        return "" if supervises(user) else "只有区/县级及以上住建部门才能复核整改情况。"
    return "" if supervises(user) else ROLE_WORDS[kind]


def _region_code(obj: Region | SupervisionVisit | RectificationOrder) -> str:
    return obj.code if isinstance(obj, Region) else obj.region_code


def _refusal(obj: Target, user: Any, kind: str) -> Exception | None:
    who = _who(obj, user, kind)
    if who:
        return PermissionDenied(who)
    if obj is None:
        return None
    if not in_scope(user, _region_code(obj)):
        return PermissionDenied(SCOPE_WORDS.get(kind, "该整改通知不在您的管辖范围内。"))
    if isinstance(obj, RectificationOrder) and obj.status not in ACT_STATUSES[kind]:
        return ValidationError(STATUS_WORDS.get((kind, obj.status), "该整改通知已销号。"))
    unordered = isinstance(obj, SupervisionVisit) and obj.findings.filter(order__isnull=True).exists()
    if kind == SupervisionAct.ISSUE and not unordered:
        return ValidationError(
            "本次督导没有尚未下发整改的问题（已下发过整改通知的问题不能再次下发）；请先添加发现的问题。"
        )
    return None


def act_refusal(obj: Target, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` to ``obj`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: Target, user: Any, kind: str) -> None:
    """The services' first check: refuse with the table's reason (PermissionDenied for who,
    ValidationError for when)."""
    raise_refusal(_refusal(obj, user, kind))


def available_acts(obj: SupervisionVisit | RectificationOrder, user: Any) -> list[Act]:
    """Every act the visit's or the order's page may offer, each open or with why it is not."""
    kinds = ORDER_ACTS if isinstance(obj, RectificationOrder) else VISIT_ACTS
    return acts_for(kinds, lambda kind: _refusal(obj, user, kind), lambda kind: str(SupervisionAct(kind).label))
