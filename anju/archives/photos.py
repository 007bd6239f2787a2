"""The archive's house photos checked against the house (issue 19 §4, ADR 0047). Only the items
the photo check's policy names as taken at the house (改造前、改造中、改造后照片) are checked,
each against its period of the works; the other items are scans of paper (signed forms, ID
copies) made in an office, whose place and time say nothing, and a PDF has no picture."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from PIL import Image

from anju.accounts.models import User
from anju.archives.models import ArchiveDocument
from anju.cases.photos import archive_window
from anju.kit.photos import exif_position, exif_taken_at
from anju.photochecks.choices import PhotoStage
from anju.photochecks.policy import archive_period, photo_policy_for
from anju.photochecks.services import StagePhoto, photo_check_record
from anju.photochecks.sources import register_source


def _exif_of(document: ArchiveDocument) -> tuple[Decimal | None, Decimal | None, Any]:
    """The stored file's own EXIF place and time (the archive keeps the bytes as uploaded); a
    missing or forged block is none, never an error."""
    try:
        with document.file.open("rb") as stream, Image.open(io.BytesIO(stream.read())) as image:
            latitude, longitude = exif_position(image)
            return latitude, longitude, exif_taken_at(image)
    except Exception:
        return None, None, None


def archive_photo_of(
    document: ArchiveDocument, device: tuple[Decimal | None, Decimal | None] = (None, None)
) -> StagePhoto | None:
    """The document described for the check, or None when it is not a house photo."""
    case = document.case
    if case.house is None or document.is_pdf or document.is_generated:
        return None
    period = archive_period(photo_policy_for(case.region_code), document.code)
    if period is None:
        return None
    latitude, longitude, taken_at = _exif_of(document)
    return StagePhoto(
        stage=PhotoStage.ARCHIVE,
        photo_model=document._meta.label,
        photo_id=document.pk,
        photo_url=document.view_url,
        house=case.house,
        open_image=lambda: document.file.open("rb"),
        case_id=case.pk,
        window_from=archive_window(case, period)[0],
        window_until=archive_window(case, period)[1],
        device_latitude=device[0],
        device_longitude=device[1],
        exif_latitude=latitude,
        exif_longitude=longitude,
        exif_taken_at=taken_at,
    )


def archive_photo_check(
    *, acting_user: User, document: ArchiveDocument, device: tuple[Decimal | None, Decimal | None]
) -> None:
    """Check a document just filed, inside the transaction that files it."""
    photo = archive_photo_of(document, device)
    if photo is not None:
        photo_check_record(photo=photo, acting_user=acting_user)


def _archive_photos() -> Iterator[StagePhoto]:
    rows = (
        ArchiveDocument.objects.filter(source="")
        .exclude(content_type="application/pdf")
        .select_related("case__house__household")
        .order_by("pk")
    )
    for document in rows.iterator(chunk_size=500):
        photo = archive_photo_of(document)
        if photo is not None:
            yield photo


def register_sources() -> None:
    register_source("档案照片", _archive_photos)
