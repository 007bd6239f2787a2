"""Writes to households, members, key-group statuses and houses. Each checks the
actor's role and region, validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.core.dbops import batch_settings
from anju.core.scoping import in_scope
from anju.households.choices import DEFAULT_DEPARTMENT, KEY_GROUP_PRIORITY, KeyGroup, Relation
from anju.households.idcard import IdNumberError, parse_id_number
from anju.households.models import HOUSE_DATA_FIELDS, House, Household, HouseholdStatus, Member
from anju.households.permissions import can_write_households, can_write_statuses
from anju.households.signals import facts_changed, registered
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

HOUSEHOLD_FIELDS = (
    "region_code",
    "group_name",
    "address",
    "head_name",
    "head_id_number",
    "phone",
    "bank_name",
    "bank_account",
    "family_size",
)
HOUSE_FIELDS = ("region_code", *HOUSE_DATA_FIELDS)


_in_scope = in_scope


def _check_household_writer(user: Any, region: Region) -> None:
    if not can_write_households(user):
        raise PermissionDenied("您的角色不能登记或修改农户信息。")
    if not _in_scope(user, region.code):
        raise PermissionDenied("该村不在您的管辖范围内。")
    if region.level < RegionLevel.VILLAGE:
        raise ValidationError({"region": "农户须登记到村（社区）一级。"})


def _parse_id(raw: str, field: str) -> Any:
    try:
        return parse_id_number(raw)
    except IdNumberError as exc:
        raise ValidationError({field: str(exc)}) from exc


def _check_id_free(user: Any, number: str, field: str, exclude_member: int | None = None) -> None:
    """An ID number is registered once in the whole system (heads are members too)."""
    clash = Member.objects.select_related("household").filter(id_number=number)
    if exclude_member is not None:
        clash = clash.exclude(pk=exclude_member)
    other = clash.first()
    if other is None:
        return
    if _in_scope(user, other.household.region_code):
        raise ValidationError(
            {field: f"身份证号 {number} 已登记在 {other.household}（{other.name}）中，不能重复登记。"}
        )
    raise ValidationError({field: f"身份证号 {number} 已在其他地区登记，请核实；如需迁入请联系上级部门。"})


def recompute_primary_group(household: Household) -> str:
    active = set(household.statuses.filter(ended_on__isnull=True).values_list("group", flat=True))
    primary = next((g for g in KEY_GROUP_PRIORITY if g in active), "")
    if household.primary_group != primary:
        household.primary_group = primary
        household.save(update_fields=["primary_group", "updated_at"])
        # The houses carry the flag for the summaries' and the map's grouping (ADR 0053).
        House.objects.filter(household=household).exclude(key_household=bool(primary)).update(
            key_household=bool(primary)
        )
    return primary


def key_flags_repair() -> int:
    """Mend the houses whose ``key_household`` differs from their household's group (a write
    that went around the services: a raw SQL fix, a partial restore); returns how many were
    mended. The nightly full refresh runs it first (``manage.py refresh_summaries``), so the
    summaries and the map's cells it writes carry the mended flags; the services keep the flag,
    so it normally finds none. Both halves are joins (a ``NOT IN`` over the 400,000 key
    households of a province was asked per house: hours at 5,000,000 houses)."""
    with transaction.atomic():
        batch_settings()
        on = House.objects.filter(key_household=False).exclude(household__primary_group="")
        off = House.objects.filter(key_household=True, household__primary_group="")
        return on.update(key_household=True) + off.update(key_household=False)


def household_create(
    *,
    acting_user: User,
    region: Region,
    head_name: str,
    head_id_number: str,
    phone: str = "",
    group_name: str = "",
    address: str = "",
    bank_name: str = "",
    bank_account: str = "",
    family_size: int | None = None,
) -> Household:
    """Register a household; its head becomes its first member."""
    _check_household_writer(acting_user, region)
    head_name = head_name.strip()
    if not head_name:
        raise ValidationError({"head_name": "请填写户主姓名。"})
    info = _parse_id(head_id_number, "head_id_number")
    _check_id_free(acting_user, info.number, "head_id_number")
    with transaction.atomic():
        household = Household.objects.create(
            region=region,
            region_code=region.code,
            group_name=group_name.strip(),
            address=address.strip(),
            head_name=head_name,
            head_id_number=info.number,
            head_sex=info.sex,
            head_birth_date=info.birth_date,
            phone=phone.strip(),
            bank_name=bank_name.strip(),
            bank_account=bank_account.strip().replace(" ", ""),
            family_size=family_size,
        )
        Member.objects.create(
            household=household,
            name=head_name,
            id_number=info.number,
            relation=Relation.HEAD,
            sex=info.sex,
            birth_date=info.birth_date,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=household,
            changes=changes_between({}, model_snapshot(household, HOUSEHOLD_FIELDS)),
        )
        registered.send(sender=Household, household_id=household.pk, id_numbers=[info.number], acting_user=acting_user)
    return household


def household_update(*, acting_user: User, household: Household, **fields: Any) -> Household:
    """Change a household's registration (not its head's ID number, which keys it)."""
    allowed = {"region", "group_name", "address", "head_name", "phone", "bank_name", "bank_account", "family_size"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不能修改：{'、'.join(sorted(unknown))}")
    region = fields.get("region", household.region)
    _check_household_writer(acting_user, household.region)
    _check_household_writer(acting_user, region)
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        before = model_snapshot(locked, HOUSEHOLD_FIELDS)
        for name, value in fields.items():
            if name == "region":
                locked.region = value
                locked.region_code = value.code
            else:
                setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if not locked.head_name:
            raise ValidationError({"head_name": "请填写户主姓名。"})
        locked.save()
        if "head_name" in fields:
            locked.members.filter(relation=Relation.HEAD).update(name=locked.head_name)
        if "region" in fields:
            locked.houses.filter(region_code=household.region_code).update(region=region, region_code=region.code)
        changes = changes_between(before, model_snapshot(locked, HOUSEHOLD_FIELDS))
        if changes:
            audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def member_add(*, acting_user: User, household: Household, name: str, id_number: str, relation: str) -> Member:
    _check_household_writer(acting_user, household.region)
    if relation not in Relation.values or relation == Relation.HEAD:
        raise ValidationError({"relation": "请选择与户主的关系（户主随农户登记）。"})
    if not name.strip():
        raise ValidationError({"name": "请填写姓名。"})
    info = _parse_id(id_number, "id_number")
    _check_id_free(acting_user, info.number, "id_number")
    with transaction.atomic():
        member = Member.objects.create(
            household=household,
            name=name.strip(),
            id_number=info.number,
            relation=relation,
            sex=info.sex,
            birth_date=info.birth_date,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=member,
            changes=changes_between({}, model_snapshot(member, ("household_id", "name", "id_number", "relation"))),
        )
        registered.send(sender=Member, household_id=household.pk, id_numbers=[info.number], acting_user=acting_user)
    return member


def member_remove(*, acting_user: User, member: Member, reason: str) -> None:
    _check_household_writer(acting_user, member.household.region)
    if member.relation == Relation.HEAD:
        raise ValidationError("户主不能删除；如需更换户主请重新登记农户。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写删除原因（如：死亡、迁出、分户）。"})
    with transaction.atomic():
        snapshot = model_snapshot(member, ("household_id", "name", "id_number", "relation"))
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=member,
            changes=changes_between(snapshot, {}),
            note=reason.strip(),
        )
        member.delete()


def status_add(
    *,
    acting_user: User,
    household: Household,
    group: str,
    certified_on: datetime.date,
    department: str | None = None,
    source: str = "",
) -> HouseholdStatus:
    """Record that a department certified the household as a key group."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能认定重点对象身份。")
    if not _in_scope(acting_user, household.region_code):
        raise PermissionDenied("该农户不在您的管辖范围内。")
    if group not in KeyGroup.values:
        raise ValidationError({"group": "请选择重点对象类别。"})
    if certified_on > datetime.date.today():
        raise ValidationError({"certified_on": "认定日期不能晚于今天。"})
    if household.statuses.filter(group=group, ended_on__isnull=True).exists():
        raise ValidationError({"group": f"该户已是{KeyGroup(group).label}。"})
    with transaction.atomic():
        status = HouseholdStatus.objects.create(
            household=household,
            group=group,
            department=department or DEFAULT_DEPARTMENT[group],
            certified_on=certified_on,
            source=source[:200],
        )
        recompute_primary_group(household)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=status,
            changes=changes_between({}, model_snapshot(status, ("group", "department", "certified_on", "source"))),
        )
        facts_changed(
            acting_user=acting_user, reason=f"认定为{status.get_group_display()}", household_ids=[household.pk]
        )
    return status


