"""Writes of the remaining dynamic-guarantee duties (issue 18 items 1–2, ADR 0034). Each asks the
one table first (``dynamic.acts``), checks what was typed and refuses in Chinese changing nothing,
then writes and audits in one transaction. Refused acts on an existing route or family are
audited too (``refusals_audited``). Days come from the province's renovation policy
(``cases.policy.duty_days``), never from code."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.cases.choices import OPEN_STAGES
from anju.cases.models import RenovationCase
from anju.cases.policy import duty_days
from anju.cases.services import policy_for
from anju.dynamic.acts import ensure_act
from anju.dynamic.choices import (
    ROUTE_OPTIONS,
    DutyAct,
    HardshipCause,
    ReliefKind,
    RouteKind,
    RouteOption,
    RoutePhotoStage,
    RouteStage,
    RouteStepKind,
)
from anju.dynamic.models import Hardship, HousingRoute, ReliefMeasure, RoutePhoto, RouteStep
from anju.eligibility.choices import CircumstanceKind
from anju.eligibility.models import Decision
from anju.eligibility.services import circumstance_record
from anju.households.models import Household
from anju.inspections.photos import process_photo

MAX_PHOTOS = 12
# Closing an 其他方式 route records the finding eligibility reads (已通过其他方式解决).
SOLVED_KIND = {
    RouteOption.RENT: CircumstanceKind.SOLVED_RENT,
    RouteOption.RELATIVES: CircumstanceKind.SOLVED_RELATIVES,
    RouteOption.RELOCATION: CircumstanceKind.SOLVED_RELOCATION,
}


def _photos(photos: Sequence[Any], field: str) -> list[Any]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({field: f"照片最多 {MAX_PHOTOS} 张。"})
    processed = []
    for p in photos:
        try:
            processed.append(process_photo(p))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    return processed


def _not_future(on: datetime.date, field: str, errors: dict[str, str]) -> None:
    if on > timezone.localdate():
        errors[field] = "日期不能晚于今天。"


def _lock(route: HousingRoute) -> None:
    HousingRoute.objects.select_for_update().filter(pk=route.pk).first()
    route.refresh_from_db()


# --- 一般户: 自行整改, 兜底, 其他方式 -------------------------------------------------------------


def _route_open_check(*, household: Household, kind: str, option: str, on: datetime.date, evidence: str) -> None:
    """Every reason a route may not be opened so, at once (ValidationError by field)."""
    errors: dict[str, str] = {}
    if kind not in RouteKind.values:
        errors["kind"] = "请选择保障途径（自行整改、兜底保障或其他方式解决）。"
    elif option not in ROUTE_OPTIONS[kind]:
        allowed = "、".join(str(RouteOption(o).label) for o in ROUTE_OPTIONS[kind])
        errors["option"] = f"{RouteKind(kind).label}的具体方式可选：{allowed}。"
    if kind == RouteKind.SELF_REPAIR and household.primary_group:
        errors["kind"] = "重点对象户不适用自行整改，应纳入农村危房改造。"
    if kind in (RouteKind.FALLBACK, RouteKind.OTHERWISE) and not evidence.strip():
        errors["evidence"] = "请填写依据或去向（安置住房地址、租赁协议、亲属住址或搬迁地点）。"
    _not_future(on, "on", errors)
    if RenovationCase.objects.filter(household=household, stage__in=OPEN_STAGES).exists():
        errors["kind"] = "该户已有未结束的改造案件，不能另定保障途径。"
    if errors:
        raise ValidationError(errors)


def route_open(
    *,
    acting_user: User,
    household: Household,
    kind: str,
    option: str,
    on: datetime.date | None = None,
    evidence: str = "",
    note: str = "",
) -> HousingRoute:
    """Fix how a household's dangerous only house is resolved without a renovation case. A
    自行整改 (general households only) gets its due date from the policy; 兜底 and 其他方式 need
    their evidence (the housing provided, the lease, the relatives' address)."""
    ensure_act(household.region, acting_user, DutyAct.ROUTE_OPEN)
    on = on or timezone.localdate()
    _route_open_check(household=household, kind=kind, option=option, on=on, evidence=evidence)
    house = household.houses.filter(is_only_house=True).first()
    days = duty_days(policy_for(household.region_code).content)
    due_on = on + datetime.timedelta(days=days["self_repair_days"]) if kind == RouteKind.SELF_REPAIR else None
    decision = Decision.objects.filter(household=household, is_current=True).only("outcome").first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                route = HousingRoute.objects.create(
                    household=household,
                    house=house,
                    region_id=household.region_id,
                    region_code=household.region_code,
                    kind=kind,
                    option=option,
                    decision_outcome=decision.outcome if decision else "",
                    opened_on=on,
                    due_on=due_on,
                    evidence=evidence.strip()[:300],
                    created_by=acting_user,
                )
        except IntegrityError as exc:
            raise ValidationError({"kind": "该户已有未销号的保障途径。"}) from exc
        RouteStep.objects.create(
            route=route, kind=RouteStepKind.OPEN, on=on, note=note.strip()[:300], actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=route,
            changes=changes_between({}, model_snapshot(route, ("kind", "option", "stage", "due_on", "evidence"))),
        )
    return route


@refusals_audited("督促提醒", obj_kwarg="route")
def route_remind(*, acting_user: User, route: HousingRoute, note: str, on: datetime.date | None = None) -> HousingRoute:
    """The village or township urges the family (督促): counted, dated, with what was said."""
    ensure_act(route, acting_user, DutyAct.REMIND)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "请填写督促情况（谁、以什么方式督促、农户怎么答复）。"
    _not_future(on, "on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(route)
        ensure_act(route, acting_user, DutyAct.REMIND)
        before = model_snapshot(route, ("reminders", "last_reminded_on"))
        route.reminders += 1
        route.last_reminded_on = on
        route.save(update_fields=["reminders", "last_reminded_on"])
        RouteStep.objects.create(
            route=route, kind=RouteStepKind.REMIND, on=on, note=note.strip()[:300], actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=route,
            changes=changes_between(before, model_snapshot(route, ("reminders", "last_reminded_on"))),
            note=note.strip()[:300],
        )
    return route


@refusals_audited("登记完成", obj_kwarg="route")
def route_complete(
    *,
    acting_user: User,
    route: HousingRoute,
    note: str,
    photos: Sequence[Any],
    on: datetime.date | None = None,
) -> HousingRoute:
    """The work is done (the repair finished, the family moved in): with photos, for the
    township to verify."""
    ensure_act(route, acting_user, DutyAct.COMPLETE)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "请填写完成情况（整改了哪些部位，或搬入何处）。"
    if not photos:
        errors["photos"] = "请上传完成后的照片（至少一张）。"
    _not_future(on, "on", errors)
    if on < route.opened_on:
        errors["on"] = "完成日期不能早于确定去向的日期。"
    if errors:
        raise ValidationError(errors)
    processed = _photos(photos, "photos")
    with transaction.atomic():
        _lock(route)
        ensure_act(route, acting_user, DutyAct.COMPLETE)
        before = model_snapshot(route, ("stage", "completed_on", "completion_note"))
        route.stage = RouteStage.DONE
        route.completed_on = on
        route.completion_note = note.strip()[:300]
        route.save(update_fields=["stage", "completed_on", "completion_note"])
        for photo in processed:
            RoutePhoto.objects.create(route=route, stage=RoutePhotoStage.COMPLETION, **RoutePhoto.photo_fields(photo))
        RouteStep.objects.create(
            route=route, kind=RouteStepKind.COMPLETE, on=on, note=route.completion_note, actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=route,
            changes=changes_between(before, model_snapshot(route, ("stage", "completed_on", "completion_note")))
            | {"photos": {"before": 0, "after": len(processed)}},
        )
    return route


@refusals_audited("核验销号", obj_kwarg="route")
def route_close(
    *,
    acting_user: User,
    route: HousingRoute,
    note: str,
    photos: Sequence[Any],
    on: datetime.date | None = None,
) -> HousingRoute:
    """The township verifies on site, with its own photos, and closes (销号). Closing an 其他方式
    route records the household as 已通过其他方式解决 for the eligibility rules."""
    ensure_act(route, acting_user, DutyAct.CLOSE)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "请填写核验意见（现场核验了什么，是否已消除安全隐患）。"
    if not photos:
        errors["photos"] = "核验销号须上传乡镇现场核验照片（至少一张）。"
    _not_future(on, "on", errors)
    if route.completed_on and on < route.completed_on:
        errors["on"] = "核验日期不能早于完成日期。"
    if errors:
        raise ValidationError(errors)
    processed = _photos(photos, "photos")
    with transaction.atomic():
        _lock(route)
        ensure_act(route, acting_user, DutyAct.CLOSE)
        before = model_snapshot(route, ("stage", "closed_on", "verification_note"))
        route.stage = RouteStage.CLOSED
        route.closed_on = on
        route.verification_note = note.strip()[:300]
        route.verified_by = acting_user
        route.save(update_fields=["stage", "closed_on", "verification_note", "verified_by"])
        for photo in processed:
            RoutePhoto.objects.create(route=route, stage=RoutePhotoStage.VERIFICATION, **RoutePhoto.photo_fields(photo))
        RouteStep.objects.create(
            route=route, kind=RouteStepKind.CLOSE, on=on, note=route.verification_note, actor=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=route,
            changes=changes_between(before, model_snapshot(route, ("stage", "closed_on", "verification_note")))
            | {"photos": {"before": 0, "after": len(processed)}},
        )
        if route.option in SOLVED_KIND:
            circumstance_record(
                acting_user=acting_user,
                household=route.household,
                kind=SOLVED_KIND[RouteOption(route.option)],
                recorded_on=on,
                note=f"{route.get_option_display()}：{route.evidence}；乡镇核验：{route.verification_note}",
            )
    return route


# --- 突发严重困难户 and 应急救助 ----------------------------------------------------------------------


def hardship_register(
    *,
    acting_user: User,
    household: Household,
    cause: str,
    occurred_on: datetime.date | None,
    description: str,
    registered_on: datetime.date | None = None,
) -> Hardship:
    """The township registers a family struck by illness, accident, fire or similar, any day,
    with the cause and the date; its house is due for inspection and appraisal within the
    policy's days."""
    ensure_act(household.region, acting_user, DutyAct.REGISTER)
    today = timezone.localdate()
    registered_on = registered_on or today
    errors: dict[str, str] = {}
    if cause not in HardshipCause.values:
        errors["cause"] = "请选择致困原因（重大疾病、意外事故、火灾等）。"
    if occurred_on is None:
        errors["occurred_on"] = "请填写发生日期。"
    elif occurred_on > today:
        errors["occurred_on"] = "发生日期不能晚于今天。"
    elif occurred_on > registered_on:
        errors["occurred_on"] = "发生日期不能晚于登记日期。"
    if not description.strip():
        errors["description"] = "请简要说明困难情况（如：户主突发重病住院，房屋无人修缮）。"
    _not_future(registered_on, "registered_on", errors)
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None  # checked above
    days = duty_days(policy_for(household.region_code).content)
    with transaction.atomic():
        hardship = Hardship.objects.create(
            household=household,
            region_code=household.region_code,
            cause=cause,
            description=description.strip()[:300],
            occurred_on=occurred_on,
            registered_on=registered_on,
            appraise_by=registered_on + datetime.timedelta(days=days["hardship_appraisal_days"]),
            registered_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=hardship,
            changes=changes_between(
                {}, model_snapshot(hardship, ("cause", "occurred_on", "registered_on", "appraise_by", "description"))
            ),
        )
    return hardship


def _amount(raw: Any, errors: dict[str, str]) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors["amount"] = "金额应为数字（元）。"
        return None
    if value <= 0 or value > Decimal("1000000"):
        errors["amount"] = "金额应大于 0 且不超过 100 万元。"
    return value


@refusals_audited("登记应急救助措施", obj_kwarg="hardship")
def relief_record(
    *,
    acting_user: User,
    hardship: Hardship,
    kind: str,
    detail: str,
    provided_by: str,
    provided_on: datetime.date | None,
    amount: Any = None,
) -> ReliefMeasure:
    """One 应急救助措施 taken: temporary housing, relief money or goods — what, by whom, when."""
    ensure_act(hardship, acting_user, DutyAct.RELIEF)
    errors: dict[str, str] = {}
    if kind not in ReliefKind.values:
        errors["kind"] = "请选择救助措施（临时安置住房、临时救助资金、救助物资等）。"
    if not detail.strip():
        errors["detail"] = "请填写具体内容（安置地点、发放的资金或物资）。"
    if not provided_by.strip():
        errors["provided_by"] = "请填写实施单位或责任人。"
    if provided_on is None:
        errors["provided_on"] = "请填写实施日期。"
    else:
        _not_future(provided_on, "provided_on", errors)
        if provided_on < hardship.occurred_on:
            errors["provided_on"] = "实施日期不能早于困难发生日期。"
    value = _amount(amount, errors)
    if kind == ReliefKind.MONEY and value is None and "amount" not in errors:
        errors["amount"] = "临时救助资金请填写金额（元）。"
    if errors:
        raise ValidationError(errors)
    assert provided_on is not None  # checked above
    with transaction.atomic():
        relief = ReliefMeasure.objects.create(
            hardship=hardship,
            region_code=hardship.region_code,
            kind=kind,
            detail=detail.strip()[:300],
            amount=value,
            provided_by=provided_by.strip()[:100],
            provided_on=provided_on,
            recorded_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=relief,
            changes=changes_between(
                {}, model_snapshot(relief, ("kind", "detail", "amount", "provided_by", "provided_on"))
            ),
        )
    return relief
