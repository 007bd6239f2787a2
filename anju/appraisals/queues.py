"""The appraiser's queue on the home page (registered in AppConfig.ready with ``core.queues``):
houses an inspection judged C/D that no appraisal has graded since (ADR 0021), in scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse

from anju.core.queues import QueueItem, age_days
from anju.core.roles import Role
from anju.households.choices import GradeSource
from anju.households.models import House


def awaiting_appraisal(user: Any) -> Any:
    return House.objects.visible_to(user).filter(current_grade__in=("C", "D"), grade_source=GradeSource.INSPECTION)


def appraiser_queue(user: Any, role: str) -> Iterator[QueueItem]:
    if role != Role.APPRAISER:
        return
    figures = awaiting_appraisal(user).aggregate(n=Count("pk"), since=Min("grade_on"))
    yield QueueItem(
        key="appraisal-awaiting",
        title="排查初判 C/D 级、待鉴定的房屋",
        count=figures["n"],
        oldest_days=age_days(figures["since"]),
        url=reverse("households:house_list") + "?awaiting=1",
        next_step="逐户上门鉴定，点「新建鉴定」录入鉴定表",
        order=10,
    )
