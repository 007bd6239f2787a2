"""Control measures on dangerous houses and their verification."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.households.models import House
from anju.inspections.acts import ensure_act
from anju.inspections.choices import ActKind, MeasureKind
from anju.inspections.models import ControlMeasure


def measure_record(
    *, acting_user: User, house: House, kind: str, taken_on: datetime.date, responsible: str, note: str = ""
) -> ControlMeasure:
    ensure_act(ActKind.MEASURE, acting_user, house)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": "请选择管控措施。"})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "采取日期不能晚于今天。"})
    if not responsible.strip():
        raise ValidationError({"responsible": "请填写责任人。"})
    with transaction.atomic():
        measure = ControlMeasure.objects.create(
            house=house,
            region_code=house.region_code,
            kind=kind,
            taken_on=taken_on,
            responsible=responsible.strip(),
            note=note,
            recorded_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=measure,
            changes=changes_between({}, model_snapshot(measure, ("kind", "taken_on", "responsible"))),
        )
    return measure


def measure_verify(
    *, acting_user: User, measure: ControlMeasure, verified_on: datetime.date, note: str, in_place: bool = True
) -> ControlMeasure:
    """A later check by someone else. A verified evacuation means nobody lives in the house now."""
    ensure_act(ActKind.VERIFY, acting_user, measure)
    if measure.verified_on is not None:
        raise ValidationError(f"该措施已于 {measure.verified_on:%Y-%m-%d} 核查。")
    if acting_user.pk == measure.recorded_by_id:
        raise ValidationError("核查须由登记人以外的人员进行。")
    if verified_on < measure.taken_on or verified_on > timezone.localdate():
        raise ValidationError({"verified_on": "核查日期应在采取日期之后、今天之前。"})
    if not note.strip():
        raise ValidationError({"verification_note": "请填写核查情况。"})
    if not in_place:
        note = f"措施未落实：{note.strip()}"
    with transaction.atomic():
        measure.verified_on = verified_on
        measure.verified_by = acting_user
        measure.verification_note = note.strip()
        measure.save(update_fields=["verified_on", "verified_by", "verification_note"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=measure,
            changes={"verified_on": {"before": None, "after": verified_on.isoformat()}},
            note=measure.verification_note,
        )
        if in_place and measure.kind == MeasureKind.EVACUATE:
            house = House.objects.select_for_update().get(pk=measure.house_id)
            before = model_snapshot(house, ("is_occupied", "occupants", "elderly_occupants"))
            house.is_occupied, house.occupants, house.elderly_occupants = False, 0, 0
            house.save(update_fields=["is_occupied", "occupants", "elderly_occupants", "updated_at"])
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=house,
                changes=changes_between(
                    before, model_snapshot(house, ("is_occupied", "occupants", "elderly_occupants"))
                ),
                note=f"撤离核查 {measure.pk}：人员已撤离",
            )
    return measure
