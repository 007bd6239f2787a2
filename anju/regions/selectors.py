"""Reads of the region tree, with roll-up counts done in one query per level."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr

from anju.core.divisions import RegionCodeError, level_of, prefix_of
from anju.core.scoping import user_scope_prefix
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.models import Region, RegionBoundary

# A region filter lists at most about this many divisions: a province's 3,000 villages made a
# 180 KB select on every list page that nobody could scroll (ADR 0051). Past it, the villages of
# the chosen township only.
REGION_PICKER_CAP = 400


@dataclass(frozen=True)
class RegionChoice:
    code: str
    name: str
    level: int


# The pickers already worked out in this process (ADR 0054): every list page of a county officer
# asked the database for the same 250 divisions. A division saved or deleted in this process
# clears them once its transaction commits (``picker_forget_on_commit``); every other process —
# the web workers, when the job worker imports divisions — sees the change after at most
# ``PICKER_SECONDS``.
PICKER_SECONDS = 60.0
_PICKER_MAX = 4096
_pickers: dict[tuple[str, str, int], tuple[float, tuple[RegionChoice, ...]]] = {}


def picker_forget(**_: Any) -> None:
    _pickers.clear()


def picker_forget_on_commit(**_: Any) -> None:
    """A division changed: forget the pickers when the change is committed (cleared before, a
    request in between would keep the old rows for another ``PICKER_SECONDS``)."""
    transaction.on_commit(picker_forget)


def region_picker(*, viewer: Any, selected: str = "", deepest: int = RegionLevel.VILLAGE) -> list[RegionChoice]:
    """The divisions a list's region filter offers, in tree order: from the county down to
    ``deepest`` within the viewer's region. When that is more than ``REGION_PICKER_CAP`` (a city
    or a province), the counties and townships, and the villages of the township ``selected``
    lies in: pick the township, filter, and its villages are offered (works without script)."""
    prefix = user_scope_prefix(viewer)
    if prefix is None:
        return []
    try:
        township = prefix_of(selected, RegionLevel.TOWNSHIP) if level_of(selected) >= RegionLevel.TOWNSHIP else ""
    except RegionCodeError:  # none chosen, or a code that is not one: the filter says so
        township = ""
    key = (prefix, township, deepest)
    now = time.monotonic()
    kept = _pickers.get(key)
    if kept is not None and now - kept[0] < PICKER_SECONDS:
        return list(kept[1])
    choices = _picker_rows(viewer, township, deepest)
    if len(_pickers) >= _PICKER_MAX:
        _pickers.clear()
    _pickers[key] = (now, tuple(choices))
    return choices


def _picker_rows(viewer: Any, township: str, deepest: int) -> list[RegionChoice]:
    regions = Region.objects.visible_to(viewer).filter(level__gte=RegionLevel.COUNTY, level__lte=deepest)
    rows = list(regions.order_by("code").values_list("code", "name", "level")[: REGION_PICKER_CAP + 1])
    if len(rows) <= REGION_PICKER_CAP:  # a county or less: one query, whatever the level (ADR 0054)
        return [RegionChoice(*row) for row in rows]
    if deepest > RegionLevel.TOWNSHIP:
        upper = regions.filter(level__lte=RegionLevel.TOWNSHIP)
        villages = regions.filter(level__gt=RegionLevel.TOWNSHIP, code__subtree=township)
        regions = (upper | villages) if township else upper
    return [RegionChoice(*row) for row in regions.order_by("code").values_list("code", "name", "level")]


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
