"""Reads of the inspection work: campaign coverage (以人找房), the emergency board, the board of
dangerous houses people still live in, the villages' sign-off status. All scoped to the user."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.core.actors import Viewer
from anju.households.models import House, Household
from anju.inspections.choices import DANGEROUS_GRADES, MeasureKind
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    EmergencyTask,
    FollowUp,
    HousingCheck,
    Inspection,
    VillageList,
)
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


@dataclass
class CoverageRow:
    region: Region
    total: int = 0
    covered: int = 0
    children: list[CoverageRow] = field(default_factory=list)

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 100


# Households beyond the key groups that a campaign's 以人找房 must also reach. An app above this
# one registers a function of the campaign returning a condition on Household (the renovation
# cases register the households under watch: renovated houses, households that left the key
# groups — ADR 0021), so this app needs to know nothing of them.
COVERAGE_EXTENSIONS: list[Callable[[Campaign], Q]] = []


def register_coverage(extension: Callable[[Campaign], Q]) -> Callable[[Campaign], Q]:
    if extension not in COVERAGE_EXTENSIONS:
        COVERAGE_EXTENSIONS.append(extension)
    return extension


def campaign_scope(campaign: Campaign) -> Q:
    """Who 以人找房 must reach in the campaign: the key-group households, and the registered
    extensions' households."""
    condition = ~Q(primary_group="")
    for extension in COVERAGE_EXTENSIONS:
        condition |= extension(campaign)
    return condition


def campaign_households(campaign: Campaign, user: Viewer) -> QuerySet[Household]:
    """The households of the campaign's villages that 以人找房 must reach, that the user may see,
    with ``covered``: its house inspected in the campaign, or its housing recorded by a visit
    (无房、借住、租住、与子女同住)."""
    return (
        Household.objects.visible_to(user)
        .filter(region__in=campaign.villages.all())
        .filter(campaign_scope(campaign))
        .annotate(
            covered=Exists(Inspection.objects.filter(campaign=campaign, household=OuterRef("pk")))
            | Exists(HousingCheck.objects.filter(campaign=campaign, household=OuterRef("pk")))
        )
    )


def campaign_coverage(campaign: Campaign, user: Viewer) -> CoverageRow:
    """Covered / total key-group households per village, rolled up to townships and the county."""
    counts = {
        row["region_code"]: (row["total"], row["covered"])
        for row in campaign_households(campaign, user)
        .values("region_code")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(covered=True)))
    }
    villages = list(Region.objects.visible_to(user).filter(pk__in=campaign.villages.values("pk")).order_by("code"))
    codes = {v.code[:9] + "000" for v in villages} | {v.code[:6] + "000000" for v in villages}
    parents = {r.code: r for r in Region.objects.filter(code__in=codes)}
    root = CoverageRow(region=campaign.region)
    townships: dict[str, CoverageRow] = {}
    for village in villages:
        total, covered = counts.get(village.code, (0, 0))
        township_code = village.code[:9] + "000"
        township = townships.get(township_code)
        if township is None:
            township = townships[township_code] = CoverageRow(region=parents.get(township_code, village))
            root.children.append(township)
        township.children.append(CoverageRow(region=village, total=total, covered=covered))
        township.total += total
        township.covered += covered
        root.total += total
        root.covered += covered
    return root


def current_campaign(house: House, user: Viewer) -> Campaign | None:
    """The latest started campaign that covers the house's village: where a new routine
    inspection of it counts."""
    return (
        Campaign.objects.visible_to(user)
        .filter(villages=house.region_id, starts_on__lte=timezone.localdate())
        .order_by("-year", "-starts_on")
        .first()
    )


def evacuation_verified() -> Exists:
    """For a house queryset: its occupants' evacuation (撤离并妥善安置) was verified in the field
    since the house got its current grade. Such a house is off the 危房不住人 board; its key
    household stays on the 动态清零 list until the house is safe or the housing solved
    (docs/numbers.md)."""
    return Exists(
        ControlMeasure.objects.filter(
            house=OuterRef("pk"),
            kind=MeasureKind.EVACUATE,
            verified_on__isnull=False,
            verified_on__gte=OuterRef("grade_on"),
        )
    )


def occupied_dangerous_houses(user: Viewer) -> QuerySet[House]:
    """危房不住人 board, from the house's one current state (ADR 0021): every house of any
    household whose current grade is C/D — appraised, or suspected by an inspection and awaiting
    appraisal — that people live in, or whose occupancy nobody has checked in the field yet (never
    inspected). A house leaves the board when its occupants' evacuation is verified, when it is
    renovated to A/B (its grade changes) or demolished. Worst and longest first."""
    demolished = FollowUp.objects.filter(house=OuterRef("pk"), demolished_on__isnull=False)
    return (
        House.objects.visible_to(user)
        .filter(current_grade__in=DANGEROUS_GRADES)
        .filter(Q(is_occupied=True) | Q(last_inspected_at__isnull=True))
        .exclude(evacuation_verified())
        .exclude(Exists(demolished))
        .select_related("household", "region")
        .annotate(
            measures=Count("control_measures"),
            verified_measures=Count("control_measures", filter=Q(control_measures__verified_on__isnull=False)),
        )
        .order_by("-current_grade", "-elderly_occupants", "grade_on", "region_code", "pk")
    )


def occupied_dangerous_by_township(user: Viewer) -> list[tuple[Region | None, int]]:
    rows = (
        occupied_dangerous_houses(user)
        .order_by()
        .values("region_code")
        .annotate(n=Count("pk", distinct=True))
        .values_list("region_code", "n")
    )
    by_township: dict[str, int] = {}
    for code, n in rows:
        by_township[code[:9] + "000"] = by_township.get(code[:9] + "000", 0) + n
    names = {r.code: r for r in Region.objects.filter(code__in=by_township)}
    return [(names.get(code), n) for code, n in sorted(by_township.items())]


def event_board(event: EmergencyEvent, user: Viewer) -> list[dict[str, Any]]:
    """Per village: tasks, done, and the worst still open."""
    rows = (
        EmergencyTask.objects.visible_to(user)
        .filter(event=event)
        .values("region_code")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(inspection__isnull=False)),
            urgent_open=Count("pk", filter=Q(inspection__isnull=True, priority__lte=1)),
        )
        .order_by("region_code")
    )
    names = {r.code: r for r in event.villages.all()}
    return [row | {"village": names.get(row["region_code"])} for row in rows]


def measures_of(house: House) -> QuerySet[ControlMeasure]:
    return house.control_measures.select_related("recorded_by", "verified_by")


@dataclass
class SignOffRow:
    village: Region
    record: VillageList | None
    due: datetime.date

    @property
    def late(self) -> bool:
        if self.record is None:
            return timezone.localdate() > self.due
        return self.record.is_late

    @property
    def label(self) -> str:
        if self.record is None:
            return "逾期未报" if self.late else "未签字"
        text = self.record.get_status_display()
        return f"{text}（逾期）" if self.late else text


def sign_off_status(campaign: Campaign, user: Viewer) -> list[SignOffRow]:
    records = {
        r.village_id: r
        for r in VillageList.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("signed_by", "campaign")
        .order_by("round")  # the latest version of each village's list wins
    }
    villages = (
        Region.objects.visible_to(user)
        .filter(pk__in=campaign.villages.values("pk"), level=RegionLevel.VILLAGE)
        .order_by("code")
    )
    return [SignOffRow(v, records.get(v.pk), campaign.list_due) for v in villages]
