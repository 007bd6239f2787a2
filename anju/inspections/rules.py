"""Named configuration of the inspection rules (排查规则). Each value can be overridden in
settings.ANJU_RULES["inspections"] without touching code; the defaults are the ones the seeds
and the Luming notice give, or a documented judgement where they are silent (ADR 0010)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.conf import settings


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
    # Villages' signed lists of suspected C/D only houses are due by this day of the campaign's
    # year (Luming notice: 3 月 30 日).
    village_list_due_month: int = 3
    village_list_due_day: int = 30

    def village_list_due(self, year: int) -> datetime.date:
        return datetime.date(year, self.village_list_due_month, self.village_list_due_day)


def inspection_rules() -> InspectionRules:
    overrides = getattr(settings, "ANJU_RULES", {}).get("inspections", {})
    return dataclasses.replace(InspectionRules(), **overrides)
