"""Rectification orders on the home page's queue (registered in AppConfig.ready with
``core.queues``): a township answers the orders issued to it; the issuing office reviews the
answers. The home page's supervision panel lists them one by one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse

from anju.core.queues import QueueItem, age_days
from anju.supervision.acts import RESPOND_ROLES, SUPERVISE_ROLES, supervises
from anju.supervision.choices import OrderStatus
from anju.supervision.models import RectificationOrder


def order_queue(user: Any, role: str) -> Iterator[QueueItem]:
    if getattr(user, "region_id", None) is None:
        return
    visible = RectificationOrder.objects.visible_to(user)
    if role in RESPOND_ROLES:
        figures = visible.filter(status=OrderStatus.ISSUED, township_id=user.region_id).aggregate(
            n=Count("pk"), since=Min("issued_on")
        )
        yield QueueItem(
            key="orders-respond",
            title="督导整改通知待反馈",
            count=figures["n"],
            oldest_days=age_days(figures["since"]),
            url=reverse("supervision:order_list") + f"?status={OrderStatus.ISSUED}",
            next_step="按通知整改，在期限内上传整改情况和照片",
            order=35,
        )
    if role in SUPERVISE_ROLES and supervises(user):
        figures = visible.filter(status=OrderStatus.RESPONDED, office_id=user.region_id).aggregate(
            n=Count("pk"), since=Min("responded_on")
        )
        yield QueueItem(
            key="orders-review",
            title="整改反馈待复核",
            count=figures["n"],
            oldest_days=age_days(figures["since"]),
            url=reverse("supervision:order_list") + f"?status={OrderStatus.RESPONDED}",
            next_step="核对乡镇的整改反馈，销号或退回重新整改",
            order=60,
        )
