"""The map's maintained clusters (issue 23, ADR 0049): per village, the houses with coordinates
counted by grade, latest case stage and key-group flag, with the sums of their coordinates.
Refreshed with the summaries (``services.summaries_refresh``), so the clustered map is exactly as
fresh as the dashboard; a map zoomed in far enough to show single houses reads them live."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, FloatField, Model, Q, QuerySet, Sum
from django.db.models.functions import Cast

from anju.cases.models import RenovationCase
from anju.core.dbops import insert_rows
from anju.dashboard.models import MapCell, MapVillage
from anju.households.models import House

VILLAGE_LENGTH = 12
_M = TypeVar("_M", bound=Model)
CHUNK = 5000

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


def _latest_stages(prefixes: Sequence[str] | None) -> dict[int, str]:
    """Each house's latest case's stage (the map's stage filter: the same order as the points)."""
    latest: dict[int, str] = {}
    cases = within_prefixes(RenovationCase.objects.filter(house_id__isnull=False), "region_code", prefixes)
    for house_id, stage in cases.order_by("house_id", "opened_on", "pk").values_list("house_id", "stage"):
        latest[house_id] = stage  # the last one per house wins
    return latest


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
            is_key=ExpressionWrapper(~Q(household__primary_group=""), output_field=BooleanField()),
            located=ExpressionWrapper(Q(latitude__isnull=False, longitude__isnull=False), output_field=BooleanField()),
        )
        .values("region_code", "current_grade", "is_key", "located")
        .annotate(
            n=Count("pk"),
            lat=Sum(Cast("latitude", FloatField())),
            lon=Sum(Cast("longitude", FloatField())),
        )
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
    stages = _latest_stages(prefixes)
    ids = sorted(stages)
    for start in range(0, len(ids), CHUNK):
        for pk, code, grade, group, lat, lon in (
            _houses(prefixes)
            .filter(pk__in=ids[start : start + CHUNK])
            .values_list("pk", "region_code", "current_grade", "household__primary_group", "latitude", "longitude")
        ):
            village, key = code[:VILLAGE_LENGTH], bool(group)
            if lat is None or lon is None:  # filtered out above; for the type checker
                continue
            for cell_key, sign in (((village, grade, "", key), -1), ((village, grade, stages[pk], key), 1)):
                cell = cells[cell_key]
                cell[0] += sign
                cell[1] += sign * float(lat)
                cell[2] += sign * float(lon)
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
