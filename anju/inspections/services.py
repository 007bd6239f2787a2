"""Writes of the inspection work (requirements §5). Each checks the actor's role and region,
validates with Chinese messages, writes and audits in one transaction."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from anju.accounts.choices import Role
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.core.masking import Kind, mask
from anju.core.scoping import in_scope
from anju.households.choices import Department, GradeSource, KeyGroup
from anju.households.models import House, Household
from anju.households.safety import house_grade_set
from anju.households.services import status_add
from anju.households.signals import facts_changed
from anju.inspections.choices import (
    DANGEROUS_GRADES,
    EventKind,
    FollowUpReason,
    Grade,
    HazardPart,
    HousingKind,
    InspectionKind,
    MeasureKind,
    ReferralStatus,
    TaskPriority,
    VillageListStatus,
)
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    EmergencyTask,
    FollowUp,
    HazardItem,
    HousingCheck,
    Inspection,
    InspectionPhoto,
    Referral,
    VillageList,
)
from anju.inspections.photos import Photo, process_photo
from anju.inspections.rules import inspection_rules
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

INSPECT_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
ORGANISE_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
DEPARTMENT_ROLE = {
    Department.CIVIL_AFFAIRS: Role.CIVIL_AFFAIRS,
    Department.RURAL_REVITALIZATION: Role.RURAL_REVITALIZATION,
}
ELDERLY_AGE = 60
HOUSE_STATE_FIELDS = (
    "suspected_grade",
    "is_occupied",
    "occupants",
    "elderly_occupants",
    "lives_in_two_houses",
    "last_inspected_at",
)


def _require(user: Any, roles: tuple[str, ...], message: str) -> None:
    if not (user.is_superuser or user.has_role(*roles)):
        raise PermissionDenied(message)


def _require_scope(user: Any, region_code: str, message: str) -> None:
    if not in_scope(user, region_code):
        raise PermissionDenied(message)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _coordinate(raw: Any, low: int, high: int, label: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"latitude": f"{label}「{raw}」不是数字。"}) from exc
    if not low <= value <= high:
        raise ValidationError({"latitude": f"{label}超出范围（{low}～{high}）。"})
    return value


def check_gps(house: House, latitude: Decimal, longitude: Decimal) -> None:
    """The point must be near the house (or its village): refuse a point far away with the distance."""
    rules = inspection_rules()
    lat, lon = float(latitude), float(longitude)
    if house.latitude is not None and house.longitude is not None:
        km = distance_km(lat, lon, float(house.latitude), float(house.longitude))
        if km > rules.gps_max_km_from_house:
            raise ValidationError(
                {
                    "latitude": f"定位点距该房屋登记位置 {km:.1f} 公里（允许 {rules.gps_max_km_from_house:g} 公里内），"
                    "请在现场重新定位；如房屋登记位置有误，请先更正房屋信息。"
                }
            )
        return
    centre = (
        House.objects.filter(region_id=house.region_id, latitude__isnull=False, longitude__isnull=False)
        .exclude(pk=house.pk)
        .aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    )
    if centre["lat"] is None:
        return  # nothing in the village to compare with: the point becomes the first reference
    km = distance_km(lat, lon, float(centre["lat"]), float(centre["lon"]))
    if km > rules.gps_max_km_from_village:
        raise ValidationError(
            {
                "latitude": f"定位点距{house.region.name}已登记房屋的中心 {km:.1f} 公里"
                f"（允许 {rules.gps_max_km_from_village:g} 公里内），请在现场重新定位。"
            }
        )


def _ages(raw: Any) -> list[int]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        parts = [p for p in raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p.strip()]
    else:
        parts = list(raw)
    ages: list[int] = []
    for part in parts:
        try:
            age = int(str(part).strip())
        except ValueError as exc:
            raise ValidationError({"occupant_ages": f"年龄「{part}」不是整数。"}) from exc
        if not 0 <= age <= 120:
            raise ValidationError({"occupant_ages": f"年龄 {age} 不合理（0～120）。"})
        ages.append(age)
    return ages


def inspection_record(
    *,
    acting_user: Any,
    house: House,
    suspected_grade: str,
    is_occupied: bool,
    occupant_ages: Any = (),
    hazards: list[str] | tuple[str, ...] = (),
    lives_in_two_houses: bool = False,
    campaign: Campaign | None = None,
    event: EmergencyEvent | None = None,
    inspected_at: datetime.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
    gps_accuracy_m: int | None = None,
    gps_source: str = "",
    family_poor_not_listed: bool = False,
    referral_department: str = Department.CIVIL_AFFAIRS,
    poverty_note: str = "",
    note: str = "",
    photos: list[Any] | tuple[Any, ...] = (),
    submission_id: str = "",
) -> Inspection:
    """Record one inspection of a house, update the house's state, and open what follows from
    it: a referral (以房找人), follow-ups for elderly occupants or a family in two houses.

    ``submission_id`` is made by the phone for one filled-in form: when its first answer was lost
    on a weak signal and the clerk submits again, the record already made is returned unchanged."""
    _require(acting_user, INSPECT_ROLES, "您的角色不能录入排查记录。")
    _require_scope(acting_user, house.region_code, "该房屋不在您的管辖范围内，不能排查。")
    submission_id = submission_id.strip()
    if len(submission_id) > 64:
        raise ValidationError("提交编号过长。")
    if submission_id:
        earlier = Inspection.objects.filter(inspector=acting_user, submission_id=submission_id).first()
        if earlier is not None:
            if earlier.house_id != house.pk:
                raise ValidationError("该提交编号已用于另一处房屋的排查记录，请刷新页面后重新填写。")
            return earlier
    rules = inspection_rules()
    errors: dict[str, str] = {}
    if suspected_grade not in Grade.values:
        errors["suspected_grade"] = "请选择初判等级（A、B、C、D）。"
    items = dict(HazardItem.objects.filter(code__in=list(hazards)).values_list("code", "is_active"))
    retired = [h for h in hazards if items.get(h) is False]
    unknown = [h for h in hazards if h not in items]
    if unknown:
        errors["hazards"] = f"未知的隐患项：{'、'.join(unknown)}"
    elif retired:
        labels = dict(HazardItem.objects.filter(code__in=retired).values_list("code", "label"))
        errors["hazards"] = f"隐患项已停用，请取消勾选：{'、'.join(labels[h] for h in retired)}"
    ages = _ages(occupant_ages)
    if is_occupied and not ages:
        errors["occupant_ages"] = "住人的房屋请填写每位居住人的年龄。"
    if not is_occupied and ages:
        errors["occupant_ages"] = "不住人的房屋不应填写居住人年龄。"
    if len(photos) > rules.photos_per_inspection:
        errors["photos"] = f"照片最多 {rules.photos_per_inspection} 张。"
    inspected_at = inspected_at or timezone.now()
    if inspected_at > timezone.now() + datetime.timedelta(minutes=10):
        errors["inspected_at"] = "排查时间不能晚于现在。"
    if errors:
        raise ValidationError(errors)
    lat = _coordinate(latitude, -90, 90, "纬度")
    lon = _coordinate(longitude, -180, 180, "经度")
    if (lat is None) != (lon is None):
        raise ValidationError({"latitude": "经纬度须同时填写。"})
    kind = InspectionKind.ROUTINE
    if event is not None:
        kind = InspectionKind.EMERGENCY
        if not event.villages.filter(pk=house.region_id).exists():
            raise ValidationError({"event": f"{house.region.name}不在「{event}」的受影响村中。"})
    if campaign is not None and not campaign.villages.filter(pk=house.region_id).exists():
        raise ValidationError({"campaign": f"{house.region.name}不在「{campaign}」的排查村中。"})
    household = house.household
    if family_poor_not_listed:
        if household.primary_group:
            raise ValidationError(
                {"family_poor_not_listed": f"该户已是{KeyGroup(household.primary_group).label}，无需转交核实。"}
            )
        if referral_department not in DEPARTMENT_ROLE:
            raise ValidationError({"referral_department": "请选择转交民政或乡村振兴部门。"})
        if not poverty_note.strip():
            raise ValidationError({"poverty_note": "请简要说明该户的困难情况，供部门核实。"})
    processed: list[Photo] = [process_photo(p) for p in photos]
    if lat is None:  # no device position: take the first photo that carries one
        with_gps = next((p for p in processed if p.latitude is not None), None)
        if with_gps is not None:
            lat, lon, gps_source = with_gps.latitude, with_gps.longitude, "photo"
    elif not gps_source:
        gps_source = "device"
    if lat is not None and lon is not None:
        check_gps(house, lat, lon)
    elderly = sum(1 for a in ages if a >= ELDERLY_AGE)

    with transaction.atomic():
        inspection = Inspection.objects.create(
            house=house,
            household=household,
            region_code=house.region_code,
            kind=kind,
            campaign=campaign,
            event=event,
            inspector=acting_user,
            inspected_at=inspected_at,
            latitude=lat,
            longitude=lon,
            gps_accuracy_m=gps_accuracy_m,
            gps_source=gps_source if lat is not None else "",
            hazards=list(hazards),
            suspected_grade=suspected_grade,
            is_occupied=is_occupied,
            occupant_ages=ages,
            elderly_occupants=elderly,
            lives_in_two_houses=lives_in_two_houses,
            family_poor_not_listed=family_poor_not_listed,
            note=note,
            submission_id=submission_id,
        )
        for photo in processed:
            InspectionPhoto.objects.create(
                inspection=inspection,
                image=photo.content,
                exif_latitude=photo.latitude,
                exif_longitude=photo.longitude,
            )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=inspection,
            changes=changes_between(
                {},
                model_snapshot(
                    inspection,
                    ("kind", "suspected_grade", "is_occupied", "occupant_ages", "hazards", "latitude", "longitude"),
                )
                | {"photos": len(processed)},
            ),
        )
        _update_house_state(acting_user, house, inspection)
        if event is not None:
            EmergencyTask.objects.filter(event=event, house=house, inspection__isnull=True).update(
                inspection=inspection
            )
        if family_poor_not_listed:
            referral = Referral.objects.create(
                inspection=inspection,
                household=household,
                region_code=household.region_code,
                department=referral_department,
                reason=poverty_note.strip(),
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=referral,
                changes={"department": {"before": None, "after": referral_department}},
                note="以房找人：排查发现困难家庭，转部门核实",
            )
        dangerous = suspected_grade in DANGEROUS_GRADES
        if dangerous and elderly:
            _open_follow_up(acting_user, house, inspection, FollowUpReason.ELDERLY)
        if lives_in_two_houses:
            _open_follow_up(acting_user, house, inspection, FollowUpReason.TWO_HOUSES)
    return inspection


def _update_house_state(acting_user: Any, house: House, inspection: Inspection) -> None:
    locked = House.objects.select_for_update().get(pk=house.pk)
    if locked.last_inspected_at and locked.last_inspected_at > inspection.inspected_at:
        return  # an older inspection entered late does not overwrite a newer one
    before = model_snapshot(locked, HOUSE_STATE_FIELDS)
    locked.suspected_grade = inspection.suspected_grade
    locked.is_occupied = inspection.is_occupied
    locked.occupants = inspection.occupants
    locked.elderly_occupants = inspection.elderly_occupants
    locked.lives_in_two_houses = inspection.lives_in_two_houses
    locked.last_inspected_at = inspection.inspected_at
    locked.save(update_fields=[*HOUSE_STATE_FIELDS, "updated_at"])
    changes = changes_between(before, model_snapshot(locked, HOUSE_STATE_FIELDS))
    if changes:
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes, note=f"排查记录 {inspection.pk}"
        )
    # The finding becomes the house's current grade when it counts (ADR 0021): never over an
    # appraisal's danger, but a renovated A/B house found C/D is dangerous again.
    regraded = house_grade_set(
        acting_user=acting_user,
        house=locked,
        grade=inspection.suspected_grade,
        source=GradeSource.INSPECTION,
        on=timezone.localdate(inspection.inspected_at),
        note=f"排查记录 {inspection.pk} 初判为 {inspection.suspected_grade} 级",
        notify=False,
    )
    if regraded or "suspected_grade" in changes:
        facts_changed(
            acting_user=acting_user,
            reason=f"排查初判为 {locked.suspected_grade} 级",
            household_ids=[locked.household_id],
        )
    house.refresh_from_db()


def _open_follow_up(acting_user: Any, house: House, inspection: Inspection, reason: str) -> None:
    if FollowUp.objects.filter(house=house, reason=reason, demolished_on__isnull=True).exists():
        return
    follow_up = FollowUp.objects.create(
        household=house.household,
        house=house,
        region_code=house.region_code,
        reason=reason,
        inspection=inspection,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=follow_up,
        changes={"reason": {"before": None, "after": reason}},
        note=f"排查记录 {inspection.pk} 发现",
    )


# --- 以房找人 referrals -------------------------------------------------------------------------


def referral_decide(
    *,
    acting_user: Any,
    referral: Referral,
    confirm: bool,
    group: str = "",
    note: str = "",
    decided_on: datetime.date | None = None,
) -> Referral:
    """The department's liaison confirms (the household gains the status) or declines with a reason."""
    role = DEPARTMENT_ROLE[Department(referral.department)]
    _require(acting_user, (role,), f"只有{Role(role).label}可以核实转交给{referral.get_department_display()}的农户。")
    _require_scope(acting_user, referral.region_code, "该农户不在您的管辖范围内。")
    decided_on = decided_on or timezone.localdate()
    if confirm and group not in KeyGroup.values:
        raise ValidationError({"group": "认定时请选择重点对象类别。"})
    if not confirm and not note.strip():
        raise ValidationError({"decision_note": "不予认定时请写明理由。"})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.PENDING:
            raise ValidationError(
                f"该转交已于 {locked.decided_on:%Y-%m-%d} {locked.get_status_display()}，不能重复核实。"
            )
        if confirm:
            status_add(
                acting_user=acting_user,
                household=locked.household,
                group=group,
                certified_on=decided_on,
                department=locked.department,
                source=f"以房找人转交 {locked.pk}",
            )
        locked.status = ReferralStatus.CONFIRMED if confirm else ReferralStatus.DECLINED
        locked.group = group if confirm else ""
        locked.decided_by = acting_user
        locked.decided_on = decided_on
        locked.decision_note = note.strip()
        locked.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={
                "status": {"before": ReferralStatus.PENDING, "after": locked.status},
                **({"group": {"before": "", "after": group}} if confirm else {}),
            },
            note=locked.decision_note,
        )
    return locked


