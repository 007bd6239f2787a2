"""Inspection photos for ``manage.py photo_checks_run`` (ADRs 0033, 0047): each saved photo with
the position the phone sent with its inspection and the visit's date."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from anju.inspections.models import InspectionPhoto
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import StagePhoto, stage_photo_of
from anju.photochecks.sources import register_source


def _inspection_photos() -> Iterator[StagePhoto]:
    rows = InspectionPhoto.objects.select_related("inspection__house__household").order_by("pk")
    for record in rows.iterator(chunk_size=500):
        inspection = record.inspection
        device = (inspection.latitude, inspection.longitude) if inspection.gps_source == "device" else (None, None)
        day = timezone.localdate(inspection.inspected_at)
        yield stage_photo_of(
            record, stage=PhotoStage.INSPECTION, house=inspection.house, window=(None, day), device=device
        )


def register_sources() -> None:
    register_source("排查照片", _inspection_photos)
