"""Opening an uploaded or stored image without letting it decide how much memory it takes.

A PNG of 12000 × 12000 pixels is 140 KB on disk and 576 MB decoded. Pillow only warns below
twice its own limit, so every image anju opens goes through ``open_bounded``: the size is read
from the header, and an image above ``MAX_PIXELS`` is refused with a Chinese message before a
single pixel is decoded. ``fit`` scales an image down to a longest side, for storage (archive
scans) and for printing (the archive PDF), so a document is held at a bounded size (ADR 0024)."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# 50 megapixels: above any phone camera's normal mode (12–50 MP) and an A3 scan at 300 dpi
# (17.4 MP); 200 MB decoded as RGBA at most.
MAX_PIXELS: int = int(getattr(settings, "ANJU_IMAGE_MAX_PIXELS", 50_000_000))
# Pillow itself refuses anything above twice this (a path that forgot open_bounded included).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def too_large(name: str, width: int, height: int) -> ValidationError:
    return ValidationError(
        f"「{name}」像素过大（{width}×{height}，约 {width * height / 1_000_000:.0f} 百万像素），"
        f"超过 {MAX_PIXELS // 1_000_000} 百万像素；请用手机相机或扫描仪的常规分辨率重新拍摄或扫描后上传。"
    )


def open_bounded(data: bytes, name: str) -> Image.Image:
    """The image, opened lazily (nothing decoded yet), once its header says it is within
    ``MAX_PIXELS``. Raises ValidationError with a Chinese message otherwise, or when the bytes
    are not an image Pillow can read."""
    unreadable = ValidationError(f"「{name}」不是可以打开的图片（文件已损坏或未传完），请重新拍照或扫描后上传。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        size = _header_size(data)
        raise too_large(name, *size) if size else unreadable from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise too_large(name, width, height)
    return image


def _header_size(data: bytes) -> tuple[int, int] | None:
    """The size a PNG or JPEG header declares, read without Pillow's bomb check."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    limit = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def fit(image: Image.Image, max_side: int, *, fmt: str = "JPEG", quality: int = 88) -> tuple[bytes, tuple[int, int]]:
    """The image turned upright (EXIF), scaled down so its longest side is at most ``max_side``
    (never up), flattened on white, and encoded as ``fmt``; with its new size."""
    if fmt == "JPEG" and image.format == "JPEG":
        image.draft("RGB", (max_side, max_side))  # decode at a reduced scale where JPEG allows
    upright = ImageOps.exif_transpose(image)
    if max(upright.size) > max_side:
        upright.thumbnail((max_side, max_side))
    if upright.mode in ("RGBA", "LA", "P", "PA", "I;16", "I") or (upright.mode != "RGB" and fmt == "JPEG"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    out = io.BytesIO()
    if fmt == "JPEG":
        upright.save(out, "JPEG", quality=quality, optimize=True)
    else:
        upright.save(out, fmt, optimize=True)
    return out.getvalue(), upright.size
