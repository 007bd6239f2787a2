"""The map's maintained clusters (issue 23, ADR 0049): per village, the houses with coordinates
counted by grade, latest case stage and key-group flag, with the sums of their coordinates.
Refreshed with the summaries (``services.summaries_refresh``), so the clustered map is exactly as
fresh as the dashboard; a map zoomed in far enough to show single houses reads them live."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from anju.cases.models import RenovationCase
from anju.core.dbops import fetch_rows, rows_replace
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


def _staged_groups(prefixes: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """The located houses that have a case (2 % of houses), grouped as ``house_groups`` and by
    their latest case's stage (the map's stage filter: the same order as the points). Read from
    the cases' side — each house's latest case (no later one for the same house) joined to its
    house by key: 0.5 s at 5,000,000 houses, where starting from the houses scanned them all
    (1.5 s; ADR 0053). Rows of (region code, grade, key flag, stage, houses, latitude sum,
    longitude sum)."""
    later = RenovationCase.objects.filter(house_id=OuterRef("house_id")).filter(
        Q(opened_on__gt=OuterRef("opened_on")) | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
    )
    latest = RenovationCase.objects.filter(house__latitude__isnull=False, house__longitude__isnull=False).filter(
        ~Exists(later)
    )
    return fetch_rows(
        within_prefixes(latest, "house__region_code", prefixes)
        .values("house__region_code", "house__current_grade", "house__key_household", "stage")
        .annotate(n=Count("*"), lat=Sum("house__latitude"), lon=Sum("house__longitude"))
        .values_list("house__region_code", "house__current_grade", "house__key_household", "stage", "n", "lat", "lon")
        .order_by()
    )


# A row of ``house_groups``: (region code, grade, key flag, located, houses, lat sum, lon sum);
# the sums are decimals (PostgreSQL) or floats (SQLite), None for houses without coordinates.
Group = tuple[str, str, bool, bool, int, Any, Any]


def house_groups(prefixes: Sequence[str] | None) -> list[Group]:
    """Every house under ``prefixes`` (all if None) counted by raw region code, current grade,
    key-group flag and whether it has coordinates, with its coordinates summed: the one scan of
    the houses that both the dashboard's standing figures (houses, C/D houses) and the map's
    cells are folded from. Grouped by the raw code (a few houses sit in a 村民小组 below their
    village: folded by the callers) and a key flag, not the group's name: the groups then fit a
    hash table in PostgreSQL's default work_mem (0.9 s at 1,000,000 houses, against 2.2 s sorting
    on disk by the village's substring and the name; docs/performance.md). Read as plain rows:
    the ORM's per-row dictionaries and converters cost as much as the query at 5,000,000 houses
    (ADR 0053)."""
    # The key flag is the one the household services keep on the house (ADR 0053): the houses are
    # read alone. The coordinates are summed as the decimals they are and made floats by the
    # folding: casting 5,000,000 pairs to float in the query cost 0.5 s (a cell's centre is its
    # sums over ``n``).
    return fetch_rows(
        within_prefixes(House.objects.all(), "region_code", prefixes)
        .annotate(
            located=ExpressionWrapper(Q(latitude__isnull=False, longitude__isnull=False), output_field=BooleanField())
        )
        .values("region_code", "current_grade", "key_household", "located")
        .annotate(n=Count("*"), lat=Sum("latitude"), lon=Sum("longitude"))
        .values_list("region_code", "current_grade", "key_household", "located", "n", "lat", "lon")
        .order_by()
    )


def _exact_cells(prefixes: Sequence[str] | None, groups: list[Group] | None) -> dict[Cell, list[Any]]:
    """The cells with their sums as the database gave them: decimals on PostgreSQL, added exactly
    and in any order to the same total, so that a refresh that changes nothing writes the same
    floats again and ``rows_replace`` matches them whole (ADR 0053)."""
    cells: dict[Cell, list[Any]] = {}
    for code, grade, key, located, n, lat, lon in house_groups(prefixes) if groups is None else groups:
        if not located:
            continue
        cell_key = (code[:VILLAGE_LENGTH], grade, "", bool(key))
        cell = cells.get(cell_key)
        if cell is None:
            cells[cell_key] = [n, lat, lon]
        else:
            cell[0] += n
            cell[1] += lat
            cell[2] += lon
    # The houses with a case, grouped again by their latest case's stage, move from the "" cells.
    for code, grade, key, stage, n, lat, lon in _staged_groups(prefixes):
        village = code[:VILLAGE_LENGTH]
        cell = cells.setdefault((village, grade, "", bool(key)), [0, 0, 0])
        cell[0] -= n
        cell[1] -= lat
        cell[2] -= lon
        cell = cells.setdefault((village, grade, stage, bool(key)), [0, 0, 0])
        cell[0] += n
        cell[1] += lat
        cell[2] += lon
    return {k: v for k, v in cells.items() if v[0] > 0}


def mapcells_refresh(prefixes: Sequence[str] | None, groups: list[Group] | None = None) -> int:
    """Recompute the cells of the villages under ``prefixes`` (all if None) from ``groups`` (their
    ``house_groups``, read here when not given); the caller holds the transaction (the summaries'
    refresh). Returns the rows written."""
    cells = _exact_cells(prefixes, groups)
    # Only the cells that changed are written (ADR 0053): a refresh mostly finds the cells as the
    # receivers left them.
    written = rows_replace(
        within_prefixes(MapCell.objects.all(), "village_code", prefixes),
        ("village_code", "grade", "stage", "key"),
        ("houses", "lat_sum", "lon_sum"),
        {cell: (int(n), float(lat), float(lon)) for cell, (n, lat, lon) in cells.items()},
    )
    villages: dict[str, list[Any]] = {}
    for (village, grade, _stage, _key), (n, lat, lon) in cells.items():
        row = villages.setdefault(village, [0, 0, "", 0, 0])
        row[0] += int(n)
        row[1] += int(n) if grade in ("C", "D") else 0
        row[2] = max(row[2], grade)  # "" < A < B < C < D
        row[3] += lat
        row[4] += lon
    written += rows_replace(
        within_prefixes(MapVillage.objects.all(), "village_code", prefixes),
        ("village_code",),
        ("houses", "cd", "worst", "lat_sum", "lon_sum"),
        {(village,): (n, cd, worst, float(lat), float(lon)) for village, (n, cd, worst, lat, lon) in villages.items()},
    )
    if connection.vendor == "postgresql" and prefixes is None and written > len(cells) // 10:
        # Fresh statistics after a large rewrite: planned on stale ones, the map's GROUP BY
        # sorted 200,000 rows on disk (ADR 0049).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboard_mapcell, dashboard_mapvillage")
    return written