def status_end(
    *, acting_user: User, status: HouseholdStatus, ended_on: datetime.date, note: str = ""
) -> HouseholdStatus:
    """The household leaves the group (出列); the status row is kept with its end date."""
    household = status.household
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能调整重点对象身份。")
    if not _in_scope(acting_user, household.region_code):
        raise PermissionDenied("该农户不在您的管辖范围内。")
    if status.ended_on is not None:
        raise ValidationError(f"该身份已于 {status.ended_on:%Y-%m-%d} 出列。")
    if ended_on < status.certified_on:
        raise ValidationError({"ended_on": "出列日期不能早于认定日期。"})
    with transaction.atomic():
        status.ended_on = ended_on
        status.save(update_fields=["ended_on"])
        recompute_primary_group(household)
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=status,
            changes={"ended_on": {"before": None, "after": ended_on.isoformat()}},
            note=note,
        )
        facts_changed(acting_user=acting_user, reason=f"{status.get_group_display()}出列", household_ids=[household.pk])
    return status


def _coerce_coordinates(values: dict[str, Any]) -> None:
    """GPS from a phone or a spreadsheet arrives as float; store 6 decimals (~0.1 m)."""
    for key in ("latitude", "longitude"):
        value = values.get(key)
        if isinstance(value, (float, int, str)) and value != "":
            try:
                values[key] = Decimal(str(value)).quantize(Decimal("0.000001"))
            except ArithmeticError as exc:
                raise ValidationError({key: "经纬度格式不正确。"}) from exc


