"""The hazard checklist: one list for every region, kept by an administrator at a county or above."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.inspections.acts import ensure_act, may
from anju.inspections.choices import ActKind, HazardPart
from anju.inspections.models import HazardItem

CHECKLIST_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHECKLIST_FIELDS = ("code", "label", "part", "serious", "order", "is_active")


def can_manage_checklist(user: Any) -> bool:
    """The checklist is one list for every region, kept by a system administrator at a county or
    above (or the operator): the table in ``inspections.acts``."""
    return may(ActKind.CHECKLIST, user)


def _audit_checklist(acting_user: User, item: HazardItem, action: str, before: dict[str, Any], note: str = "") -> None:
    # The item belongs to no region: the row goes to the administrator's region, whose audit log shows it.
    audit_record(
        actor=acting_user,
        action=action,
        obj=item,
        region_code=acting_user.region.code if acting_user.region else "",
        changes=changes_between(before, model_snapshot(item, CHECKLIST_FIELDS)),
        note=note,
    )


def _checklist_values(*, label: str, part: str, item: HazardItem | None = None) -> str:
    label = " ".join(label.split())
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "请填写隐患描述。"
    elif len(label) > 100:
        errors["label"] = "隐患描述不超过 100 个字。"
    elif HazardItem.objects.filter(is_active=True, label=label).exclude(pk=item.pk if item else 0).exists():
        errors["label"] = f"已有启用的检查项「{label}」。"
    if part not in HazardPart.values:
        errors["part"] = "请选择部位。"
    if errors:
        raise ValidationError(errors)
    return label


def hazard_item_create(
    *, acting_user: User, label: str, part: str, serious: bool = False, code: str = ""
) -> HazardItem:
    """Add an item at the end of the checklist. The code is what inspections store; when left
    blank one is made from the part (``wall_1``)."""
    ensure_act(ActKind.CHECKLIST, acting_user)
    label = _checklist_values(label=label, part=part)
    code = code.strip()
    if code:
        if not CHECKLIST_CODE.match(code):
            raise ValidationError({"code": "代码只能用小写英文字母、数字和下划线，以字母开头，不超过 40 个字符。"})
        if HazardItem.objects.filter(code=code).exists():
            raise ValidationError({"code": f"代码「{code}」已被使用（含已停用的检查项），请换一个。"})
    with transaction.atomic():
        existing = set(HazardItem.objects.select_for_update().values_list("code", flat=True))
        if not code:
            n = 1
            while f"{part}_{n}" in existing:
                n += 1
            code = f"{part}_{n}"
        last = max(HazardItem.objects.values_list("order", flat=True), default=0)
        item = HazardItem.objects.create(
            code=code, label=label, part=part, serious=serious, order=min(last + 10, 32767), is_active=True
        )
        _audit_checklist(acting_user, item, AuditAction.CREATE, {}, note="新增隐患检查项")
    return item


def hazard_item_update(*, acting_user: User, item: HazardItem, label: str, part: str, serious: bool) -> HazardItem:
    """Reword an item, move it to another part, or change whether it is serious. The code stays:
    inspections already recorded refer to it."""
    ensure_act(ActKind.CHECKLIST, acting_user)
    label = _checklist_values(label=label, part=part, item=item)
    with transaction.atomic():
        locked = HazardItem.objects.select_for_update().get(pk=item.pk)
        before = model_snapshot(locked, CHECKLIST_FIELDS)
        locked.label, locked.part, locked.serious = label, part, serious
        locked.save(update_fields=["label", "part", "serious"])
        if model_snapshot(locked, CHECKLIST_FIELDS) != before:
            _audit_checklist(acting_user, locked, AuditAction.UPDATE, before)
    return locked


def hazard_item_move(*, acting_user: User, item: HazardItem, direction: str) -> HazardItem:
    """Move an active item one place up or down among the active items (they swap places)."""
    ensure_act(ActKind.CHECKLIST, acting_user)
    if direction not in ("up", "down"):
        raise ValidationError("请选择上移或下移。")
    with transaction.atomic():
        items = list(HazardItem.objects.select_for_update().filter(is_active=True).order_by("order", "code"))
        index = next((i for i, it in enumerate(items) if it.pk == item.pk), None)
        if index is None:
            raise ValidationError(f"「{item.label}」已停用，不能调整顺序。")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            raise ValidationError(f"「{item.label}」已在{'最前' if direction == 'up' else '最后'}。")
        orders = sorted(it.order for it in items)
        if len(set(orders)) < len(orders):  # ties (hand-edited data): number them afresh
            orders = [10 * (i + 1) for i in range(len(items))]
        items[index], items[other] = items[other], items[index]
        for it, order in zip(items, orders, strict=True):
            if it.order != order:
                before = model_snapshot(it, CHECKLIST_FIELDS)
                it.order = order
                it.save(update_fields=["order"])
                _audit_checklist(acting_user, it, AuditAction.UPDATE, before, note="调整顺序")
        moved = next(it for it in items if it.pk == item.pk)
    return moved


def hazard_item_retire(*, acting_user: User, item: HazardItem) -> HazardItem:
    """Take an item off the inspection form. Never deleted: recorded inspections keep showing it."""
    ensure_act(ActKind.CHECKLIST, acting_user)
    with transaction.atomic():
        locked = HazardItem.objects.select_for_update().get(pk=item.pk)
        if not locked.is_active:
            raise ValidationError(f"「{locked.label}」已停用。")
        if not HazardItem.objects.filter(is_active=True).exclude(pk=locked.pk).exists():
            raise ValidationError("至少保留一项启用的隐患检查项。")
        before = model_snapshot(locked, CHECKLIST_FIELDS)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        _audit_checklist(acting_user, locked, AuditAction.UPDATE, before, note="停用隐患检查项")
    return locked


def hazard_item_restore(*, acting_user: User, item: HazardItem) -> HazardItem:
    """Put a retired item back on the form, in its old place."""
    ensure_act(ActKind.CHECKLIST, acting_user)
    with transaction.atomic():
        locked = HazardItem.objects.select_for_update().get(pk=item.pk)
        if locked.is_active:
            raise ValidationError(f"「{locked.label}」正在使用中。")
        if HazardItem.objects.filter(is_active=True, label=locked.label).exists():
            raise ValidationError(f"已有启用的检查项「{locked.label}」，不能再启用同名的一项。")
        before = model_snapshot(locked, CHECKLIST_FIELDS)
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        _audit_checklist(acting_user, locked, AuditAction.UPDATE, before, note="重新启用隐患检查项")
    return locked
