"""Writes of supervision (督导检查): visits, findings, rectification orders and their follow-up.
Each first asks the one table of who may act (``supervision.acts``: role, office or township,
region, the order's status), then checks what was typed, refuses in Chinese changing nothing,
and writes and audits in one transaction. Refused acts on an existing order are audited too
(``refusals_audited``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.cases.models import RenovationCase
from anju.inspections.photos import process_photo
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.supervision.acts import SupervisionAct, ensure_act
from anju.supervision.choices import FindingCategory, FollowUpKind, OrderStatus, Topic
from anju.supervision.models import (
    Finding,
    FindingPhoto,
    OrderFollowUp,
    RectificationOrder,
    ResponsePhoto,
    SupervisionVisit,
)

MAX_PHOTOS = 12
OFFICE_SUFFIX = {
    RegionLevel.PROVINCE: "住房和城乡建设厅",
    RegionLevel.CITY: "住房和城乡建设局",
    RegionLevel.COUNTY: "住房和城乡建设局",
}


def _township_of(region: Region) -> Region:
    if region.level == RegionLevel.TOWNSHIP:
        return region
    if region.level == RegionLevel.VILLAGE:
        return Region.objects.get(code=region.code[:9] + "000")
    raise ValidationError({"region": "督导地点应为乡镇或村。"})


def _office_of(user: Any, township: Region) -> Region:
    """The office acting: the user's own region, or for an operator above the tree the county."""
    if getattr(user, "region", None) is not None:
        return user.region
    return Region.objects.get(code=township.code[:6] + "000000")


def office_name(office: Region) -> str:
    return f"{office.name}{OFFICE_SUFFIX.get(RegionLevel(office.level), '')}"


def _photos(photos: Sequence[Any]) -> list[Any]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"照片最多 {MAX_PHOTOS} 张。"})
    processed = []
    for p in photos:
        try:
            processed.append(process_photo(p))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return processed


# --- visits and findings ---------------------------------------------------------------------------


def visit_record(
    *,
    acting_user: User,
    region: Region,
    visited_on: datetime.date,
    topic: str,
    inspectors: str,
    summary: str = "",
) -> SupervisionVisit:
    """Record a supervision visit to a township (or a village in it) within the user's subtree."""
    ensure_act(region, acting_user, SupervisionAct.VISIT)  # the one table of who may act (supervision.acts)
    errors: dict[str, str] = {}
    if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        errors["region"] = "督导地点应为乡镇或村。"
    if visited_on > timezone.localdate():
        errors["visited_on"] = "督导日期不能晚于今天。"
    if topic not in Topic.values:
        errors["topic"] = "请选择督导内容。"
    if not inspectors.strip():
        errors["inspectors"] = "请填写督导人员。"
    if errors:
        raise ValidationError(errors)
    township = _township_of(region)
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            region=region,
            region_code=region.code,
            township=township,
            visited_on=visited_on,
            topic=topic,
            inspectors=inspectors.strip()[:200],
            summary=summary.strip(),
            recorded_by=acting_user,
            office=_office_of(acting_user, township),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=visit,
            changes=changes_between({}, model_snapshot(visit, ("region_id", "visited_on", "topic", "inspectors"))),
        )
    return visit


def finding_add(
    *,
    acting_user: User,
    visit: SupervisionVisit,
    category: str,
    description: str,
    case: RenovationCase | None = None,
    photos: Sequence[Any] = (),
) -> Finding:
    """Add one problem found on a visit, optionally about a renovation case in that township,
    with photos."""
    ensure_act(visit, acting_user, SupervisionAct.FINDING)
    errors: dict[str, str] = {}
    if category not in FindingCategory.values:
        errors["category"] = "请选择问题类别。"
    if not description.strip():
        errors["description"] = "请描述发现的问题。"
    if case is not None and not case.region_code.startswith(visit.township.prefix):
        errors["case"] = f"所选改造案件不在{visit.township.name}。"
    if errors:
        raise ValidationError(errors)
    processed = _photos(photos)
    with transaction.atomic():
        finding = Finding.objects.create(
            visit=visit, category=category, description=description.strip(), case=case, recorded_by=acting_user
        )
        for photo in processed:
            FindingPhoto.objects.create(finding=finding, image=photo.content)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=finding,
            changes=changes_between({}, model_snapshot(finding, ("visit_id", "category", "description", "case_id")))
            | {"photos": {"before": 0, "after": len(processed)}},
        )
    return finding