# --- campaigns ---------------------------------------------------------------------------------


def _villages_in(region: Region, villages: list[Region] | None) -> list[Region]:
    if villages is None:
        return list(Region.objects.filter(code__startswith=region.prefix, level=RegionLevel.VILLAGE))
    outside = [v.name for v in villages if not v.code.startswith(region.prefix) or v.level != RegionLevel.VILLAGE]
    if outside:
        raise ValidationError({"villages": f"不在{region.name}的村：{'、'.join(outside)}"})
    return villages


def campaign_create(
    *,
    acting_user: Any,
    title: str,
    year: int,
    region: Region,
    starts_on: datetime.date,
    deadline: datetime.date,
    villages: list[Region] | None = None,
    inspectors: list[Any] | tuple[Any, ...] = (),
    list_due: datetime.date | None = None,
) -> Campaign:
    _require(acting_user, ORGANISE_ROLES, "只有乡镇或区县住建部门可以部署排查。")
    _require_scope(acting_user, region.code, "该区划不在您的管辖范围内。")
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        raise ValidationError({"region": "排查任务按区县或乡镇部署。"})
    if not title.strip():
        raise ValidationError({"title": "请填写名称。"})
    if deadline < starts_on:
        raise ValidationError({"deadline": "完成期限不能早于开始日期。"})
    chosen = _villages_in(region, villages)
    if not chosen:
        raise ValidationError({"villages": "请至少选择一个村。"})
    outside = [u.username for u in inspectors if not u.region or not u.region.code.startswith(region.prefix)]
    if outside:
        raise ValidationError({"inspectors": f"排查人员须在{region.name}内：{'、'.join(outside)}"})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(),
            year=year,
            region=region,
            region_code=region.code,
            starts_on=starts_on,
            deadline=deadline,
            list_due=list_due or inspection_rules().village_list_due(year),
            created_by=acting_user,
        )
        campaign.villages.set(chosen)
        campaign.inspectors.set(inspectors)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=campaign,
            changes=changes_between(
                {}, model_snapshot(campaign, ("title", "year", "starts_on", "deadline", "list_due"))
            )
            | {"villages": {"before": None, "after": len(chosen)}},
        )
    return campaign


