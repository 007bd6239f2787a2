"""Photos taken on a phone, once for every app (issue 16, ADR 0025).

``process_photo`` checks that an upload is a real image within the size bounds, reads where and
when it was taken from EXIF, turns it upright, downscales it and re-encodes it as JPEG (which
drops the rest of the EXIF, a phone's serial number included). ``PhotoRecord`` is the abstract
model every stage photo extends (inspection, appraisal, patrol, supervision finding, rectified
site): the file, its size, and the EXIF place and time, so that any stage photo can later be
checked against its house and its dates. The limits are the caller's (inspections reads them
from its versioned rules)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from anju.core.images import open_bounded

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP"}
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132
# The JPEG comment the offline field app writes when it copies the original's EXIF block into the
# photo it downscaled on the phone (ADR 0047); kept through the re-encoding so the photo check can
# say where the position came from.
PHONE_COPY_MARK = b"anju-field:exif-from-original"


@dataclass
class Photo:
    content: ContentFile  # type: ignore[type-arg]  # django-stubs: ContentFile is generic over str/bytes
    latitude: Decimal | None
    longitude: Decimal | None
    taken_at: datetime | None = None


def _degrees(value: Any, ref: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if ref in ("S", "W") else degrees


def exif_position(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except Exception:  # a damaged EXIF block is not the user's problem: the photo still counts
        return None, None
    lat = _degrees(gps.get(2), str(gps.get(1, "N")))
    lon = _degrees(gps.get(4), str(gps.get(3, "E")))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def exif_taken_at(image: Image.Image) -> datetime | None:
    """When the camera says it took the photo (local time of the phone, read as the server's
    zone: the phones are in China like the server), or None."""
    try:
        exif = image.getexif()
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if not raw:
            return None
        naive = datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except Exception:  # absent or damaged: the photo still counts, without a time
        return None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


def _refuse_unreadable(name: str) -> ValidationError:
    return ValidationError(f"「{name}」不是可识别的图片文件，请上传 JPG 或 PNG 照片。")


def _open(data: bytes, name: str) -> Image.Image:
    try:
        # The header first: a photo of absurd size is refused before it is decoded.
        with open_bounded(data, name) as probe:
            probe.verify()
        image: Image.Image = open_bounded(data, name)
        image.load()
    except ValidationError as exc:
        if "像素过大" in " ".join(exc.messages):
            raise
        raise _refuse_unreadable(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse_unreadable(name) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(f"「{name}」的格式 {image.format} 不受支持，请上传 JPG 或 PNG 照片。")
    return image


def process_photo(upload: Any, *, max_bytes: int, max_side: int) -> Photo:
    """Validate one uploaded photo and return it re-encoded; raise ValidationError in Chinese."""
    name = getattr(upload, "name", "照片")
    if upload.size > max_bytes:
        raise ValidationError(
            f"照片「{name}」过大（{upload.size / 1024 / 1024:.1f} MB），"
            f"上限 {max_bytes // 1024 // 1024} MB。请用手机相机重新拍摄或压缩后上传。"
        )
    image = _open(upload.read(), name)
    latitude, longitude = exif_position(image)
    taken_at = exif_taken_at(image)
    marked = image.info.get("comment") == PHONE_COPY_MARK
    image = ImageOps.exif_transpose(image)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    if image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, **({"comment": PHONE_COPY_MARK} if marked else {}))
    return Photo(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), latitude, longitude, taken_at)


def photo_upload_to(instance: PhotoRecord, filename: str) -> str:
    return f"{instance.upload_dir}/{timezone.now():%Y/%m}/{filename}"


class PhotoRecord(models.Model):
    """A stored stage photo. Subclasses add the foreign key to what it shows, ``upload_dir``
    (the folder under MEDIA_ROOT) and ``view_url`` (photos are served through a scoped view,
    ``anju.core.files``, never from MEDIA_ROOT directly)."""

    upload_dir: ClassVar[str] = "photos"

    image = models.ImageField("照片", upload_to=photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    exif_latitude = models.DecimalField("照片纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField("照片经度", max_digits=9, decimal_places=6, null=True, blank=True)
    exif_taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]

    @classmethod
    def photo_fields(cls, photo: Photo) -> dict[str, Any]:
        """The fields a processed photo fills: ``Model.objects.create(owner=…, **Model.photo_fields(p))``."""
        return {
            "image": photo.content,
            "exif_latitude": photo.latitude,
            "exif_longitude": photo.longitude,
            "exif_taken_at": photo.taken_at,
        }

    @property
    def has_position(self) -> bool:
        return self.exif_latitude is not None and self.exif_longitude is not None

    @property
    def view_url(self) -> str:  # pragma: no cover - every concrete photo names its view
        raise NotImplementedError
