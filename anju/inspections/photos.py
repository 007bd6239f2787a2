"""Photos taken on a phone, with the inspection rules' size limits (the processing itself is the
shared kit's: ``anju.kit.photos``)."""

from __future__ import annotations

from typing import Any

from anju.inspections.rules import inspection_rules
from anju.kit.photos import ACCEPTED_FORMATS, Photo, exif_position, exif_taken_at
from anju.kit.photos import process_photo as _process

__all__ = ["ACCEPTED_FORMATS", "Photo", "exif_position", "exif_taken_at", "process_photo"]


def process_photo(upload: Any) -> Photo:
    """Validate one uploaded photo under the province's limits; raise ValidationError in Chinese."""
    rules = inspection_rules()
    return _process(upload, max_bytes=rules.photo_max_bytes, max_side=rules.photo_max_side)