# --- 以人找房: households with no house of their own to inspect ---------------------------------


@refusals_audited("核实住房情况", obj_kwarg="household")
def housing_check_record(
    *,
    acting_user: Any,
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
    _require(acting_user, INSPECT_ROLES, "您的角色不能核实住房情况。")
    _require_scope(acting_user, household.region_code, "该农户不在您的管辖范围内。")
    errors: dict[str, str] = {}
    if kind not in HousingKind.values:
        errors["kind"] = "请选择居住情况（无房、借住、租住或与子女同住）。"
    if not campaign.villages.filter(pk=household.region_id).exists():
        errors["campaign"] = f"「{campaign.title}」不包括该户所在村。"
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = "核实日期不能晚于今天。"
    elif recorded_on < campaign.starts_on:
        errors["recorded_on"] = f"核实日期不能早于排查任务开始日期 {campaign.starts_on:%Y-%m-%d}。"
    if not evidence.strip():
        errors["evidence"] = "请填写核实依据（如村委会证明、租房协议、走访情况）。"
    own = household.houses.filter(is_only_house=True).first()
    if kind == HousingKind.NO_HOUSE:
        if own is not None:
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
            acting_user=acting_user,
            reason=f"以人找房核实：{check.get_kind_display()}",
            household_ids=[household.pk],
        )
    return check


