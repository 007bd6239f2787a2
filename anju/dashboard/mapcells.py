"""The map's maintained clusters (issue 23, ADR 0049): per village, the houses with coordinates
counted by grade, latest case stage and key-group flag, with the sums of their coordinates.
Refreshed with the summaries (``services.summaries_refresh``), so the clustered map is exactly as
fresh as the dashboard; a map zoomed in far enough to show single houses reads them live."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    FloatField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast

from anju.cases.models import RenovationCase
from anju.core.dbops import insert_rows
from anju.dashboard.models import MapCell, MapVillage
from anju.households.models import House

VILLAGE_LENGTH = 12
_M = TypeVar("_M", bound=Model)

Cell = tuple[str, str, str, bool]  # village, grade, stage ("" = no case), key group


def within_prefixes(qs: QuerySet[_M], field: str, prefixes: Sequence[str] | None) -> QuerySet[_M]:
    """``qs`` whose ``field`` starts with one of ``prefixes`` (all of it if None)."""
    if prefixes is None:
        return qs
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__subtree": prefix})
    return qs.filter(q)


def _houses(prefixes: Sequence[str] | None) -> QuerySet[House]:
    located = House.objects.filter(latitude__isnull=False, longitude__isnull=False)
    return within_prefixes(located, "region_code", prefixes)


def _is_key() -> ExpressionWrapper[Q]:
    """The house's household is a key household (a house's key flag in the groups)."""
    return ExpressionWrapper(~Q(household__primary_group=""), output_field=BooleanField())


def _sums() -> dict[str, Any]:
    """A group's houses and their coordinates summed (a cell's centre is the sums over ``n``)."""
    return {"n": Count("pk"), "lat": Sum(Cast("latitude", FloatField())), "lon": Sum(Cast("longitude", FloatField()))}


def _staged_groups(prefixes: Sequence[str] | None) -> QuerySet[House, dict[str, Any]]:
    """The located houses that have a case (2 % of houses), grouped as ``house_groups`` and by
    their latest case's stage (the map's stage filter: the same order as the points) — one
    grouped query, where reading them house by house took 4.9 s at 5,000,000 houses."""
    latest = RenovationCase.objects.filter(house_id=OuterRef("pk")).order_by("-opened_on", "-pk")
    with_case = RenovationCase.objects.filter(house_id__isnull=False).values("house_id")
    return (
        _houses(prefixes)
        .filter(pk__in=with_case)
        .annotate(stage=Subquery(latest.values("stage")[:1]), is_key=_is_key())
        .values("region_code", "current_grade", "is_key", "stage")
        .annotate(**_sums())
        .order_by()
    )


def house_groups(prefixes: Sequence[str] | None) -> list[dict[str, Any]]:
    """Every house under ``prefixes`` (all if None) counted by raw region code, current grade,
    key-group flag and whether it has coordinates, with its coordinates summed: the one scan of
    the houses that both the dashboard's standing figures (houses, C/D houses) and the map's
    cells are folded from. Grouped by the raw code (a few houses sit in a 村民小组 below their
    village: folded by the callers) and a key flag, not the group's name: the groups then fit a
    hash table in PostgreSQL's default work_mem (0.9 s at 1,000,000 houses, against 2.2 s sorting
    on disk by the village's substring and the name; docs/performance.md)."""
    return list(
        within_prefixes(House.objects.all(), "region_code", prefixes)
        .annotate(
            is_key=_is_key(),
            located=ExpressionWrapper(Q(latitude__isnull=False, longitude__isnull=False), output_field=BooleanField()),
        )
        .values("region_code", "current_grade", "is_key", "located")
        .annotate(**_sums())
        .order_by()
    )


def compute_cells(
    prefixes: Sequence[str] | None, groups: list[dict[str, Any]] | None = None
) -> dict[Cell, list[float]]:
    """``[houses, lat_sum, lon_sum]`` per cell: the located houses of ``house_groups`` (every house
    counted as without a case), then the few houses with a case moved to their latest case's stage."""
    cells: dict[Cell, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in house_groups(prefixes) if groups is None else groups:
        if not row["located"]:
            continue
        cell = cells[(row["region_code"][:VILLAGE_LENGTH], row["current_grade"], "", row["is_key"])]
        cell[0] += row["n"]
        cell[1] += row["lat"]
        cell[2] += row["lon"]
    # The houses with a case, grouped again by their latest case's stage, move from the "" cells.
    for row in _staged_groups(prefixes):
        village, grade, key = row["region_code"][:VILLAGE_LENGTH], row["current_grade"], row["is_key"]
        for cell_key, sign in (((village, grade, "", key), -1), ((village, grade, row["stage"], key), 1)):
            cell = cells[cell_key]
            cell[0] += sign * row["n"]
            cell[1] += sign * row["lat"]
            cell[2] += sign * row["lon"]
    return {k: v for k, v in cells.items() if v[0] > 0}


def mapcells_refresh(prefixes: Sequence[str] | None, groups: list[dict[str, Any]] | None = None) -> int:
    """Recompute the cells of the villages under ``prefixes`` (all if None) from ``groups`` (their
    ``house_groups``, read here when not given); the caller holds the transaction (the summaries'
    refresh). Returns the rows written."""
    cells = compute_cells(prefixes, groups)
    rows = [(v, g, s, k, int(n), lat, lon) for (v, g, s, k), (n, lat, lon) in cells.items()]
    within_prefixes(MapCell.objects.all(), "village_code", prefixes).delete()
    # COPY on PostgreSQL: ~206,000 rows for a province of 5,000,000 houses
    insert_rows(MapCell, ("village_code", "grade", "stage", "key", "houses", "lat_sum", "lon_sum"), rows)
    villages: dict[str, list[Any]] = {}
    for (village, grade, _stage, _key), (n, lat, lon) in cells.items():
        row = villages.setdefault(village, [0, 0, "", 0.0, 0.0])
        row[0] += int(n)
        row[1] += int(n) if grade in ("C", "D") else 0
        row[2] = max(row[2], grade)  # "" < A < B < C < D
        row[3] += lat
        row[4] += lon
    within_prefixes(MapVillage.objects.all(), "village_code", prefixes).delete()
    insert_rows(
        MapVillage,
        ("village_code", "houses", "cd", "worst", "lat_sum", "lon_sum"),
        [(v, *row) for v, row in villages.items()],
    )
    if connection.vendor == "postgresql" and prefixes is None:
        # Fresh statistics after a wholesale rewrite: planned on stale ones, the map's GROUP BY
        # sorted 200,000 rows on disk (ADR 0049).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboard_mapcell, dashboard_mapvillage")
    return len(rows)
