"""以人找房: where a household with no house of its own to inspect lives (housing checks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.core.scoping import in_scope
from anju.households.models import House, Household
from anju.households.signals import facts_changed
from anju.inspections.acts import HouseholdVisit, ensure_act
from anju.inspections.choices import ActKind, HousingKind
from anju.inspections.models import Campaign, HousingCheck
from anju.inspections.photos import process_photo


@refusals_audited("核实住房情况", obj_kwarg="household")
def housing_check_record(
    *,
    acting_user: User,
    campaign: Campaign,
    household: Household,
    kind: str,
    recorded_on: datetime.date,
    evidence: str,
    host_house: House | None = None,
    host_note: str = "",
    photo: Any = None,
) -> HousingCheck:
    """Record where a household lives when it has no house of its own to inspect (无房, 借住,
    租住, 与子女同住), with the evidence: it covers the household in the campaign's 以人找房. A
    无房 finding tells eligibility (a key-group household with no house is covered by the rules);
    for the others the house they live in, if registered, is named so its safety is known."""
    ensure_act(ActKind.HOUSING_CHECK, acting_user, HouseholdVisit(household, campaign))
    errors = _date_and_evidence_errors(campaign, recorded_on, evidence) | _where_errors(
        acting_user, household, kind, host_house, host_note
    )
    if errors:
        raise ValidationError(errors)
    processed = process_photo(photo) if photo else None
    with transaction.atomic():
        check = HousingCheck.objects.create(
            campaign=campaign,
            household=household,
            region_code=household.region_code,
            kind=kind,
            host_house=host_house,
            host_note=host_note.strip()[:200],
            evidence=evidence.strip()[:300],
            recorded_on=recorded_on,
            recorded_by=acting_user,
        )
        if processed is not None:
            check.photo.save(f"housing-{check.pk}.jpg", processed.content, save=True)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=check,
            changes=changes_between({}, model_snapshot(check, ("kind", "host_house_id", "host_note", "recorded_on"))),
            note=f"以人找房：{check.get_kind_display()}（{campaign.title}）",
        )
        facts_changed(
            acting_user=acting_user, reason=f"以人找房核实：{check.get_kind_display()}", household_ids=[household.pk]
        )
    return check


def _date_and_evidence_errors(campaign: Campaign, recorded_on: datetime.date, evidence: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = "核实日期不能晚于今天。"
    elif recorded_on < campaign.starts_on:
        errors["recorded_on"] = f"核实日期不能早于排查任务开始日期 {campaign.starts_on:%Y-%m-%d}。"
    if not evidence.strip():
        errors["evidence"] = "请填写核实依据（如村委会证明、租房协议、走访情况）。"
    return errors


def _where_errors(
    acting_user: User, household: Household, kind: str, host_house: House | None, host_note: str
) -> dict[str, str]:
    """无房 only when no only house is registered and no host house is named; otherwise the host
    house (another household's, in the user's scope) or where it is."""
    errors: dict[str, str] = {}
    if kind not in HousingKind.values:
        errors["kind"] = "请选择居住情况（无房、借住、租住或与子女同住）。"
    if kind == HousingKind.NO_HOUSE:
        if household.houses.filter(is_only_house=True).exists():
            errors["kind"] = "该户已登记唯一住房，不能核实为无房；请排查该房屋，或先更正房屋登记。"
        if host_house is not None:
            errors["host_house"] = "无房户不填所住房屋；借住、租住或与子女同住时才填。"
    elif host_house is None and not host_note.strip():
        errors["host_note"] = "请选择所住的房屋，或写明居住地点（该房屋未登记时）。"
    if host_house is not None:
        if host_house.household_id == household.pk:
            errors["host_house"] = "所住房屋应为其他农户的房屋。"
        elif not in_scope(acting_user, host_house.region_code):
            errors["host_house"] = "所住房屋不在您的管辖范围内，请写明居住地点。"
    return errors