# --- emergency inspections ---------------------------------------------------------------------


def task_priority(house: House) -> tuple[int, str]:
    """Worst first: known C/D (the house's current grade, appraised or suspected), elderly
    occupants, previously renovated, the rest."""
    if house.current_grade in DANGEROUS_GRADES:
        source = GradeSource(house.grade_source).label if house.grade_source else ""
        return TaskPriority.KNOWN_DANGEROUS, f"已知{Grade(house.current_grade).label}（{source}）"
    if house.is_occupied and house.elderly_occupants:
        return TaskPriority.ELDERLY, f"住有 {house.elderly_occupants} 位 60 岁以上老人"
    if house.renovated_year:
        return TaskPriority.RENOVATED, f"{house.renovated_year} 年改造"
    return TaskPriority.OTHER, ""


def emergency_declare(
    *,
    acting_user: Any,
    kind: str,
    title: str,
    occurred_on: datetime.date,
    region: Region,
    villages: list[Region],
    note: str = "",
) -> EmergencyEvent:
    """Declare an event for a set of villages and create an inspection task for every house there."""
    _require(acting_user, ORGANISE_ROLES, "只有乡镇或区县住建部门可以启动应急排查。")
    _require_scope(acting_user, region.code, "该区划不在您的管辖范围内。")
    if kind not in EventKind.values:
        raise ValidationError({"kind": "请选择灾害或事件类型。"})
    if not title.strip():
        raise ValidationError({"title": "请填写名称。"})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "发生日期不能晚于今天。"})
    if not villages:
        raise ValidationError({"villages": "请选择受影响的村。"})
    chosen = _villages_in(region, villages)
    with transaction.atomic():
        event = EmergencyEvent.objects.create(
            kind=kind,
            title=title.strip(),
            occurred_on=occurred_on,
            region=region,
            region_code=region.code,
            note=note,
            created_by=acting_user,
        )
        event.villages.set(chosen)
        tasks = []
        for house in House.objects.filter(region__in=chosen).only(
            "pk", "region_code", "current_grade", "grade_source", "is_occupied", "elderly_occupants", "renovated_year"
        ):
            priority, reason = task_priority(house)
            tasks.append(
                EmergencyTask(event=event, house=house, region_code=house.region_code, priority=priority, reason=reason)
            )
        EmergencyTask.objects.bulk_create(tasks, batch_size=1000)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=event,
            changes=changes_between({}, model_snapshot(event, ("kind", "title", "occurred_on")))
            | {"villages": {"before": None, "after": len(chosen)}, "tasks": {"before": None, "after": len(tasks)}},
        )
    return event


