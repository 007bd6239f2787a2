"""Checking a stage photo against its house, and explaining a flag (issue 19 §4, ADR 0033).

The app that owns a photo calls ``photo_check_record`` inside the transaction that saves it,
with a ``StagePhoto`` saying what the check needs: the house, the stage's dates, the device
position the page sent and the photo's EXIF place and time. The check stores them with the
photo's perceptual hash and writes one flag per problem; ``manage.py photo_checks_run`` does
the same for photos saved before (each app registers its photos in ``anju.photochecks.sources``)."""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import imagehash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.households.models import House
from anju.kit.photos import PHONE_COPY_MARK, PhotoRecord
from anju.photochecks.acts import EXPLAIN, ensure_act
from anju.photochecks.choices import ExifSource, FlagKind, PhotoStage
from anju.photochecks.models import PhotoCheck, PhotoFlag
from anju.photochecks.policy import photo_policy_for, rules_of

Finding = tuple[str, str, PhotoCheck | None]
# No picture to compare: an unreadable file, or a blank or uniform image (a lens cap, a test card)
# whose hash has no bits to tell it from any other blank image.
FEATURELESS = ("", "0" * 16, "f" * 16)
# Stages whose photos are taken around their act's date (the days are the policy's, ADR 0047).
AROUND_ACT = (PhotoStage.START, PhotoStage.COMPLETION, PhotoStage.ACCEPTANCE)


@dataclass(frozen=True)
class StagePhoto:
    """One stored stage photo, as its own app describes it to the check."""

    stage: str
    photo_model: str  # "cases.CasePatrolPhoto"
    photo_id: int
    photo_url: str
    house: House
    open_image: Callable[[], Any]  # a context manager giving the stored bytes
    case_id: int | None = None
    window_from: datetime.date | None = None
    window_until: datetime.date | None = None
    device_latitude: Decimal | None = None
    device_longitude: Decimal | None = None
    exif_latitude: Decimal | None = None
    exif_longitude: Decimal | None = None
    exif_taken_at: datetime.datetime | None = None
    # The date of the act the photo goes with (开工, 竣工, acceptance): its window is the policy's
    # days around it.
    act_on: datetime.date | None = None


