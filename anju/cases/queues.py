"""The cases waiting for a role's act, on the home page (registered in AppConfig.ready with
``core.queues``). A case counts only when ``acts`` opens its next act to the user now — the
same answer the case page's buttons give (``available_acts``) — so the queue and the page
never disagree: a case whose 销号 still waits for money or papers is not counted as waiting
for the county."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse

from anju.cases import extensions
from anju.cases.acts import CASE_BY_CASE, STEP_ROLES, act_refusal, bulk_precondition
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.selectors import WAITING_ACT, WAITING_LABEL
from anju.core.queues import QueueItem, age_days


def case_queue(user: Any, role: str) -> Iterator[QueueItem]:
    stages = [stage for stage, kind in WAITING_ACT.items() if role in STEP_ROLES[kind]]
    if not stages:
        return
    visible = RenovationCase.objects.visible_to(user)
    labels = dict(Stage.choices)
    counted = _waiting_in_bulk(visible, [s for s in stages if WAITING_ACT[s] not in CASE_BY_CASE])
    for position, stage in enumerate(stages):
        kind = WAITING_ACT[stage]
        count, since = counted[stage] if stage in counted else _waiting(visible.filter(stage=stage), user, kind)
        if not count:
            continue
        yield QueueItem(
            key=f"cases-{stage}",
            title=f"改造案件待{StepKind(kind).label}（{labels[stage]}）",
            count=count,
            oldest_days=age_days(since),
            url=reverse("cases:case_list") + f"?stage={stage}&sort=-days",
            next_step=f"打开案件，办理「{WAITING_LABEL.get(stage, StepKind(kind).label)}」",
            order=40 + position,
        )


def _waiting_in_bulk(cases: Any, stages: list[str]) -> dict[str, tuple[int, Any]]:
    """``_waiting`` for every stage whose act needs no case-by-case check, in one query: a count
    and an oldest date per stage, each under its act's precondition (a township officer's home
    page asked nine queries for nine stages, ADR 0051)."""
    if not stages:
        return {}
    aggregates: dict[str, Any] = {}
    for i, stage in enumerate(stages):
        condition = Q(stage=stage) & (bulk_precondition(WAITING_ACT[stage]) or Q())
        aggregates[f"n{i}"] = Count("pk", filter=condition)
        aggregates[f"since{i}"] = Min("stage_since", filter=condition)
    figures = cases.filter(stage__in=stages).aggregate(**aggregates)
    return {stage: (figures[f"n{i}"], figures[f"since{i}"]) for i, stage in enumerate(stages)}


def _waiting(cases: Any, user: Any, kind: str) -> tuple[int, Any]:
    """How many of ``cases`` (one stage, in the user's scope, the user holding the act's role)
    the act is open for now, and the oldest one's ``stage_since``. Counted in the database: 销号
    through the filters the apps register beside their blockers (``extensions.closable``), case
    by case only if one of them has none."""
    if kind == StepKind.CLOSE:  # 销号: the apps' blockers as one filter, when each has one
        ready = extensions.closable(cases)
        if ready is not None:
            figures = ready.aggregate(n=Count("pk"), since=Min("stage_since"))
            return figures["n"], figures["since"]
    if kind in CASE_BY_CASE:
        rows = [c for c in cases.order_by("stage_since", "pk") if not act_refusal(c, user, kind)]
        return len(rows), rows[0].stage_since if rows else None
    precondition = bulk_precondition(kind)
    if precondition is not None:
        cases = cases.filter(precondition)
    figures = cases.aggregate(n=Count("pk"), since=Min("stage_since"))
    return figures["n"], figures["since"]