def _validate_house(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    occupants = values.get("occupants") or 0
    elderly = values.get("elderly_occupants") or 0
    if elderly > occupants:
        errors["elderly_occupants"] = "60 岁以上老人数不能多于居住人数。"
    if values.get("is_occupied") is False and occupants:
        errors["occupants"] = "房屋未住人时居住人数应为 0。"
    lat, lng = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lng is None):
        errors["latitude"] = "经纬度须同时填写。"
    elif (
        lat is not None
        and lng is not None
        and not (Decimal(3) <= Decimal(lat) <= Decimal(54) and Decimal(73) <= Decimal(lng) <= Decimal(136))
    ):
        errors["latitude"] = "经纬度不在中国境内，请检查。"
    if values.get("renovation_programme") and not values.get("renovated_year"):
        errors["renovated_year"] = "填写了曾改造类型，请同时填写改造年份。"
    year = values.get("build_year")
    if year and year > datetime.date.today().year:
        errors["build_year"] = "建造年份不能晚于今年。"
    if errors:
        raise ValidationError(errors)


def house_create(*, acting_user: User, household: Household, **values: Any) -> House:
    """Register a house of a household. Only one house may be its only house."""
    region = values.pop("region", None) or household.region
    _check_household_writer(acting_user, household.region)
    _check_household_writer(acting_user, region)
    unknown = set(values) - set(HOUSE_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    _coerce_coordinates(values)
    _validate_house(values)
    if values.get("is_only_house", True) and household.houses.filter(is_only_house=True).exists():
        raise ValidationError({"is_only_house": "该户已登记唯一住房；如该户有多处房屋，请取消「唯一住房」。"})
    with transaction.atomic():
        # The group as committed, read under the household's lock: a status added or ended
        # meanwhile (it saves the household row) is either seen here or waits (ADR 0053).
        group = Household.objects.select_for_update().values_list("primary_group", flat=True).get(pk=household.pk)
        house = House(
            household=household,
            region=region,
            region_code=region.code,
            key_household=bool(group),
            **values,
        )
        house.full_clean(exclude=["household", "region"])
        house.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=house,
            changes=changes_between({}, model_snapshot(house, HOUSE_FIELDS)),
        )
        facts_changed(acting_user=acting_user, reason="登记房屋", household_ids=[household.pk])
        if house.is_only_house:
            registered.send(sender=House, household_id=household.pk, id_numbers=[], acting_user=acting_user)
    return house


def house_update(*, acting_user: User, house: House, **values: Any) -> House:
    region = values.pop("region", None) or house.region
    _check_household_writer(acting_user, house.region)
    _check_household_writer(acting_user, region)
    unknown = set(values) - set(HOUSE_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    _coerce_coordinates(values)
    merged = {name: getattr(house, name) for name in HOUSE_FIELDS} | values
    _validate_house(merged)
    if merged["is_only_house"] and house.household.houses.filter(is_only_house=True).exclude(pk=house.pk).exists():
        raise ValidationError({"is_only_house": "该户已有另一处唯一住房。"})
    with transaction.atomic():
        locked = House.objects.select_for_update().get(pk=house.pk)
        before = model_snapshot(locked, HOUSE_FIELDS)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.region = region
        locked.region_code = region.code
        locked.full_clean(exclude=["household", "region"])
        locked.save()
        changes = changes_between(before, model_snapshot(locked, HOUSE_FIELDS))
        if changes:
            audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes)
            facts_changed(acting_user=acting_user, reason="房屋信息变更", household_ids=[locked.household_id])
    return locked
