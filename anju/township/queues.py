"""Reminders on the home page's queue (``core.queues``): a team member's own open tasks, and for
the township office the tasks of its teams that are past due."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from anju.core.queues import QueueItem, age_days
from anju.core.roles import Role
from anju.township.models import TeamTask


def team_task_queue(user: Any, role: str) -> Iterator[QueueItem]:
    if getattr(user, "region_id", None) is None:
        return
    mine = TeamTask.objects.open().filter(assignee__user_id=user.pk).aggregate(n=Count("pk"), since=Min("due_on"))
    if role in (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER):
        yield QueueItem(
            key="team-tasks-mine",
            title="我的专班任务",
            count=mine["n"],
            oldest_days=None,
            url=reverse("township:index"),
            next_step="按期完成巡查或跟进，并登记完成情况",
            order=30,
        )
    if role == Role.TOWNSHIP_OFFICER:
        late = (
            TeamTask.objects.visible_to(user)
            .overdue(timezone.localdate())
            .aggregate(n=Count("pk"), since=Min("due_on"))
        )
        yield QueueItem(
            key="team-tasks-late",
            title="专班任务逾期未完成",
            count=late["n"],
            oldest_days=age_days(late["since"]),
            url=reverse("township:teams"),
            next_step="督促专班责任人完成巡查、跟进",
            order=40,
        )
