"""Who may do what to a case, now: the one table (issue 16, ADR 0025).

``act_refusal(case, user, kind)`` says why ``user`` may not do ``kind`` to ``case`` at this
moment — role, region, stage, and the act's standing preconditions (works started: only the
county ends a case; money paid: nobody does; 竣工 needs a patrol; 销号 needs nothing missing) —
or nothing when the act is open. ``available_acts`` lists every act with its answer. The
services assert it before anything else (``ensure_act``), the case page offers exactly the open
acts, the API lists them, and a test walks every stage × role. What the user types (dates after
the previous step, notices that have run, fields) is still the service's to check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q

from anju.cases import extensions
from anju.cases.choices import OPEN_STAGES, WORKS_STAGES, Stage, StepKind
from anju.cases.models import CasePatrol, RenovationCase
from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text

# Who may do each act (a superuser may do all). Village roles work in their village; township
# and county officers in their subtree (region scoping does the rest).
STEP_ROLES: dict[str, tuple[str, ...]] = {
    StepKind.OPEN: (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.APPLY: (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER),
    StepKind.VILLAGE_REVIEW: (Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER),
    StepKind.TOWNSHIP_REVIEW: (Role.TOWNSHIP_OFFICER,),
    StepKind.COUNTY_APPROVE: (Role.COUNTY_OFFICER,),
    StepKind.FILE: (Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER),
    StepKind.SIGN_AGREEMENT: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.START: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.PATROL: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.COMPLETE: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.ACCEPT: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.FAIL: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.RECTIFIED: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.CLOSE: (Role.COUNTY_OFFICER,),
    StepKind.END: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
    StepKind.DETAILS: (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
}

# The stages an act starts from (acts that move the case also say where it goes, in services).
ACT_STAGES: dict[str, tuple[str, ...]] = {
    StepKind.APPLY: (Stage.FOUND,),
    StepKind.VILLAGE_REVIEW: (Stage.APPLIED,),
    StepKind.TOWNSHIP_REVIEW: (Stage.VILLAGE_REVIEWED,),
    StepKind.COUNTY_APPROVE: (Stage.TOWNSHIP_REVIEWED,),
    StepKind.FILE: (Stage.APPROVED,),
    StepKind.SIGN_AGREEMENT: (Stage.FILED,),
    StepKind.START: (Stage.AGREEMENT_SIGNED,),
    StepKind.COMPLETE: (Stage.UNDER_WAY,),
    StepKind.ACCEPT: (Stage.COMPLETED,),
    StepKind.FAIL: (Stage.COMPLETED,),
    StepKind.RECTIFIED: (Stage.RECTIFYING,),
    StepKind.CLOSE: (Stage.ACCEPTED,),
    StepKind.END: tuple(s for s in OPEN_STAGES if s != Stage.ACCEPTED),
    StepKind.PATROL: (Stage.UNDER_WAY, Stage.RECTIFYING),
    StepKind.DETAILS: (Stage.AGREEMENT_SIGNED, Stage.UNDER_WAY),
}
STAGE_WORDS: dict[str, str] = {
    StepKind.PATROL: "只有施工期间和整改期间才记录质量巡查。",
    StepKind.DETAILS: "只有签订协议后、竣工前可以修改改造信息。",
}
# The acts a case page may offer (opening is the household's, acceptance the acceptance app's).
PAGE_ACTS = tuple(k for k in ACT_STAGES if k not in (StepKind.ACCEPT, StepKind.FAIL, StepKind.RECTIFIED))


def _refusal(case: RenovationCase, user: Any, kind: str) -> Exception | None:
    label = StepKind(kind).label
    if not (user.is_superuser or user.has_role(*STEP_ROLES[kind])):
        return PermissionDenied(f"「{label}」须由{'、'.join(Role(r).label for r in STEP_ROLES[kind])}办理。")
    if not in_scope(user, case.region_code):
        return PermissionDenied("该案件不在您的管辖范围内。")
    if kind in ACT_STAGES and case.stage not in ACT_STAGES[kind]:
        return ValidationError(
            f"案件当前为「{case.get_stage_display()}」，" + STAGE_WORDS.get(kind, f"不能办理「{label}」。")
        )
    if kind == StepKind.END:
        if case.stage in WORKS_STAGES and not (user.is_superuser or user.has_role(Role.COUNTY_OFFICER)):
            return PermissionDenied("已开工的案件只能由区/县住建局终止。")
        if extensions.paid_total(case) > 0:
            return ValidationError("该案件已拨付补助资金，不能终止；请先按规定收回资金并登记。")
    if kind == StepKind.COMPLETE and not case.patrols.exists():
        return ValidationError("施工期间还没有质量巡查记录；请先记录至少一次带照片的巡查。")
    if kind == StepKind.CLOSE:
        blockers = extensions.close_blockers(case)
        if blockers:
            return ValidationError([f"不能销号：{blockers[0]}", *blockers[1:]])
    return None


# The standing preconditions of ``_refusal`` as a filter over many cases, for counting them at
# once (the home queues): an act not named here has none beyond role, scope and stage, or (销号,
# 终止) needs the other apps' answers and is checked case by case. Kept beside ``_refusal`` so
# the two change together; ``tests/scenarios/test_who_may_act.py`` checks they agree.
def bulk_precondition(kind: str) -> Q | None:
    if kind == StepKind.COMPLETE:  # 竣工 needs a patrol
        return Q(Exists(CasePatrol.objects.filter(case=OuterRef("pk"))))
    return None


CASE_BY_CASE: frozenset[str] = frozenset({StepKind.CLOSE, StepKind.END})


def act_refusal(case: RenovationCase, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` to ``case`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(case, user, kind))


def ensure_act(case: RenovationCase, user: Any, kind: str) -> None:
    """The services' first check: refuse with the table's reason (PermissionDenied for who,
    ValidationError for when)."""
    raise_refusal(_refusal(case, user, kind))


def available_acts(case: RenovationCase, user: Any) -> list[Act]:
    """Every act a case page may offer, each open or with the reason it is not."""
    return acts_for(PAGE_ACTS, lambda kind: _refusal(case, user, kind), lambda kind: str(StepKind(kind).label))
