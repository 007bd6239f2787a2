"""Reads of completion acceptance: the acceptances and rectifications a user may see, the case
page's panel, and what acceptance still lacks before a case may close (``case_close_blockers``,
asked by ``anju.cases.services.close_blockers``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.acceptance.choices import SAFE_POST_GRADES
from anju.acceptance.filters import AcceptanceFilter, RectificationFilter
from anju.acceptance.models import Acceptance, AcceptanceQuerySet, Rectification
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.core.actors import Viewer


def latest_acceptance(case: RenovationCase) -> Acceptance | None:
    """The case's most recent acceptance (the highest attempt), or None."""
    return Acceptance.objects.filter(case=case).order_by("-attempt").first()


def open_rectification(case: RenovationCase) -> Rectification | None:
    return Rectification.objects.filter(case=case, completed_on__isnull=True).order_by("-pk").first()


def case_close_blockers(case: RenovationCase) -> list[str]:
    """What acceptance still lacks before 销号, in Chinese; empty when it is done."""
    latest = latest_acceptance(case)
    if latest is None:
        return ["尚未进行竣工验收。"]
    blockers: list[str] = []
    if not latest.passed:
        reasons = "、".join(str(r.get("name", "")) for r in latest.failed_items)
        blockers.append(
            f"最近一次竣工验收（第 {latest.attempt} 次，{latest.on:%Y-%m-%d}）未通过"
            + (f"：{reasons}" if reasons else "")
            + "；须整改并复验通过。"
        )
    if latest.post_grade not in SAFE_POST_GRADES:
        blockers.append(f"竣工后房屋安全等级为 {latest.post_grade} 级，须达到 A 级或 B 级。")
    return blockers


def closable_cases(cases: QuerySet[RenovationCase]) -> QuerySet[RenovationCase]:
    """``case_close_blockers`` over many cases: those whose latest acceptance passed with a
    post-works grade A or B."""
    later = Acceptance.objects.filter(case=OuterRef("case"), attempt__gt=OuterRef("attempt"))
    good = Acceptance.objects.filter(passed=True, post_grade__in=SAFE_POST_GRADES).filter(~Exists(later))
    return cases.filter(pk__in=good.values("case"))


def acceptances_visible(user: Viewer) -> AcceptanceQuerySet:
    return Acceptance.objects.visible_to(user).select_related("case__household", "case__region", "recorded_by")


def acceptance_list(user: Viewer, params: Any) -> AcceptanceFilter:
    """Acceptances the user may see, narrowed by ``AcceptanceFilter`` (page and API alike)."""
    return AcceptanceFilter(params, queryset=acceptances_visible(user))


def rectifications_visible(user: Viewer, params: Any) -> RectificationFilter:
    """Rectifications in the user's region, narrowed by ``RectificationFilter`` (``status`` open /
    overdue / done, ``q``, ``due_before``). Open ones soonest due first, done ones most recent first."""
    queryset = Rectification.objects.visible_to(user).select_related(
        "case__household", "case__region", "acceptance", "completed_by"
    )
    return RectificationFilter(params, queryset=queryset)


def rectification_counts(user: Viewer) -> dict[str, int]:
    today = timezone.localdate()
    qs = Rectification.objects.visible_to(user)
    return {
        "open": qs.filter(completed_on__isnull=True).count(),
        "overdue": qs.filter(Q(completed_on__isnull=True) & Q(due_on__lt=today)).count(),
    }


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """What the case page shows about acceptance: the latest result, the open rectification
    (with its deadline and whether it is overdue), the history, and the actions the user may
    take (record an acceptance when the case awaits one, complete a rectification in 整改)."""
    from anju.cases.services import can_act

    acceptances = list(Acceptance.objects.filter(case=case).order_by("-attempt"))
    latest = acceptances[0] if acceptances else None
    rectification = open_rectification(case) if case.stage == Stage.RECTIFYING else None
    awaiting = case.stage == Stage.COMPLETED
    return {
        "case": case,
        "latest": latest,
        "acceptances": acceptances,
        "rectification": rectification,
        "overdue": bool(rectification and rectification.is_overdue),
        "awaiting": awaiting,
        "is_reacceptance": awaiting and latest is not None,
        "can_record": awaiting and can_act(user, StepKind.ACCEPT, case),
        "can_complete": rectification is not None and can_act(user, StepKind.RECTIFIED, case),
        "blockers": case_close_blockers(case) if case.stage == Stage.ACCEPTED else [],
    }
