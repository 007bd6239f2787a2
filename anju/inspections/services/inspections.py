"""Recording an inspection: validation, the GPS check, photos, the house's one current state, and
what follows from it (a referral, follow-ups)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.households.choices import Department, GradeSource, KeyGroup
from anju.households.models import House, Household
from anju.households.safety import house_grade_set
from anju.households.signals import facts_changed
from anju.inspections.acts import DEPARTMENT_ROLE, HouseVisit, ensure_act
from anju.inspections.choices import DANGEROUS_GRADES, ActKind, FollowUpReason, Grade, InspectionKind
from anju.inspections.models import (
    Campaign,
    EmergencyEvent,
    EmergencyTask,
    HazardItem,
    Inspection,
    InspectionPhoto,
    Referral,
)
from anju.inspections.photos import Photo, process_photo
from anju.inspections.rules import inspection_rules
from anju.inspections.services.follow_ups import _open_follow_up
from anju.photochecks.choices import PhotoStage
from anju.photochecks.policy import photo_policy_for, rules_of
from anju.photochecks.services import photo_check_record, stage_photo_of

ELDERLY_AGE = 60
HOUSE_STATE_FIELDS = (
    "suspected_grade",
    "is_occupied",
    "occupants",
    "elderly_occupants",
    "lives_in_two_houses",
    "last_inspected_at",
)


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


@dataclass(frozen=True)
class _Answers:
    """What the inspector filled in, checked."""

    inspected_at: datetime.datetime
    suspected_grade: str
    hazards: list[str]
    is_occupied: bool
    ages: list[int]
    lives_in_two_houses: bool
    family_poor_not_listed: bool
    note: str

    @property
    def elderly(self) -> int:
        return sum(1 for a in self.ages if a >= ELDERLY_AGE)


@dataclass(frozen=True)
class _Position:
    latitude: Decimal | None
    longitude: Decimal | None
    source: str


def inspection_record(
    *,
    acting_user: User,
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
    ensure_act(ActKind.INSPECT, acting_user, HouseVisit(house, campaign, event))
    submission_id = submission_id.strip()
    earlier = _earlier_submission(acting_user, house, submission_id)
    if earlier is not None:
        return earlier
    answers = _checked_answers(
        suspected_grade=suspected_grade,
        hazards=list(hazards),
        is_occupied=is_occupied,
        ages=_ages(occupant_ages),
        lives_in_two_houses=lives_in_two_houses,
        inspected_at=inspected_at or timezone.now(),
        family_poor_not_listed=family_poor_not_listed,
        note=note,
        photo_count=len(photos),
    )
    device = _device_position(latitude, longitude, gps_source)
    if family_poor_not_listed:
        _check_referral(house.household, referral_department, poverty_note)
    processed: list[Photo] = [process_photo(p) for p in photos]
    position = _position(house, device, processed)
    with transaction.atomic():
        inspection = _save_inspection(
            acting_user, house, campaign, event, answers, position, gps_accuracy_m, submission_id, processed
        )
        _what_follows(acting_user, inspection, referral_department, poverty_note)
        _check_photos(acting_user, inspection)
    return inspection


def _earlier_submission(acting_user: User, house: House, submission_id: str) -> Inspection | None:
    """The record already made from this filled-in form, if its first answer was lost."""
    if len(submission_id) > 64:
        raise ValidationError("提交编号过长。")
    if not submission_id:
        return None
    earlier = Inspection.objects.filter(inspector=acting_user, submission_id=submission_id).first()
    if earlier is not None and earlier.house_id != house.pk:
        raise ValidationError("该提交编号已用于另一处房屋的排查记录，请刷新页面后重新填写。")
    return earlier


def _hazards_error(hazards: list[str]) -> str:
    items = dict(HazardItem.objects.filter(code__in=hazards).values_list("code", "is_active"))
    retired = [h for h in hazards if items.get(h) is False]
    unknown = [h for h in hazards if h not in items]
    if unknown:
        return f"未知的隐患项：{'、'.join(unknown)}"
    if retired:
        labels = dict(HazardItem.objects.filter(code__in=retired).values_list("code", "label"))
        return f"隐患项已停用，请取消勾选：{'、'.join(labels[h] for h in retired)}"
    return ""


def _checked_answers(
    *,
    suspected_grade: str,
    hazards: list[str],
    is_occupied: bool,
    ages: list[int],
    lives_in_two_houses: bool,
    inspected_at: datetime.datetime,
    family_poor_not_listed: bool,
    note: str,
    photo_count: int,
) -> _Answers:
    """Every answer's error at once, keyed by its field."""
    rules = inspection_rules()
    errors: dict[str, str] = {}
    if suspected_grade not in Grade.values:
        errors["suspected_grade"] = "请选择初判等级（A、B、C、D）。"
    if hazards_error := _hazards_error(hazards):
        errors["hazards"] = hazards_error
    if is_occupied and not ages:
        errors["occupant_ages"] = "住人的房屋请填写每位居住人的年龄。"
    if not is_occupied and ages:
        errors["occupant_ages"] = "不住人的房屋不应填写居住人年龄。"
    if photo_count > rules.photos_per_inspection:
        errors["photos"] = f"照片最多 {rules.photos_per_inspection} 张。"
    if inspected_at > timezone.now() + datetime.timedelta(minutes=10):
        errors["inspected_at"] = "排查时间不能晚于现在。"
    if errors:
        raise ValidationError(errors)
    return _Answers(
        inspected_at=inspected_at,
        suspected_grade=suspected_grade,
        hazards=hazards,
        is_occupied=is_occupied,
        ages=ages,
        lives_in_two_houses=lives_in_two_houses,
        family_poor_not_listed=family_poor_not_listed,
        note=note,
    )