# --- rectification orders ----------------------------------------------------------------------------


def order_number(office: Region, year: int, seq: int) -> str:
    """屯住建督〔2026〕3号: the office's first character, the year and the sequence."""
    return f"{office.name[:1]}住建督〔{year}〕{seq}号"


def _check_order_input(findings: Sequence[Finding], requirements: str, due_on: datetime.date) -> None:
    errors: dict[str, str] = {}
    if len({f.visit.township_id for f in findings}) > 1:
        errors["findings"] = "一份整改通知只能下发给一个乡镇，所选问题分属不同乡镇。"
    if not requirements.strip():
        errors["requirements"] = "请填写整改要求。"
    if due_on <= timezone.localdate():
        errors["due_on"] = "整改期限应晚于今天。"
    if errors:
        raise ValidationError(errors)


def _lock_unordered(findings: Sequence[Finding]) -> list[Finding]:
    """Lock the chosen findings; refuse when another order has taken any of them meanwhile."""
    locked = list(Finding.objects.select_for_update().filter(pk__in=[f.pk for f in findings]))
    taken = [f for f in locked if f.order_id is not None]
    if taken:
        raise ValidationError({"findings": f"已下发过整改通知的问题不能再次下发（{len(taken)} 个）。"})
    return locked


def _next_seq(office: Region, year: int) -> int:
    """The office's next order number this year; the office's region row is locked so that two
    orders from one office get two numbers."""
    Region.objects.select_for_update().filter(pk=office.pk).first()
    return (RectificationOrder.objects.filter(office=office, year=year).aggregate(m=Max("seq"))["m"] or 0) + 1


def order_issue(
    *,
    acting_user: User,
    findings: Sequence[Finding],
    requirements: str,
    due_on: datetime.date,
) -> RectificationOrder:
    """Issue a rectification order to one township for one or more of its findings, numbered
    per issuing office and year."""
    visits: list[SupervisionVisit | None] = list({f.visit_id: f.visit for f in findings}.values())
    for visit in visits or [None]:  # with no finding chosen, the role alone is asked
        ensure_act(visit, acting_user, SupervisionAct.ISSUE)  # the one table (supervision.acts)
    if not findings:
        raise ValidationError({"findings": "请至少选择一个发现的问题。"})
    _check_order_input(findings, requirements, due_on)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock_unordered(findings)
        township = findings[0].visit.township
        office = _office_of(acting_user, township)
        seq = _next_seq(office, today.year)
        order = RectificationOrder.objects.create(
            number=order_number(office, today.year, seq),
            office=office,
            office_name=office_name(office),
            year=today.year,
            seq=seq,
            township=township,
            region_code=township.code,
            requirements=requirements.strip(),
            issued_on=today,
            due_on=due_on,
            issued_by=acting_user,
        )
        Finding.objects.filter(pk__in=[f.pk for f in locked]).update(order=order)
        for finding in findings:
            finding.order = order
        OrderFollowUp.objects.create(
            order=order, kind=FollowUpKind.ISSUED, on=today, text=order.requirements, due_on=due_on, actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=order,
            changes=changes_between({}, model_snapshot(order, ("number", "township_id", "due_on", "requirements")))
            | {"findings": {"before": None, "after": sorted(f.pk for f in findings)}},
        )
    return order


def _lock(order: RectificationOrder) -> None:
    """Lock the order's row and reload it, so two officers acting at once are serialised and
    the second sees what the first did. The caller's object is the one changed and returned."""
    RectificationOrder.objects.select_for_update().filter(pk=order.pk).first()
    order.refresh_from_db()


