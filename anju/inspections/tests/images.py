"""Photos for tests: real JPEGs made with Pillow, with or without an EXIF GPS position."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return (float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4))


def jpeg(
    name: str = "photo.jpg",
    size: tuple[int, int] = (640, 480),
    gps: tuple[float, float] | None = None,
    taken: str | None = None,
) -> SimpleUploadedFile:
    """``taken`` is the camera's time as EXIF writes it: "2026:11:30 09:15:00"."""
    image = Image.new("RGB", size, (150, 120, 90))
    exif = Image.Exif()
    if gps is not None:
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", _dms(gps[0])
        ifd[3], ifd[4] = "E", _dms(gps[1])
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def not_an_image(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 this is not a photo", content_type="image/jpeg")
