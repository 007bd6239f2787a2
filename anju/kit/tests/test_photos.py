"""The shared photo processing every stage photo goes through (anju.kit.photos)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from anju.inspections.tests.images import jpeg, not_an_image
from anju.kit.photos import process_photo

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_side": 1600}


def test_place_and_time_are_read_from_the_camera() -> None:
    photo = process_photo(jpeg(gps=(36.3167, 112.8833), taken="2026:11:30 09:15:00"), **LIMITS)
    assert (photo.latitude, photo.longitude) == (Decimal("36.316700"), Decimal("112.883300"))
    assert photo.taken_at == timezone.make_aware(datetime(2026, 11, 30, 9, 15))


def test_a_photo_without_exif_still_counts_without_place_or_time() -> None:
    photo = process_photo(jpeg(), **LIMITS)
    assert photo.latitude is None and photo.taken_at is None
    assert photo.content.size > 0


def test_a_damaged_time_is_ignored_not_refused() -> None:
    photo = process_photo(jpeg(taken="yesterday"), **LIMITS)
    assert photo.taken_at is None


def test_the_stored_copy_is_downscaled_and_carries_no_exif() -> None:
    photo = process_photo(jpeg(size=(4000, 3000), gps=(29.3, 108.2), taken="2026:11:30 09:15:00"), **LIMITS)
    stored = Image.open(io.BytesIO(photo.content.read()))
    assert max(stored.size) == 1600
    assert not stored.getexif()


def test_the_limits_are_the_callers() -> None:
    with pytest.raises(ValidationError, match="过大"):
        process_photo(jpeg(size=(2000, 2000)), max_bytes=1000, max_side=1600)
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        process_photo(not_an_image(), **LIMITS)
