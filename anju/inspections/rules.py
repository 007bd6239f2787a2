"""Named configuration of the inspection rules (排查规则). Each value can be overridden in
settings.ANJU_RULES["inspections"] without touching code; the defaults are the ones the seeds
and the Luming notice give, or a documented judgement where they are silent (ADR 0010)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class InspectionRules:
    # An inspection's GPS point must lie this close to the house's registered point, or, when the
    # house has none, to the middle of the village's registered houses.
    gps_max_km_from_house: float = 2.0
    gps_max_km_from_village: float = 10.0
    # Photos: the browser downscales before upload; the server refuses bigger files and
    # downscales anything still larger than max_side.
    photo_max_bytes: int = 10 * 1024 * 1024
    photo_max_side: int = 2048
    photos_per_inspection: int = 12


# When a village's signed list of suspected C/D only houses is due (鹿鸣乡: 3 月 30 日) is a date
# of the province's reporting calendar, an app above this one; it registers the answer here
# (ADR 0036), so the date is policy data and this app imports nothing above it.
ListDue = Callable[[str, int], datetime.date]  # (region code, year) -> due date
_LIST_DUE: list[ListDue] = []


def register_list_due(provider: ListDue) -> None:
    _LIST_DUE[:] = [provider]


def village_list_due(region_code: str, year: int) -> datetime.date:
    """The due date of a region's village lists for ``year`` (the province's calendar)."""
    if not _LIST_DUE:
        raise ImproperlyConfigured("村级清单报送期限由报送日历提供（anju.reporting 未加载）。")
    return _LIST_DUE[0](region_code, year)


def inspection_rules() -> InspectionRules:
    overrides = getattr(settings, "ANJU_RULES", {}).get("inspections", {})
    return dataclasses.replace(InspectionRules(), **overrides)
