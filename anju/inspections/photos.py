"""Photos taken on a phone: checked to be real images, their GPS position read from EXIF,
turned upright, downscaled and re-encoded as JPEG (which also drops the rest of the EXIF)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from anju.core.images import open_bounded
from anju.inspections.rules import inspection_rules

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP"}
_GPS_IFD = 0x8825


@dataclass
class Photo:
    content: ContentFile  # type: ignore[type-arg]  # django-stubs: ContentFile is generic in the stubs only; not subscriptable at runtime
    latitude: Decimal | None
    longitude: Decimal | None


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


def process_photo(upload: Any) -> Photo:
    """Validate one uploaded photo; raise ValidationError with a Chinese message."""
    rules = inspection_rules()
    name = getattr(upload, "name", "照片")
    if upload.size > rules.photo_max_bytes:
        raise ValidationError(
            f"照片「{name}」过大（{upload.size / 1024 / 1024:.1f} MB），"
            f"上限 {rules.photo_max_bytes // 1024 // 1024} MB。请用手机相机重新拍摄或压缩后上传。"
        )
    data = upload.read()
    try:
        # The header first: a photo of absurd size is refused before it is decoded.
        with open_bounded(data, name) as probe:
            probe.verify()
        image: Image.Image = open_bounded(data, name)
        image.load()
    except ValidationError as exc:
        if "像素过大" in " ".join(exc.messages):
            raise
        raise ValidationError(f"「{name}」不是可识别的图片文件，请上传 JPG 或 PNG 照片。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"「{name}」不是可识别的图片文件，请上传 JPG 或 PNG 照片。") from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(f"「{name}」的格式 {image.format} 不受支持，请上传 JPG 或 PNG 照片。")
    latitude, longitude = exif_position(image)
    image = ImageOps.exif_transpose(image)
    if max(image.size) > rules.photo_max_side:
        image.thumbnail((rules.photo_max_side, rules.photo_max_side))
    if image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return Photo(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), latitude, longitude)
