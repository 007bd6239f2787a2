"""Follow-ups of elderly people in a dangerous house, or of a family living in two houses: opened
by an inspection, then closed by the move to a safe house and the old house's demolition."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.households.models import House
from anju.inspections.acts import ensure_act
from anju.inspections.choices import ActKind
from anju.inspections.models import FollowUp, Inspection
from anju.inspections.photos import process_photo


def _open_follow_up(acting_user: User, house: House, inspection: Inspection, reason: str) -> None:
    if FollowUp.objects.filter(house=house, reason=reason, demolished_on__isnull=True).exists():
        return
    follow_up = FollowUp.objects.create(
        household=house.household, house=house, region_code=house.region_code, reason=reason, inspection=inspection
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=follow_up,
        changes={"reason": {"before": None, "after": reason}},
        note=f"排查记录 {inspection.pk} 发现",
    )


STEP_KINDS = {"moved": ActKind.MOVED, "demolished": ActKind.DEMOLISHED}
HOUSE_EMPTIED = ("is_occupied", "occupants", "elderly_occupants", "lives_in_two_houses")


def follow_up_step(
    *, acting_user: User, follow_up: FollowUp, step: str, on: datetime.date, photo: Any, moved_to: str = ""
) -> FollowUp:
    """Record that the people moved to a safe house, or that the old house was demolished."""
    if step not in STEP_KINDS:
        raise ValidationError("未知的跟进步骤。")
    ensure_act(STEP_KINDS[step], acting_user, follow_up)
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天。"})
    if photo is None:
        raise ValidationError({"photo": "请上传现场照片。"})
    if step == "moved" and not moved_to.strip():
        raise ValidationError({"moved_to": "请填写安置去向（如：搬入子女家安全住房）。"})
    if step == "demolished" and follow_up.moved_on is not None and on < follow_up.moved_on:
        raise ValidationError({"on": "拆除日期不能早于搬迁日期。"})
    processed = process_photo(photo)
    with transaction.atomic():
        if step == "moved":
            follow_up.moved_on, follow_up.moved_to = on, moved_to.strip()
            follow_up.moved_photo.save(processed.content.name or "moved.jpg", processed.content, save=False)
            follow_up.save(update_fields=["moved_on", "moved_to", "moved_photo"])
        else:
            follow_up.demolished_on = on
            follow_up.demolished_photo.save(processed.content.name or "demolished.jpg", processed.content, save=False)
            follow_up.save(update_fields=["demolished_on", "demolished_photo"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=follow_up,
            changes={f"{step}_on": {"before": None, "after": on.isoformat()}},
            note=moved_to.strip(),
        )
        if step == "moved":
            _house_emptied(acting_user, follow_up)
    return follow_up


def _house_emptied(acting_user: User, follow_up: FollowUp) -> None:
    """Once the people have moved to a safe house, nobody lives in the old one."""
    house = House.objects.select_for_update().get(pk=follow_up.house_id)
    before = model_snapshot(house, HOUSE_EMPTIED)
    house.is_occupied, house.occupants, house.elderly_occupants, house.lives_in_two_houses = False, 0, 0, False
    house.save(update_fields=list(HOUSE_EMPTIED))
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=house,
        changes=changes_between(before, model_snapshot(house, HOUSE_EMPTIED)),
        note=f"跟进任务 {follow_up.pk}：人员已搬入安全住房",
    )
