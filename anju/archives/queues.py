"""The 共同审定 queue of 民政 and 乡村振兴 on the home page (registered in AppConfig.ready with
``core.queues``): archives complete (agreement needs it) that the liaison's own department has
not yet agreed to, the 一户一档 list's ``awaiting_<role>`` status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse

from anju.archives.models import ReviewRole
from anju.archives.selectors import archives_visible
from anju.core.queues import QueueItem, age_days


def awaiting_review(user: Any, role: str) -> Any:
    return archives_visible(user, {"status": f"awaiting_{role}"}).qs


def review_queue(user: Any, role: str) -> Iterator[QueueItem]:
    if role not in ReviewRole.values:
        return
    figures = awaiting_review(user, role).order_by().aggregate(n=Count("pk"), since=Min("stage_since"))
    yield QueueItem(
        key="archive-review",
        title=f"一户一档材料齐全、待{ReviewRole(role).label}共同审定",
        count=figures["n"],
        oldest_days=age_days(figures["since"]),
        url=reverse("archives:archive_list") + f"?status=awaiting_{role}",
        next_step="打开档案核对材料，签署同意或写明不同意的意见",
        order=10,
    )
