"""Reads of the region tree, with roll-up counts done in one query per level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import Substr

from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.models import Region, RegionBoundary


@dataclass(frozen=True)
class ChildRow:
    region: Region
    villages: int
    users: int


def region_roots(*, viewer: Any) -> list[Region]:
    """The top of what a viewer sees: their own region, or the provinces."""
    region = getattr(viewer, "region", None)
    if region is not None:
        return [region]
    return list(Region.objects.visible_to(viewer).filter(level=RegionLevel.PROVINCE))


def region_children(*, viewer: Any, region: Region) -> list[ChildRow]:
    """Each child of ``region`` with the number of villages and users below it."""
    User = get_user_model()

    children = list(Region.objects.visible_to(viewer).filter(parent=region).order_by("code"))
    if not children:
        return []
    child_level = children[0].level
    width = PREFIX_LENGTH[child_level]
    villages = dict(
        Region.objects.filter(code__subtree=region.prefix, level=RegionLevel.VILLAGE)
        .annotate(p=Substr("code", 1, width))
        .values("p")
        .annotate(n=Count("id"))
        .values_list("p", "n")
    )
    users = dict(
        User.objects.filter(region__code__subtree=region.prefix, is_active=True)
        .annotate(p=Substr("region__code", 1, width))
        .values("p")
        .annotate(n=Count("id"))
        .values_list("p", "n")
    )
    return [ChildRow(c, villages.get(c.prefix, 0), users.get(c.prefix, 0)) for c in children]


@dataclass(frozen=True)
class BoundarySummary:
    by_level: list[tuple[str, int, int]]  # level label, outlines loaded, divisions of that level
    sources: list[str]


def boundary_summary(*, county: Region) -> BoundarySummary:
    """How many of a county's divisions have an outline, level by level, and from which files."""
    loaded = dict(
        RegionBoundary.objects.filter(region_code__subtree=county.prefix)
        .values("region__level")
        .annotate(n=Count("id"))
        .values_list("region__level", "n")
    )
    total = dict(
        Region.objects.filter(code__subtree=county.prefix)
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    rows = [(RegionLevel(level).label, loaded.get(level, 0), n) for level, n in sorted(total.items())]
    sources = sorted(
        set(RegionBoundary.objects.filter(region_code__subtree=county.prefix).values_list("source", flat=True))
    )
    return BoundarySummary(rows, sources)