# --- control measures --------------------------------------------------------------------------


def measure_record(
    *,
    acting_user: Any,
    house: House,
    kind: str,
    taken_on: datetime.date,
    responsible: str,
    note: str = "",
) -> ControlMeasure:
    _require(acting_user, INSPECT_ROLES, "您的角色不能登记管控措施。")
    _require_scope(acting_user, house.region_code, "该房屋不在您的管辖范围内。")
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
    *, acting_user: Any, measure: ControlMeasure, verified_on: datetime.date, note: str, in_place: bool = True
) -> ControlMeasure:
    """A later check by someone else. A verified evacuation means nobody lives in the house now."""
    _require(acting_user, ORGANISE_ROLES, "管控措施由乡镇或区县住建部门核查。")
    _require_scope(acting_user, measure.region_code, "该房屋不在您的管辖范围内。")
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


# --- the villages' signed lists ----------------------------------------------------------------


def village_list_content(campaign: Campaign, village: Region) -> list[dict[str, Any]]:
    """The village's C/D only houses as they stand now (current grade: suspected or appraised)."""
    houses = (
        House.objects.filter(region=village, is_only_house=True, current_grade__in=DANGEROUS_GRADES)
        .select_related("household")
        .order_by("group_name", "household__head_name", "pk")
    )
    return [
        {
            "house": h.pk,
            "head_name": h.household.head_name,
            "id_number": mask(h.household.head_id_number, Kind.ID),
            "group_name": h.group_name,
            "address": h.address,
            "structure": h.get_structure_display(),
            "grade": h.current_grade,
            "occupied": h.is_occupied,
            "occupants": h.occupants,
            "key_group": KeyGroup(h.household.primary_group).label if h.household.primary_group else "一般农户",
        }
        for h in houses
    ]


