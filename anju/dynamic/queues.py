"""The home page's queue items for the 一般户 routes and the 突发严重困难户 (registered in
AppConfig.ready with ``core.queues``): what waits for the township's verification, what is past
its due date, which families still wait for their appraisal, and which general households with a
C/D house have no route yet — each in scope, with the oldest age."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from anju.core.queues import QueueItem, age_days
from anju.core.roles import Role
from anju.dynamic.choices import RouteStage
from anju.dynamic.models import Hardship, HousingRoute
from anju.dynamic.selectors import hardships_annotated, households_awaiting_route

ROUTE_ROLES = (Role.TOWNSHIP_OFFICER, Role.VILLAGE_CLERK)


def dynamic_queue(user: Any, role: str) -> Iterator[QueueItem]:
    if role not in (*ROUTE_ROLES, Role.APPRAISER):
        return
    routes = reverse("dynamic:route_list")
    if role == Role.TOWNSHIP_OFFICER:
        done = HousingRoute.objects.visible_to(user).filter(stage=RouteStage.DONE)
        figures = done.aggregate(n=Count("pk"), since=Min("completed_on"))
        yield QueueItem(
            key="route-verify",
            title="一般户已完成整改、待乡镇核验销号",
            count=figures["n"],
            oldest_days=age_days(figures["since"]),
            url=f"{routes}?stage={RouteStage.DONE}",
            next_step="到户查看并拍照，核验后销号",
            order=25,
        )
    if role in ROUTE_ROLES:
        late = HousingRoute.objects.visible_to(user).filter(stage=RouteStage.OPEN, due_on__lt=timezone.localdate())
        figures = late.aggregate(n=Count("pk"), since=Min("due_on"))
        yield QueueItem(
            key="route-overdue",
            title="一般户自行整改等逾期未完成",
            count=figures["n"],
            oldest_days=age_days(figures["since"]),
            url=f"{routes}?overdue=1",
            next_step="上门督促，记录提醒；仍无能力整改的重新认定去向",
            order=26,
        )
        _, waiting = households_awaiting_route(user, limit=0)
        yield QueueItem(
            key="route-none",
            title="一般户 C/D 级危房尚未确定保障去向",
            count=waiting,
            oldest_days=None,
            url=routes,
            next_step="在列表下方为每户「确定去向」：自行整改、兜底或其他方式",
            order=27,
        )
    annotated: Any = hardships_annotated(Hardship.objects.visible_to(user))  # appraised_on is an annotation
    awaiting = annotated.filter(appraised_on__isnull=True)
    figures = awaiting.aggregate(n=Count("pk"), since=Min("registered_on"))
    yield QueueItem(
        key="hardship-appraisal",
        title="突发严重困难户待排查鉴定",
        count=figures["n"],
        oldest_days=age_days(figures["since"]),
        url=reverse("dynamic:hardship_list") + "?awaiting=1",
        next_step="限期上门排查、鉴定房屋；已采取的应急救助记在该户页面",
        order=12 if role == Role.APPRAISER else 28,
    )
