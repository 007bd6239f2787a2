"""The inspection work's queues on the home page (registered in AppConfig.ready with
``core.queues``): the households still to reach in the current campaign, the houses of an
emergency event not yet inspected, open follow-ups and village lists to receive (township), and
the referrals addressed to the liaison's own department (民政、乡村振兴) — which department a
referral waits for is ``acts.DEPARTMENT_ROLE``'s to say."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from anju.core.queues import QueueItem, age_days
from anju.core.roles import Role
from anju.inspections.acts import DEPARTMENT_ROLE, INSPECT_ROLES, Signing, act_refusal
from anju.inspections.choices import ActKind, ReferralStatus, VillageListStatus
from anju.inspections.models import Campaign, EmergencyEvent, EmergencyTask, FollowUp, Referral, VillageList
from anju.inspections.selectors import campaign_households


def current_campaign_of(user: Any) -> Campaign | None:
    """The latest started campaign the user sees: where their routine inspections count now."""
    return (
        Campaign.objects.visible_to(user)
        .filter(starts_on__lte=timezone.localdate())
        .order_by("-year", "-starts_on", "-pk")
        .first()
    )


def department_of(role: str) -> str | None:
    return next((str(dept) for dept, r in DEPARTMENT_ROLE.items() if r == role), None)


def pending_referrals(user: Any, department: str) -> Any:
    return Referral.objects.visible_to(user).filter(status=ReferralStatus.PENDING, department=department)


def _referrals(user: Any, role: str) -> Iterator[QueueItem]:
    department = department_of(role)
    if department is None:
        return
    figures = pending_referrals(user, department).aggregate(n=Count("pk"), since=Min("created_at"))
    yield QueueItem(
        key="referrals",
        title="以房找人转交待核实",
        count=figures["n"],
        oldest_days=age_days(figures["since"]),
        url=reverse("inspections:referral_list") + f"?status=pending&department={department}",
        next_step="核对困难情况，认定为重点对象或写明不予认定的理由",
        order=20,
    )


def _campaign(user: Any, role: str) -> Iterator[QueueItem]:
    if role not in (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER):
        return
    campaign = current_campaign_of(user)
    if campaign is None:
        return
    uncovered = campaign_households(campaign, user).filter(covered=False).count()  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
    mine = role == Role.VILLAGE_CLERK
    yield QueueItem(
        key="campaign-uncovered",
        title=f"「{campaign}」{'本村' if mine else '辖区'}尚未排查的重点户",
        count=uncovered,
        oldest_days=age_days(campaign.starts_on),
        url=reverse("inspections:campaign_detail", args=[campaign.pk])
        + (f"?village={user.region.code}" if mine and user.region_id else ""),
        next_step="逐户上门查看住房，录入排查记录（无自有住房的核实住房情况）",
        order=10,
    )


def _emergency(user: Any, role: str) -> Iterator[QueueItem]:
    if role not in INSPECT_ROLES:
        return
    open_tasks = EmergencyTask.objects.visible_to(user).filter(inspection__isnull=True)
    rows = open_tasks.values("event").annotate(n=Count("pk")).order_by("event")
    events = {e.pk: e for e in EmergencyEvent.objects.filter(pk__in=[r["event"] for r in rows])}
    for row in rows:
        event = events[row["event"]]
        yield QueueItem(
            key=f"emergency-{event.pk}",
            title=f"应急排查「{event}」待查房屋",
            count=row["n"],
            oldest_days=age_days(event.occurred_on),
            url=reverse("inspections:event_detail", args=[event.pk]) + "?open=on",
            next_step="按优先级先查重点对象和 C/D 级房屋，逐户录入排查记录",
            order=5,
        )


def _township(user: Any, role: str) -> Iterator[QueueItem]:
    if role != Role.TOWNSHIP_OFFICER:
        return
    follow = (
        FollowUp.objects.visible_to(user)
        .filter(demolished_on__isnull=True)
        .aggregate(n=Count("pk"), since=Min("created_at"))
    )
    yield QueueItem(
        key="follow-ups",
        title="跟进任务未办结（老人住危房、新旧房两头住）",
        count=follow["n"],
        oldest_days=age_days(follow["since"]),
        url=reverse("inspections:follow_up_list") + "?state=open",
        next_step="登记搬入安全住房、旧房拆除的日期和照片",
        order=30,
    )
    lists = VillageList.objects.visible_to(user).filter(status=VillageListStatus.SIGNED).order_by("signed_at", "pk")
    first = lists.first()
    if first is not None:
        yield QueueItem(
            key="village-lists",
            title="村级疑似危房清单待接收",
            count=lists.count(),
            oldest_days=age_days(first.signed_at),
            url=reverse("inspections:village_list_detail", args=[first.pk]),
            next_step="核对村长签字的清单，点「接收」",
            order=15,
        )


def _village_head(user: Any, role: str) -> Iterator[QueueItem]:
    """The village's list of suspected dangerous houses to sign, while ``acts`` lets the head sign."""
    if role != Role.VILLAGE_HEAD or user.region_id is None:
        return
    campaign = current_campaign_of(user)
    if campaign is None or act_refusal(ActKind.SIGN, user, Signing(campaign, user.region)):
        return
    yield QueueItem(
        key="village-list-sign",
        title=f"「{campaign}」本村疑似危房清单待签字",
        count=1,
        oldest_days=age_days(campaign.starts_on),
        url=reverse("inspections:village_list_sign", args=[campaign.pk]),
        next_step=f"核对本村排查结果，{campaign.list_due:%Y-%m-%d} 前签字报乡镇",
        order=10,
    )


def inspection_queue(user: Any, role: str) -> Iterator[QueueItem]:
    for part in (_emergency, _campaign, _referrals, _township, _village_head):
        yield from part(user, role)
