"""The one current state of a house (ADR 0021): which grade counts now, from which act, since
when, and whether (and by which case) it was renovated.

Only the acts that change a house's safety write it, through these two services:

- an appraisal, an inspection finding and a passed completion acceptance set the grade
  (``house_grade_set``);
- 销号 records the renovation: year, programme and the case (``house_renovation_record``).

Which act wins is decided here, once (``grade_applies``): a dated appraisal or acceptance
replaces the one before it and outweighs an inspection's suspicion; an inspection is only a
suspicion, so it never clears a grade an appraisal or acceptance gave, but a house that an
inspection finds C/D after an appraisal or acceptance said A/B is dangerous again until
appraised (it re-enters every list). An appraisal or inspection entered late, dated before the
one the house shows, does not replace it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.households.choices import GradeSource, PastProgramme
from anju.households.models import House, Household, SupportRecord
from anju.households.signals import facts_changed

SAFE = ("A", "B")
DANGEROUS = ("C", "D")
STATE_FIELDS = ("current_grade", "grade_source", "grade_on")
RENOVATION_FIELDS = ("renovated_year", "renovation_programme", "renovated_case_id")


def grade_applies(
    *,
    current: str,
    source: str,
    on: datetime.date | None,
    new_grade: str,
    new_source: str,
    new_on: datetime.date,
) -> bool:
    """Whether a finding (``new_*``) replaces the house's current grade."""
    if not current or on is None:
        return True
    if new_source != GradeSource.INSPECTION:
        if source == GradeSource.INSPECTION:
            # An appraisal or acceptance outweighs a suspicion, even one dated after it —
            # except a later suspicion of danger in a house it called safe, which stands
            # until the house is appraised again.
            return new_on >= on or not (current in DANGEROUS and new_grade in SAFE)
        return new_on >= on  # the later appraisal or acceptance decides
    if new_on < on:
        return False  # an older inspection entered late
    if source == GradeSource.INSPECTION:
        return True  # a newer inspection replaces an older suspicion
    # An inspection after an appraisal or acceptance only counts when it finds danger in a
    # house they called safe: it is then "suspected, awaiting appraisal".
    return new_grade in DANGEROUS and current in SAFE


def house_grade_set(
    *, acting_user: User, house: House, grade: str, source: str, on: datetime.date, note: str, notify: bool = True
) -> bool:
    """Write a finding to the house when it counts (``grade_applies``); audited, and the
    household's eligibility is re-evaluated (``notify``: unless the calling act already says
    so in its own words). Returns whether the house changed. Runs inside the caller's
    transaction (the act that found it)."""
    if grade not in (*SAFE, *DANGEROUS):
        raise ValidationError("房屋安全等级只能是 A、B、C、D。")
    if source not in GradeSource.values:
        raise ValidationError("未知的等级来源。")
    if source == GradeSource.ACCEPTANCE and grade not in SAFE:
        raise ValidationError(f"竣工验收后的房屋等级为 {grade} 级，不能记为已改造的安全住房（须为 A 级或 B 级）。")
    with transaction.atomic():
        locked = House.objects.select_for_update().get(pk=house.pk)
        if not grade_applies(
            current=locked.current_grade,
            source=locked.grade_source,
            on=locked.grade_on,
            new_grade=grade,
            new_source=source,
            new_on=on,
        ):
            return False
        before = model_snapshot(locked, STATE_FIELDS)
        locked.current_grade, locked.grade_source, locked.grade_on = grade, source, on
        changes = changes_between(before, model_snapshot(locked, STATE_FIELDS))
        if not changes:
            return False
        locked.save(update_fields=[*STATE_FIELDS, "updated_at"])
        house.current_grade, house.grade_source, house.grade_on = grade, source, on
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes, note=note)
        if notify:
            facts_changed(
                acting_user=acting_user,
                reason=f"房屋当前等级 {grade} 级（{GradeSource(source).label} {on:%Y-%m-%d}）",
                household_ids=[locked.household_id],
            )
    return True


def house_renovation_record(
    *, acting_user: User, house: House, year: int, programme: str, case_id: int, note: str
) -> None:
    """销号: the house is renovated — by which case, in which year and programme. Only a house
    whose current grade is A or B (set by the passed acceptance) can be recorded so."""
    if programme not in PastProgramme.values:
        raise ValidationError("未知的改造类型。")
    with transaction.atomic():
        locked = House.objects.select_for_update().get(pk=house.pk)
        if locked.current_grade not in SAFE:
            shown = f"{locked.current_grade} 级" if locked.current_grade else "未定级"
            raise ValidationError(f"房屋当前等级：{shown}。须竣工验收评定为 A 级或 B 级后才能记为已改造。")
        before = model_snapshot(locked, RENOVATION_FIELDS)
        locked.renovated_year, locked.renovation_programme, locked.renovated_case_id = year, programme, case_id
        locked.save(update_fields=["renovated_year", "renovation_programme", "renovated_case", "updated_at"])
        house.renovated_year, house.renovation_programme, house.renovated_case_id = year, programme, case_id
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes=changes_between(before, model_snapshot(locked, RENOVATION_FIELDS)),
            note=note,
        )
        facts_changed(
            acting_user=acting_user,
            reason=f"{year} 年{PastProgramme(programme).label}销号",
            household_ids=[locked.household_id],
        )


# --- who was supported (no second subsidy) ----------------------------------------------------


def support_open(
    *, household: Household, house: House | None, case_id: int, case_label: str, programme: str, year: int
) -> int:
    """A case opened for ``household``: every member is now being supported by it. Runs in the
    opening act's transaction (which audits the case)."""
    rows = [
        SupportRecord(
            id_number=m.id_number,
            name=m.name,
            household=household,
            house=house,
            case_id=case_id,
            case_label=case_label[:100],
            programme=programme,
            year=year,
        )
        for m in household.members.all()
    ]
    SupportRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def support_complete(*, case_id: int, on: datetime.date, case_label: str) -> int:
    """销号: the support by this case is complete (it now counts as a renovation received)."""
    return SupportRecord.objects.filter(case_id=case_id).update(completed_on=on, case_label=case_label[:100])


def support_withdraw(*, case_id: int) -> int:
    """A case ended before any money was paid: nobody was supported by it."""
    deleted, _ = SupportRecord.objects.filter(case_id=case_id).delete()
    return deleted


def support_history(
    *, household: Household, house: House | None, exclude_case_id: int | None = None
) -> list[SupportRecord]:
    """Every support the family or its only house received or is receiving, across years,
    programmes and households: the house's own renovations and every member's by ID number
    (a member who moved here from another household brings theirs). One row per case."""
    ids = list(household.members.values_list("id_number", flat=True))
    q = Q(id_number__in=ids) | Q(household=household)
    if house is not None:
        q |= Q(house=house)
    seen: dict[int, SupportRecord] = {}
    rows = SupportRecord.objects.filter(q).select_related("household").order_by("-year", "-pk")
    if exclude_case_id is not None:
        rows = rows.exclude(case_id=exclude_case_id)
    for r in rows:
        seen.setdefault(r.case_id, r)
    return list(seen.values())