@refusals_audited("反馈整改情况", obj_kwarg="order")
def order_respond(
    *,
    acting_user: User,
    order: RectificationOrder,
    text: str,
    responded_on: datetime.date | None = None,
    photos: Sequence[Any] = (),
    no_photo_reason: str = "",
) -> RectificationOrder:
    """The township reports what it has done: a description, and photos or a note why none."""
    ensure_act(order, acting_user, SupervisionAct.RESPOND)
    today = timezone.localdate()
    on = responded_on or today
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "请说明整改情况（做了什么、整改到什么程度）。"
    if not photos and not no_photo_reason.strip():
        errors["photos"] = "请上传整改后的照片，或说明无法提供照片的原因。"
    if on > today:
        errors["responded_on"] = "反馈日期不能晚于今天。"
    elif on < order.issued_on:
        errors["responded_on"] = "反馈日期不能早于整改通知下发日期。"
    if errors:
        raise ValidationError(errors)
    processed = _photos(photos)
    with transaction.atomic():
        _lock(order)
        ensure_act(order, acting_user, SupervisionAct.RESPOND)  # again, now that no one else acts
        before = model_snapshot(order, ("status", "response_text", "responded_on"))
        order.status = OrderStatus.RESPONDED
        order.response_text = text.strip()
        order.responded_on = on
        order.save(update_fields=["status", "response_text", "responded_on"])
        follow_up = OrderFollowUp.objects.create(
            order=order,
            kind=FollowUpKind.RESPONSE,
            on=on,
            text=order.response_text,
            no_photo_reason="" if processed else no_photo_reason.strip()[:300],
            actor=acting_user,
        )
        for photo in processed:
            ResponsePhoto.objects.create(follow_up=follow_up, image=photo.content)
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=order,
            changes=changes_between(before, model_snapshot(order, ("status", "response_text", "responded_on")))
            | {"photos": {"before": 0, "after": len(processed)}},
        )
    return order


@refusals_audited("退回整改", obj_kwarg="order")
def order_return(
    *,
    acting_user: User,
    order: RectificationOrder,
    reason: str,
    new_due_on: datetime.date | None = None,
) -> RectificationOrder:
    """The issuing office is not satisfied: back to the township with a reason (and optionally
    a new due date)."""
    ensure_act(order, acting_user, SupervisionAct.RETURN)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "请说明退回的理由（哪些问题尚未整改到位）。"
    if new_due_on is not None and new_due_on <= timezone.localdate():
        errors["new_due_on"] = "新的整改期限应晚于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(order)
        ensure_act(order, acting_user, SupervisionAct.RETURN)
        before = model_snapshot(order, ("status", "due_on", "times_returned"))
        order.status = OrderStatus.ISSUED
        order.times_returned += 1
        if new_due_on is not None:
            order.due_on = new_due_on
        order.save(update_fields=["status", "due_on", "times_returned"])
        OrderFollowUp.objects.create(
            order=order,
            kind=FollowUpKind.RETURNED,
            on=timezone.localdate(),
            text=reason.strip(),
            due_on=new_due_on,
            actor=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=order,
            changes=changes_between(before, model_snapshot(order, ("status", "due_on", "times_returned"))),
            note=reason.strip()[:300],
        )
    return order


@refusals_audited("整改销号", obj_kwarg="order")
def order_close(*, acting_user: User, order: RectificationOrder, note: str) -> RectificationOrder:
    """The issuing office accepts the township's response and closes the order (销号)."""
    ensure_act(order, acting_user, SupervisionAct.CLOSE)
    if not note.strip():
        raise ValidationError({"note": "请填写复核意见。"})
    with transaction.atomic():
        _lock(order)
        ensure_act(order, acting_user, SupervisionAct.CLOSE)
        today = timezone.localdate()
        before = model_snapshot(order, ("status", "closing_note", "closed_on"))
        order.status = OrderStatus.CLOSED
        order.closing_note = note.strip()
        order.closed_on = today
        order.save(update_fields=["status", "closing_note", "closed_on"])
        OrderFollowUp.objects.create(
            order=order, kind=FollowUpKind.CLOSED, on=today, text=order.closing_note, actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=order,
            changes=changes_between(before, model_snapshot(order, ("status", "closing_note", "closed_on"))),
        )
    return order