def village_list_sign(*, acting_user: Any, campaign: Campaign, village: Region) -> VillageList:
    """The village head's recorded electronic sign-off of the village's list."""
    if not acting_user.has_role(Role.VILLAGE_HEAD) or acting_user.region_id != village.pk:
        raise PermissionDenied(f"只有{village.name}的村主要负责人本人可以签字。")
    if not campaign.villages.filter(pk=village.pk).exists():
        raise ValidationError(f"{village.name}不在「{campaign}」的排查村中。")
    existing = VillageList.objects.filter(campaign=campaign, village=village).select_related("signed_by").first()
    if existing is not None:
        raise ValidationError(
            f"本村清单已于 {timezone.localtime(existing.signed_at):%Y-%m-%d %H:%M} "
            f"由 {existing.signed_by.display_name()} 签字，不能重复签字。"
        )
    content = village_list_content(campaign, village)
    signed_at = timezone.now()
    digest = hashlib.sha256(
        json.dumps(
            {"campaign": campaign.pk, "village": village.code, "houses": content, "signer": acting_user.username}
            | {"signed_at": signed_at.isoformat()},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    with transaction.atomic():
        record = VillageList.objects.create(
            campaign=campaign,
            village=village,
            region_code=village.code,
            houses=content,
            digest=digest,
            status=VillageListStatus.SIGNED,
            signed_by=acting_user,
            signed_at=signed_at,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=record,
            changes={"houses": {"before": None, "after": len(content)}, "digest": {"before": None, "after": digest}},
            note="村主要负责人电子签字",
        )
    return record


def village_list_receive(*, acting_user: Any, village_list: VillageList) -> VillageList:
    _require(acting_user, (Role.TOWNSHIP_OFFICER,), "由乡镇建环办接收村级清单。")
    _require_scope(acting_user, village_list.region_code, "该村不在您的管辖范围内。")
    with transaction.atomic():
        locked = VillageList.objects.select_for_update().get(pk=village_list.pk)
        if locked.status == VillageListStatus.RECEIVED:
            raise ValidationError("该清单已接收。")
        locked.status = VillageListStatus.RECEIVED
        locked.received_by = acting_user
        locked.received_at = timezone.now()
        locked.save(update_fields=["status", "received_by", "received_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"status": {"before": VillageListStatus.SIGNED, "after": VillageListStatus.RECEIVED}},
        )
    return locked


# --- follow-ups --------------------------------------------------------------------------------


def follow_up_step(
    *,
    acting_user: Any,
    follow_up: FollowUp,
    step: str,
    on: datetime.date,
    photo: Any,
    moved_to: str = "",
) -> FollowUp:
    """Record that the people moved to a safe house, or that the old house was demolished."""
    _require(acting_user, INSPECT_ROLES, "您的角色不能登记跟进情况。")
    _require_scope(acting_user, follow_up.region_code, "该农户不在您的管辖范围内。")
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天。"})
    if photo is None:
        raise ValidationError({"photo": "请上传现场照片。"})
    if step == "moved":
        if follow_up.moved_on is not None:
            raise ValidationError(f"已于 {follow_up.moved_on:%Y-%m-%d} 登记搬迁。")
        if not moved_to.strip():
            raise ValidationError({"moved_to": "请填写安置去向（如：搬入子女家安全住房）。"})
    elif step == "demolished":
        if follow_up.moved_on is None:
            raise ValidationError("请先登记人员搬入安全住房，再登记旧房拆除。")
        if follow_up.demolished_on is not None:
            raise ValidationError(f"已于 {follow_up.demolished_on:%Y-%m-%d} 登记拆除。")
        if on < follow_up.moved_on:
            raise ValidationError({"on": "拆除日期不能早于搬迁日期。"})
    else:
        raise ValidationError("未知的跟进步骤。")
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
            house = House.objects.select_for_update().get(pk=follow_up.house_id)
            before = model_snapshot(house, ("is_occupied", "occupants", "elderly_occupants", "lives_in_two_houses"))
            house.is_occupied, house.occupants, house.elderly_occupants, house.lives_in_two_houses = False, 0, 0, False
            house.save(update_fields=["is_occupied", "occupants", "elderly_occupants", "lives_in_two_houses"])
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=house,
                changes=changes_between(
                    before,
                    model_snapshot(house, ("is_occupied", "occupants", "elderly_occupants", "lives_in_two_houses")),
                ),
                note=f"跟进任务 {follow_up.pk}：人员已搬入安全住房",
            )
    return follow_up


# --- the hazard checklist ----------------------------------------------------------------------

CHECKLIST_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHECKLIST_FIELDS = ("code", "label", "part", "serious", "order", "is_active")


def can_manage_checklist(user: Any) -> bool:
    """The checklist is one list for every region, so it is kept by a system administrator
    sitting at a county or above (or the operator), not by a township's."""
    if user.is_superuser:
        return True
    region = getattr(user, "region", None)
    return bool(user.has_role(Role.ADMIN) and region is not None and region.level <= RegionLevel.COUNTY)


def _require_checklist_admin(user: Any) -> None:
    if not can_manage_checklist(user):
        raise PermissionDenied("只有区县及以上的系统管理员可以维护隐患检查项。")


def _audit_checklist(acting_user: Any, item: HazardItem, action: str, before: dict[str, Any], note: str = "") -> None:
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


def hazard_item_create(*, acting_user: Any, label: str, part: str, serious: bool = False, code: str = "") -> HazardItem:
    """Add an item at the end of the checklist. The code is what inspections store; when left
    blank one is made from the part (``wall_1``)."""
    _require_checklist_admin(acting_user)
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


def hazard_item_update(*, acting_user: Any, item: HazardItem, label: str, part: str, serious: bool) -> HazardItem:
    """Reword an item, move it to another part, or change whether it is serious. The code stays:
    inspections already recorded refer to it."""
    _require_checklist_admin(acting_user)
    label = _checklist_values(label=label, part=part, item=item)
    with transaction.atomic():
        locked = HazardItem.objects.select_for_update().get(pk=item.pk)
        before = model_snapshot(locked, CHECKLIST_FIELDS)
        locked.label, locked.part, locked.serious = label, part, serious
        locked.save(update_fields=["label", "part", "serious"])
        if model_snapshot(locked, CHECKLIST_FIELDS) != before:
            _audit_checklist(acting_user, locked, AuditAction.UPDATE, before)
    return locked


def hazard_item_move(*, acting_user: Any, item: HazardItem, direction: str) -> HazardItem:
    """Move an active item one place up or down among the active items (they swap places)."""
    _require_checklist_admin(acting_user)
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


def hazard_item_retire(*, acting_user: Any, item: HazardItem) -> HazardItem:
    """Take an item off the inspection form. Never deleted: recorded inspections keep showing it."""
    _require_checklist_admin(acting_user)
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


def hazard_item_restore(*, acting_user: Any, item: HazardItem) -> HazardItem:
    """Put a retired item back on the form, in its old place."""
    _require_checklist_admin(acting_user)
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