def device_position(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    """The position the page's geolocation sent with a photo (both or neither); a Chinese error
    when it is not a position, so the form keeps what was typed."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"photos": "手机定位不是有效的经纬度，请重新定位后再上传。"}) from exc
    if not (lat.is_finite() and lon.is_finite()):
        raise ValidationError({"photos": "手机定位不是有效的经纬度，请重新定位后再上传。"})
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"photos": "手机定位超出经纬度范围，请重新定位后再上传。"})
    return lat, lon


def stage_photo_of(
    record: PhotoRecord,
    *,
    stage: str,
    house: House,
    case_id: int | None = None,
    window: tuple[datetime.date | None, datetime.date | None] = (None, None),
    device: tuple[Decimal | None, Decimal | None] = (None, None),
    act_on: datetime.date | None = None,
) -> StagePhoto:
    """A saved ``PhotoRecord`` described for the check."""
    return StagePhoto(
        stage=stage,
        photo_model=record._meta.label,
        photo_id=record.pk,
        photo_url=record.view_url,
        house=house,
        open_image=lambda: record.image.open("rb"),
        case_id=case_id,
        window_from=window[0],
        window_until=window[1],
        device_latitude=device[0],
        device_longitude=device[1],
        exif_latitude=record.exif_latitude,
        exif_longitude=record.exif_longitude,
        exif_taken_at=record.exif_taken_at,
        act_on=act_on,
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371000.0 * 2 * math.asin(math.sqrt(a))


def perceptual_hash(stream: IO[bytes]) -> str:
    """The 64-bit DCT hash as 16 hex digits; "" when the file is not a readable image."""
    return _read_image(stream)[0]


def _read_image(stream: IO[bytes]) -> tuple[str, bool]:
    """The hash, and whether the field app marked the file as carrying the EXIF block it copied
    from the original through its downscale (ADR 0047)."""
    try:
        with Image.open(stream) as image:
            return str(imagehash.phash(image.convert("L"))), image.info.get("comment") == PHONE_COPY_MARK
    except Exception:  # a scanned PDF in the archive: no picture to compare
        return "", False


def _exif_source(photo: StagePhoto, phone_copy: bool) -> str:
    if photo.exif_latitude is None and photo.exif_taken_at is None:
        return ExifSource.NONE
    return ExifSource.PHONE_COPY if phone_copy else ExifSource.FILE


def _with_known_device(photo: StagePhoto) -> StagePhoto:
    """A re-check (``photo_checks_run``) keeps the device position the page sent at upload: it is
    stored on the check, not on the photo."""
    if photo.device_latitude is not None:
        return photo
    known = (
        PhotoCheck.objects.filter(photo_model=photo.photo_model, photo_id=photo.photo_id)
        .values_list("device_latitude", "device_longitude")
        .first()
    )
    if known is None or known[0] is None:
        return photo
    return dataclasses.replace(photo, device_latitude=known[0], device_longitude=known[1])


def _with_window(photo: StagePhoto, rules: dict[str, int]) -> StagePhoto:
    """The stage's dates from the policy: an inspection photo may be a few days older than the
    visit it was entered with; a 开工, 竣工 or acceptance photo is taken around its act's date."""
    if photo.stage == PhotoStage.INSPECTION and photo.window_until and not photo.window_from:
        earliest = photo.window_until - datetime.timedelta(days=rules["inspection_days_before"])
        return dataclasses.replace(photo, window_from=earliest)
    if photo.stage in AROUND_ACT and photo.act_on is not None:
        before = datetime.timedelta(days=rules[f"{photo.stage}_days_before"])
        after = datetime.timedelta(days=rules[f"{photo.stage}_days_after"])
        return dataclasses.replace(photo, window_from=photo.act_on - before, window_until=photo.act_on + after)
    return photo


def _far(photo: StagePhoto, house: House, limit: int) -> tuple[int | None, str]:
    """The larger distance of the two positions from the house, and the flag's text if too far."""
    if house.latitude is None or house.longitude is None:
        return None, ""
    points = [
        (label, lat, lon)
        for label, lat, lon in (
            ("手机定位", photo.device_latitude, photo.device_longitude),
            ("照片位置", photo.exif_latitude, photo.exif_longitude),
        )
        if lat is not None and lon is not None
    ]
    far = [
        (label, distance_m(float(a), float(b), float(house.latitude), float(house.longitude))) for label, a, b in points
    ]
    if not far:
        return None, ""
    label, metres = max(far, key=lambda item: item[1])
    text = f"{label}距房屋 {metres:,.0f} 米（允许 {limit} 米内）" if metres > limit else ""
    return round(metres), text


def _dates_text(photo: StagePhoto, grace: int) -> str:
    if photo.exif_taken_at is None:
        return ""
    day = timezone.localdate(photo.exif_taken_at)
    low = photo.window_from - datetime.timedelta(days=grace) if photo.window_from else None
    high = photo.window_until + datetime.timedelta(days=grace) if photo.window_until else None
    label = PhotoStage(photo.stage).label
    if low is not None and day < low:
        return f"拍摄于 {day:%Y-%m-%d}，早于{label}的起始日期 {photo.window_from:%Y-%m-%d}"
    if high is not None and day > high:
        return f"拍摄于 {day:%Y-%m-%d}，晚于{label}的截止日期 {photo.window_until:%Y-%m-%d}"
    return ""


def _reused(check: PhotoCheck, max_bits: int) -> PhotoCheck | None:
    """The first photo of another house in the province whose hash is within ``max_bits``."""
    if check.phash in FEATURELESS:
        return None
    mine = int(check.phash, 16)
    others = (
        PhotoCheck.objects.filter(region_code__subtree=check.region_code[:2])
        .exclude(phash__in=FEATURELESS)
        .exclude(house_id=check.house_id)
        .order_by("pk")
        .values_list("pk", "phash")
    )
    for pk, other in others.iterator(chunk_size=5000):
        if (mine ^ int(other, 16)).bit_count() <= max_bits:
            return PhotoCheck.objects.select_related("house__household").get(pk=pk)
    return None


def _findings(photo: StagePhoto, check: PhotoCheck, rules: dict[str, int], far_text: str) -> list[Finding]:
    found: list[Finding] = []
    if far_text:
        found.append((FlagKind.FAR, far_text, None))
    if photo.device_latitude is None and photo.exif_latitude is None:
        found.append((FlagKind.NO_POSITION, "既无手机定位，照片也不带位置信息", None))
    if dates := _dates_text(photo, rules["grace_days"]):
        found.append((FlagKind.OUT_OF_DATES, dates, None))
    if (other := _reused(check, rules["reuse_max_hamming"])) is not None:
        owner = other.house.household.head_name
        text = f"与{owner}户的{other.get_stage_display()}（{other.checked_at:%Y-%m-%d}）相同或近似"
        found.append((FlagKind.REUSED, text, other))
    return found


def photo_check_record(*, photo: StagePhoto, acting_user: User | None) -> PhotoCheck:
    """Store the photo's place, time and hash; flag what is wrong (a flag found before stays)."""
    house = photo.house
    policy = photo_policy_for(house.region_code)
    rules = rules_of(policy)
    photo = _with_window(_with_known_device(photo), rules)
    metres, far_text = _far(photo, house, rules["max_distance_m"])
    with photo.open_image() as stream:
        phash, phone_copy = _read_image(stream)
    fields: dict[str, Any] = {
        "stage": photo.stage,
        "photo_url": photo.photo_url,
        "house": house,
        "case_id": photo.case_id,
        "region_code": house.region_code,
        "device_latitude": photo.device_latitude,
        "device_longitude": photo.device_longitude,
        "exif_latitude": photo.exif_latitude,
        "exif_longitude": photo.exif_longitude,
        "exif_taken_at": photo.exif_taken_at,
        "exif_source": _exif_source(photo, phone_copy),
        "phash": phash,
        "distance_m": metres,
        "window_from": photo.window_from,
        "window_until": photo.window_until,
        "policy": policy,
        "checked_at": timezone.now(),
    }
    with transaction.atomic():
        check, _ = PhotoCheck.objects.update_or_create(
            photo_model=photo.photo_model, photo_id=photo.photo_id, defaults=fields
        )
        known = set(check.flags.values_list("kind", flat=True))
        for kind, detail, other in _findings(photo, check, rules, far_text):
            if kind in known:
                continue
            flag = PhotoFlag.objects.create(
                check_record=check, kind=kind, detail=detail[:300], other=other, region_code=check.region_code
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=flag,
                changes={"kind": {"before": None, "after": kind}, "detail": {"before": None, "after": flag.detail}},
                note=f"{check.get_stage_display()} {photo.photo_model}#{photo.photo_id}",
            )
    return check


def photo_flag_explain(*, acting_user: User, flag: PhotoFlag, explanation: str) -> PhotoFlag:
    """An officer's reason for a flag; the flag stays, with its explanation, and never changes again."""
    ensure_act(flag, acting_user, EXPLAIN)
    text = explanation.strip()
    if len(text) < 4:
        raise ValidationError({"explanation": "请填写说明（至少 4 个字），例如照片为何在别处拍摄。"})
    if len(text) > 1000:
        raise ValidationError({"explanation": "说明最多 1000 字。"})
    with transaction.atomic():
        locked = PhotoFlag.objects.select_for_update().get(pk=flag.pk)
        ensure_act(locked, acting_user, EXPLAIN)
        locked.explanation = text
        locked.explained_by = acting_user
        locked.explained_at = timezone.now()
        locked.save(update_fields=["explanation", "explained_by", "explained_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"explanation": {"before": "", "after": text}},
            note="说明照片核验提示",
        )
    return locked