def _check_referral(household: Household, department: str, poverty_note: str) -> None:
    """以房找人 needs a household in no key group, a department, and what the hardship is."""
    if household.primary_group:
        raise ValidationError(
            {"family_poor_not_listed": f"该户已是{KeyGroup(household.primary_group).label}，无需转交核实。"}
        )
    if department not in DEPARTMENT_ROLE:
        raise ValidationError({"referral_department": "请选择转交民政或乡村振兴部门。"})
    if not poverty_note.strip():
        raise ValidationError({"poverty_note": "请简要说明该户的困难情况，供部门核实。"})


def _device_position(latitude: Any, longitude: Any, source: str) -> _Position:
    """The position the phone sent, if any (both or neither)."""
    lat = _coordinate(latitude, -90, 90, "纬度")
    lon = _coordinate(longitude, -180, 180, "经度")
    if (lat is None) != (lon is None):
        raise ValidationError({"latitude": "经纬度须同时填写。"})
    return _Position(lat, lon, (source or "device") if lat is not None else source)


def _position(house: House, device: _Position, photos: list[Photo]) -> _Position:
    """The device's position, else the first photo's; refused when far from the house."""
    position = device
    if position.latitude is None:  # no device position: take the first photo that carries one
        with_gps = next((p for p in photos if p.latitude is not None), None)
        if with_gps is not None:
            position = _Position(with_gps.latitude, with_gps.longitude, "photo")
    if position.latitude is None or position.longitude is None:
        return _Position(None, None, "")
    check_gps(house, position.latitude, position.longitude)
    return position


def _save_inspection(
    acting_user: User,
    house: House,
    campaign: Campaign | None,
    event: EmergencyEvent | None,
    answers: _Answers,
    position: _Position,
    gps_accuracy_m: int | None,
    submission_id: str,
    photos: list[Photo],
) -> Inspection:
    """The record, its photos and its audit row."""
    inspection = Inspection.objects.create(
        house=house,
        household=house.household,
        region_code=house.region_code,
        kind=InspectionKind.EMERGENCY if event is not None else InspectionKind.ROUTINE,
        campaign=campaign,
        event=event,
        inspector=acting_user,
        inspected_at=answers.inspected_at,
        latitude=position.latitude,
        longitude=position.longitude,
        gps_accuracy_m=gps_accuracy_m,
        gps_source=position.source,
        hazards=answers.hazards,
        suspected_grade=answers.suspected_grade,
        is_occupied=answers.is_occupied,
        occupant_ages=answers.ages,
        elderly_occupants=answers.elderly,
        lives_in_two_houses=answers.lives_in_two_houses,
        family_poor_not_listed=answers.family_poor_not_listed,
        note=answers.note,
        submission_id=submission_id,
    )
    for photo in photos:
        InspectionPhoto.objects.create(inspection=inspection, **InspectionPhoto.photo_fields(photo))
    shown = ("kind", "suspected_grade", "is_occupied", "occupant_ages", "hazards", "latitude", "longitude")
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=inspection,
        changes=changes_between({}, model_snapshot(inspection, shown) | {"photos": len(photos)}),
    )
    return inspection


