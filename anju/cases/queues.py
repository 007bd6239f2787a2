"""The cases waiting for a role's act, on the home page (registered in AppConfig.ready with
``core.queues``). A case counts only when ``acts`` opens its next act to the user now — the
same answer the case page's buttons give (``available_acts``) — so the queue and the page
never disagree: a case whose 销号 still waits for money or papers is not counted as waiting
for the county."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from anju.cases.acts import STEP_ROLES, act_refusal
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.selectors import WAITING_ACT, WAITING_LABEL
from anju.core.queues import QueueItem, age_days


def case_queue(user: Any, role: str) -> Iterator[QueueItem]:
    stages = [stage for stage, kind in WAITING_ACT.items() if role in STEP_ROLES[kind]]
    if not stages:
        return
    cases = RenovationCase.objects.visible_to(user).filter(stage__in=stages).order_by("stage_since", "pk")
    waiting: dict[str, list[RenovationCase]] = {}
    for case in cases:
        if not act_refusal(case, user, WAITING_ACT[case.stage]):
            waiting.setdefault(case.stage, []).append(case)
    labels = dict(Stage.choices)
    for position, stage in enumerate(stages):
        rows = waiting.get(stage, [])
        if not rows:
            continue
        kind = WAITING_ACT[stage]
        yield QueueItem(
            key=f"cases-{stage}",
            title=f"改造案件待{StepKind(kind).label}（{labels[stage]}）",
            count=len(rows),
            oldest_days=age_days(rows[0].stage_since),
            url=reverse("cases:case_list") + f"?stage={stage}&sort=-days",
            next_step=f"打开案件，办理「{WAITING_LABEL.get(stage, StepKind(kind).label)}」",
            order=40 + position,
        )
