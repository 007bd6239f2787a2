"""Reads of renovation cases for the pages, the API and the other apps: always from
``RenovationCase.objects.visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from anju.cases import policy as pol
from anju.cases.choices import Stage, StepKind
from anju.cases.filters import CaseFilter
from anju.cases.models import CasePatrol, CasePolicy, CaseStep, RenovationCase
from anju.cases.services import can_act, ensure_national_policy
from anju.core.actors import Viewer
from anju.kit.versioning import ConfigQuerySet

# What the case waits for at each stage, and which act moves it on.
NEXT_ACT: dict[str, str] = {
    Stage.FOUND: StepKind.APPLY,
    Stage.APPLIED: StepKind.VILLAGE_REVIEW,
    Stage.VILLAGE_REVIEWED: StepKind.TOWNSHIP_REVIEW,
    Stage.TOWNSHIP_REVIEWED: StepKind.COUNTY_APPROVE,
    Stage.APPROVED: StepKind.FILE,
    Stage.FILED: StepKind.SIGN_AGREEMENT,
    Stage.AGREEMENT_SIGNED: StepKind.START,
    Stage.UNDER_WAY: StepKind.COMPLETE,
    Stage.ACCEPTED: StepKind.CLOSE,
}


def case_list(user: Viewer, params: Any) -> CaseFilter:
    """The case list the user may see, narrowed by ``CaseFilter`` (page, API and export alike)."""
    return CaseFilter(params, queryset=RenovationCase.objects.visible_to(user).select_related("household", "region"))


def stage_counts(user: Viewer) -> list[tuple[str, str, int]]:
    counts = dict(
        RenovationCase.objects.visible_to(user).values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in Stage.choices]


def case_steps(case: RenovationCase) -> QuerySet[CaseStep]:
    return case.steps.select_related("actor").prefetch_related("photos").order_by("on", "at", "pk")


def case_patrols(case: RenovationCase) -> QuerySet[CasePatrol]:
    return case.patrols.select_related("inspector").prefetch_related("photos")


def next_step_hint(case: RenovationCase) -> str:
    """What the case is waiting for, in the words of the person who must act."""
    policy = case.policy.content
    today = timezone.localdate()
    last_notice = case.steps.filter(notice_until__isnull=False).order_by("-on", "-pk").first()
    notice = ""
    if last_notice and last_notice.notice_until and last_notice.notice_until >= today:
        notice = f"公示至 {last_notice.notice_until:%Y-%m-%d}（还剩 {(last_notice.notice_until - today).days + 1} 天），期满后"
    elif last_notice and last_notice.notice_until:
        notice = f"公示已于 {last_notice.notice_until:%Y-%m-%d} 期满，"
    hints: dict[str, str] = {
        Stage.FOUND: "待登记农户书面申请（村信息员或乡镇）。",
        Stage.APPLIED: f"待村民代表评议，评议结果在村内公示 {policy['notice_days']['village']} 天（村主要负责人）。",
        Stage.VILLAGE_REVIEWED: f"村级{notice}由乡镇审核并公示 {policy['notice_days']['township']} 天。",
        Stage.TOWNSHIP_REVIEWED: f"乡镇{notice}由区/县住建局审批并公示 {policy['notice_days']['county']} 天。",
        Stage.APPROVED: f"县级{notice}确认建档并编档案号。",
        Stage.FILED: "待签订改造协议（改造方式、施工方、计划面积）。",
        Stage.AGREEMENT_SIGNED: "待开工。",
        Stage.UNDER_WAY: "施工中：乡镇或区/县记录质量巡查（须带照片），竣工后登记竣工。",
        Stage.COMPLETED: "待组织竣工验收。",
        Stage.RECTIFYING: "验收未通过，整改中；整改完成后申请复验。",
        Stage.ACCEPTED: "待补助资金拨付完毕、档案齐全并经民政和乡村振兴部门共同审定后销号。",
        Stage.CLOSED: f"已于 {case.closed_on:%Y-%m-%d} 销号。" if case.closed_on else "已销号。",
        Stage.ENDED: f"已终止：{case.get_end_reason_display()}。{case.end_note}",
    }
    return hints[case.stage]


def policies_visible(user: Viewer) -> ConfigQuerySet:
    ensure_national_policy()
    return CasePolicy.objects.visible_to(user).order_by("region_code", "-version")


def _grades_text(grades: list[str]) -> str:
    """Grades as the pages word them: "C级、D级", the no-house household's N as 无房户."""
    return "、".join("无房户" if g == "N" else f"{g}级" for g in grades)


def policy_sections(policy: CasePolicy) -> dict[str, Any]:
    """The policy laid out for its page."""
    content = policy.content
    return {
        "notices": [(label, content["notice_days"][level]) for level, label in pol.NOTICE_LEVELS.items()],
        "methods": [
            {**m, "grades_text": _grades_text(m["grades"]), "default_text": _grades_text(m.get("default_for", []))}
            for m in content["methods"]
        ],
        "area": content["area_rules"],
        "area_examples": [
            (n, pol.area_check(content, household_size=n, area=None).range_text) for n in (1, 2, 3, 4, 5, 6)
        ],
        "standards": [{**st, "grades_text": _grades_text(st["grades"])} for st in content["subsidy_standards"]],
        "final_payment_days": content["final_payment_days"],
        "rectification_days": pol.deadline_days(content, "rectification_days"),
        "supervision_days": pol.deadline_days(content, "supervision_days"),
        "watch": pol.watch_windows(content),
        "acceptance_items": content["acceptance_items"],
        "archive_documents": content["archive_documents"],
        "archive_number_pattern": content["archive_number_pattern"],
        "archive_number_example": pol.archive_number(content, township="渔泽镇", county="屯留区", year=2023, seq=1),
        "method_names": {m["code"]: m["name"] for m in content["methods"]},
    }


# The act that moves a case on from each stage, for "what is waiting for me" (acceptance and
# rectification are done on the acceptance pages but are still this case's next act).
WAITING_ACT: dict[str, str] = {
    **NEXT_ACT,
    Stage.COMPLETED: StepKind.ACCEPT,
    Stage.RECTIFYING: StepKind.RECTIFIED,
}


# How the home page words each waiting act (a review waits for the previous notice to run).
WAITING_LABEL: dict[str, str] = {
    Stage.VILLAGE_REVIEWED: "乡镇审核（村级公示期满后）",
    Stage.TOWNSHIP_REVIEWED: "县级审批（乡镇公示期满后）",
    Stage.APPROVED: "建档编号（县级公示期满后）",
    Stage.COMPLETED: "组织竣工验收",
    Stage.RECTIFYING: "整改完成后登记复验",
    Stage.ACCEPTED: "销号（资金、档案、审定齐全后）",
}


def decision_page_case(*, household: Any, decision: Any, user: Viewer) -> dict[str, Any]:
    """For the household's eligibility page (registered with ``eligibility.extensions``): its
    open case, or whether the user may open one now that the rules cover it."""
    return {
        "open_case": RenovationCase.objects.filter(household=household).open().first(),
        "can_open_case": bool(decision and decision.programme and can_act(user, StepKind.OPEN)),
    }
