"""What an uploaded archive file really is, judged by its bytes (never by its name or the type
the browser declared): a JPEG or PNG that Pillow can open, or a PDF that pypdf can read and
that is not encrypted. Anything else is refused with a Chinese message naming the file."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from anju.core.images import fit, open_bounded

MAX_BYTES = 20 * 1024 * 1024
# A scan or photo kept for the archive: 4000 px on its longest side keeps an A4 page at 340 dpi,
# enough to read any stamp or signature; bigger uploads are stored scaled down to it.
STORE_MAX_SIDE = 4000
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
_IMAGE_FORMATS = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG}  # MPO: a phone camera's multi-picture JPEG
_IMAGE_NAMES = (".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    sha256: str
    pages: int


def _declared_kind(name: str, declared_type: str) -> str:
    """ "pdf", "image" or "" (unknown): what the name and the browser say the file is."""
    lower, declared = name.lower(), declared_type.lower()
    if lower.endswith(".pdf") or declared == PDF:
        return "pdf"
    if lower.endswith(_IMAGE_NAMES) or declared.startswith("image/"):
        return "image"
    return ""


def _check_pdf(data: bytes, name: str) -> int:
    broken = ValidationError(f"「{name}」不是完整的 PDF 文件（文件已损坏或未传完），请重新扫描或导出后上传。")
    # A PDF ends with %%EOF (possibly followed by a little whitespace or a scanner's padding);
    # pypdf in lenient mode would otherwise rebuild a truncated file and lose its last pages.
    if b"%%EOF" not in data[-2048:]:
        raise broken
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ValidationError(f"「{name}」是加密（设有密码）的 PDF，无法归档；请导出不加密的版本后上传。")
            pages = len(reader.pages)
            for page in reader.pages:
                _ = page.mediabox  # reading each page's size finds a broken page tree
    except ValidationError:
        raise
    except PdfReadError as exc:
        raise broken from exc
    except Exception as exc:  # pypdf raises many kinds on a damaged file; all mean the same to the user
        raise broken from exc
    if pages < 1:
        raise ValidationError(f"「{name}」是空白 PDF（没有页面）。")
    return pages


def _check_image(data: bytes, name: str) -> tuple[str, bytes]:
    """The image's type and the bytes to store: the upload itself, or — above
    ``STORE_MAX_SIDE`` — the upload scaled down (the original's hash is kept for duplicates)."""
    unreadable = ValidationError(f"「{name}」不是可以打开的图片（文件已损坏或未传完），请重新拍照或扫描后上传。")
    try:
        with open_bounded(data, name) as image:  # refuses an absurd pixel count before decoding
            kind = _IMAGE_FORMATS.get(str(image.format))
            image.verify()
        # verify() reads the structure only; decoding finds a file cut off in the middle.
        with open_bounded(data, name) as image:
            image.load()
            if kind is not None and max(image.size) > STORE_MAX_SIDE:
                stored, _size = fit(image, STORE_MAX_SIDE, fmt="JPEG" if kind == JPEG else "PNG")
                return kind, stored
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise unreadable from exc
    if kind is None:
        raise ValidationError(f"「{name}」的图片格式不能归档，只收 JPG 或 PNG 图片。")
    return kind, data


def check_upload(upload: Any) -> CheckedFile:
    """Read and check one uploaded file; raise ValidationError with a Chinese message."""
    name = str(getattr(upload, "name", "") or "文件")
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_BYTES:
        raise ValidationError(
            f"「{name}」过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {MAX_BYTES // 1024 // 1024} MB；"
            "多页材料可分次上传。"
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data: bytes = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"「{name}」过大，单个文件不能超过 {MAX_BYTES // 1024 // 1024} MB。")
    if not data:
        raise ValidationError(f"「{name}」是空文件。")
    declared = _declared_kind(name, str(getattr(upload, "content_type", "") or ""))
    if data.startswith(b"%PDF-"):
        actual = "pdf"
    elif data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        actual = "image"
    elif declared == "pdf":
        raise ValidationError(f"「{name}」不是 PDF 文件（文件内容不是 PDF），请上传扫描件的 PDF 或照片。")
    else:
        raise ValidationError(f"「{name}」不是 JPG、PNG 图片或 PDF 文件，不能归档。")
    if declared and declared != actual:
        said, found = ("图片", "PDF") if declared == "image" else ("PDF", "图片")
        raise ValidationError(
            f"「{name}」标明为{said}，实际内容却是{found}；请核对是否选错了文件，改正文件名后再上传。"
        )
    sha256 = hashlib.sha256(data).hexdigest()  # of what was uploaded, even if stored scaled down
    if actual == "pdf":
        content_type, pages = PDF, _check_pdf(data, name)
    else:
        (content_type, data), pages = _check_image(data, name), 1
    return CheckedFile(data=data, content_type=content_type, sha256=sha256, pages=pages)
