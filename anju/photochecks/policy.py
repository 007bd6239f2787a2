"""The photo check's numbers, as one named, versioned JSON document per province
(``PhotoCheckPolicy``, ``anju.kit.versioning``; ADR 0033):

- ``max_distance_m``: a photo taken (or sent from a phone standing) farther than this from the
  house is flagged;
- ``reuse_max_hamming``: two photos whose 64-bit perceptual hashes differ in at most this many
  bits are the same picture (a re-encoded, resized or slightly cropped copy included);
- ``grace_days``: a capture date this many days outside a stage's dates still counts (a phone's
  clock, a patrol entered the next morning);
- ``inspection_days_before``: an inspection photo may have been taken this many days before the
  inspection's date (a clerk entering a visit late);
- ``trusted_accuracy_m``: a phone position this precise or better may give a house that has none
  its location;
- ``start_days_before`` / ``start_days_after``, ``completion_days_before`` / ``completion_days_after``,
  ``acceptance_days_before`` / ``acceptance_days_after``: a 开工, 竣工 or acceptance photo is taken
  around its act's date, from so many days before it to so many days after (ADR 0047);
- ``archive_house_photos``: which items of the one-household archive are photos taken at the
  house, and the works' period each shows (``before`` 开工, ``during`` the works, ``after``
  竣工). Only these archive items are checked: the other items are scans of paper (signed forms,
  ID copies) made in an office, whose place and time say nothing."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError

from anju.kit.versioning import config_ensure_national, config_for
from anju.photochecks.models import PhotoCheckPolicy

DEFAULT_RULES: dict[str, int] = {
    "max_distance_m": 200,
    "reuse_max_hamming": 6,
    "grace_days": 1,
    "inspection_days_before": 30,
    "trusted_accuracy_m": 100,
    "start_days_before": 14,
    "start_days_after": 7,
    "completion_days_before": 14,
    "completion_days_after": 7,
    "acceptance_days_before": 3,
    "acceptance_days_after": 3,
}
ARCHIVE_PERIODS: dict[str, str] = {"before": "改造前", "during": "改造中", "after": "改造后"}
DEFAULT_ARCHIVE_HOUSE_PHOTOS: dict[str, str] = {
    "photos_before": "before",
    "photos_during": "during",
    "photos_after": "after",
}
LIMITS: dict[str, tuple[int, int, str]] = {
    "max_distance_m": (20, 20000, "距房屋的最大距离（米）"),
    "reuse_max_hamming": (0, 20, "相同照片的哈希差异位数"),
    "grace_days": (0, 30, "阶段日期的宽限天数"),
    "inspection_days_before": (0, 365, "排查照片可早于排查日期的天数"),
    "trusted_accuracy_m": (5, 5000, "可作为房屋位置的定位精度（米）"),
    "start_days_before": (0, 180, "开工照片可早于开工日期的天数"),
    "start_days_after": (0, 180, "开工照片可晚于开工日期的天数"),
    "completion_days_before": (0, 180, "竣工照片可早于竣工日期的天数"),
    "completion_days_after": (0, 180, "竣工照片可晚于竣工日期的天数"),
    "acceptance_days_before": (0, 60, "验收照片可早于验收日期的天数"),
    "acceptance_days_after": (0, 60, "验收照片可晚于验收日期的天数"),
}


def validate_rules(content: Any) -> dict[str, Any]:
    """The cleaned document, or a ValidationError with one Chinese message per problem."""
    if not isinstance(content, dict):
        raise ValidationError("照片核验规则应为 JSON 对象。")
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    for key, (low, high, label) in LIMITS.items():
        value = content.get(key, DEFAULT_RULES[key])
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors.append(f"{label}（{key}）应为 {low}～{high} 之间的整数。")
        else:
            cleaned[key] = value
    items = content.get("archive_house_photos", DEFAULT_ARCHIVE_HOUSE_PHOTOS)
    if not isinstance(items, dict) or any(
        not isinstance(code, str) or period not in ARCHIVE_PERIODS for code, period in items.items()
    ):
        errors.append("档案中的房屋照片（archive_house_photos）应为「材料类别代码: before/during/after」。")
    else:
        cleaned["archive_house_photos"] = dict(items)
    if errors:
        raise ValidationError(errors)
    return cleaned


def ensure_national_policy() -> PhotoCheckPolicy:
    return config_ensure_national(
        PhotoCheckPolicy,
        name="照片核验规则（全国默认）",
        note="初始版本",
        body=copy.deepcopy(DEFAULT_RULES) | {"archive_house_photos": dict(DEFAULT_ARCHIVE_HOUSE_PHOTOS)},
    )


def photo_policy_for(region_code: str) -> PhotoCheckPolicy:
    """The version in force for a region: its own province's, else the national one."""
    return config_for(PhotoCheckPolicy, region_code, ensure_national_policy)


def rules_of(policy: PhotoCheckPolicy) -> dict[str, int]:
    """The numbers of a version; one written before a number existed takes the default."""
    return DEFAULT_RULES | {k: v for k, v in dict(policy.content).items() if k in DEFAULT_RULES}


def archive_period(policy: PhotoCheckPolicy, code: str) -> str | None:
    """The works' period an archive item's photos show (``before``/``during``/``after``), or None
    when the item is not a photo taken at the house (a scan of paper: not checked)."""
    items = dict(policy.content).get("archive_house_photos", DEFAULT_ARCHIVE_HOUSE_PHOTOS)
    period = items.get(code) if isinstance(items, dict) else None
    return period if period in ARCHIVE_PERIODS else None
