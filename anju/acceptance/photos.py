"""Acceptance photos for ``manage.py photo_checks_run`` (ADR 0047): each saved photo described for
the check around its acceptance's date."""

from __future__ import annotations

from collections.abc import Iterator

from anju.acceptance.models import AcceptancePhoto
from anju.cases.photos import saved_photos
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import StagePhoto
from anju.photochecks.sources import register_source


def _acceptance_photos() -> Iterator[StagePhoto]:
    rows = AcceptancePhoto.objects.select_related("acceptance__case__house__household")
    return saved_photos(rows, "acceptance", lambda _acceptance: PhotoStage.ACCEPTANCE)


def register_sources() -> None:
    register_source("验收照片", _acceptance_photos)