def _check_photos(acting_user: User, inspection: Inspection) -> None:
    """Each photo against the house (located now if this was its first trusted inspection) and
    the visit's date (ADR 0033); the phone's position counts only when the phone sent it."""
    house = House.objects.get(pk=inspection.house_id)
    device = (inspection.latitude, inspection.longitude) if inspection.gps_source == "device" else (None, None)
    day = timezone.localdate(inspection.inspected_at)
    for record in inspection.photos.all():
        photo = stage_photo_of(record, stage=PhotoStage.INSPECTION, house=house, window=(None, day), device=device)
        photo_check_record(photo=photo, acting_user=acting_user)


def _what_follows(acting_user: User, inspection: Inspection, referral_department: str, poverty_note: str) -> None:
    """The house's state, the emergency task done, a referral, follow-ups."""
    house = inspection.house
    _update_house_state(acting_user, house, inspection)
    if inspection.event_id is not None:
        EmergencyTask.objects.filter(event_id=inspection.event_id, house=house, inspection__isnull=True).update(
            inspection=inspection
        )
    if inspection.family_poor_not_listed:
        _open_referral(acting_user, inspection, referral_department, poverty_note)
    if inspection.suspected_grade in DANGEROUS_GRADES and inspection.elderly_occupants:
        _open_follow_up(acting_user, house, inspection, FollowUpReason.ELDERLY)
    if inspection.lives_in_two_houses:
        _open_follow_up(acting_user, house, inspection, FollowUpReason.TWO_HOUSES)


def _open_referral(acting_user: User, inspection: Inspection, department: str, poverty_note: str) -> None:
    household = inspection.household
    referral = Referral.objects.create(
        inspection=inspection,
        household=household,
        region_code=household.region_code,
        department=department,
        reason=poverty_note.strip(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=referral,
        changes={"department": {"before": None, "after": department}},
        note="以房找人：排查发现困难家庭，转部门核实",
    )


def _locate_house(house: House, inspection: Inspection) -> tuple[str, ...]:
    """A house with no location takes the first trusted inspection's: the phone's own position,
    as precise as the photo check's policy asks (ADR 0033). Returns the fields changed."""
    if house.latitude is not None or inspection.gps_source != "device" or inspection.latitude is None:
        return ()
    limit = rules_of(photo_policy_for(house.region_code))["trusted_accuracy_m"]
    if inspection.gps_accuracy_m is None or inspection.gps_accuracy_m > limit:
        return ()
    house.latitude, house.longitude = inspection.latitude, inspection.longitude
    return ("latitude", "longitude")


def _update_house_state(acting_user: User, house: House, inspection: Inspection) -> None:
    locked = House.objects.select_for_update().get(pk=house.pk)
    if locked.last_inspected_at and locked.last_inspected_at > inspection.inspected_at:
        return  # an older inspection entered late does not overwrite a newer one
    before = model_snapshot(locked, (*HOUSE_STATE_FIELDS, "latitude", "longitude"))
    locked.suspected_grade = inspection.suspected_grade
    locked.is_occupied = inspection.is_occupied
    locked.occupants = inspection.occupants
    locked.elderly_occupants = inspection.elderly_occupants
    locked.lives_in_two_houses = inspection.lives_in_two_houses
    locked.last_inspected_at = inspection.inspected_at
    located = _locate_house(locked, inspection)
    locked.save(update_fields=[*HOUSE_STATE_FIELDS, *located, "updated_at"])
    changes = changes_between(before, model_snapshot(locked, (*HOUSE_STATE_FIELDS, "latitude", "longitude")))
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
