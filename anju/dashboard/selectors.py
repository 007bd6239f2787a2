"""Reads for the dashboard and the map. The dashboard reads the maintained summaries (a few
rows per request, whatever the size of the province); the key-household list and the map
read the base tables, scoped and paged or capped."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Floor, Substr
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.http import Http404
from django.utils import timezone

from anju.cases.choices import Stage
from anju.cases.headline import key_in_cd_houses
from anju.cases.models import RenovationCase
from anju.core.actors import Viewer
from anju.core.dbops import Keys
from anju.core.numbers import yuan
from anju.core.scoping import get_visible_or_404, user_scope_prefix
from anju.dashboard.models import MapCell, MapVillage, RegionSummary
from anju.dashboard.services import COUNTERS, add_figures, blank_figures, figures_of
from anju.households.choices import GENERAL_LABEL, GradeSource, KeyGroup, PastProgramme
from anju.households.models import House
from anju.inspections.selectors import evacuation_verified
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.models import Region, RegionBoundary
from anju.tasks.headline import completion_rate

MAP_CAP = 5000
GRADE_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828", "": "#757575"}


def user_root(user: Viewer) -> Region | None:
    """The region a user's dashboard opens on (None: a superuser above the tree, 全国)."""
    region: Region | None = getattr(user, "region", None)
    if region is None and user_scope_prefix(user) != "":
        raise Http404("您没有可查看的区划。")
    return region


def region_for(user: Viewer, code: str | None) -> Region | None:
    """The region asked for (``?region=``), or the user's own; another region's is a 404."""
    if code:
        return get_visible_or_404(Region.objects.all(), user, code=code)
    return user_root(user)


def summary_years() -> list[int]:
    return sorted(set(RegionSummary.objects.values_list("year", flat=True).distinct().order_by()))


def default_year(years: list[int]) -> int:
    this_year = timezone.localdate().year
    return this_year if this_year in years or not years else years[-1]


def days_since(day: datetime.date | None) -> int | None:
    return None if day is None else (timezone.localdate() - day).days


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _completion(completed: int, tasks: int) -> dict[str, Any]:
    """竣工率 by its one definition (``anju.tasks.headline``), as a number and as the text shown
    (why it cannot be computed, when it cannot)."""
    rate = completion_rate(completed, tasks)
    return {
        "completion_rate": float(rate.value) if rate.value is not None else None,
        "completion_rate_text": rate.text,
    }


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class Breadcrumb:
    code: str
    name: str


def breadcrumbs(user: Viewer, region: Region | None) -> list[Breadcrumb]:
    """From the user's own region down to the one shown (never above what they may see)."""
    if region is None:
        return [Breadcrumb("", "全国")]
    root = user_root(user)
    chain = [*region.ancestors(), region]
    crumbs = [Breadcrumb(r.code, r.name) for r in chain if root is None or r.is_within(root)]
    if root is None:
        crumbs.insert(0, Breadcrumb("", "全国"))
    return crumbs


def _child_dict(row: RegionSummary, name: str) -> dict[str, Any]:
    return {
        "code": row.region_code,
        "name": name,
        "level": row.level,
        "key_in_cd": row.key_in_cd,
        "days_at_stage": days_since(row.oldest_stage_since),
        "households": row.households,
        "key_households": row.key_households,
        "cd_houses": row.cd_houses,
        "cases": row.cases,
        "completed": row.completed,
        "closed": row.closed,
        "tasks": row.tasks,
        **_completion(row.completed, row.tasks),
        "amount_paid": _money(row.amount_paid),
        "amount_paid_text": f"{row.amount_paid:,.2f}",
        "drillable": row.level <= RegionLevel.VILLAGE,
    }


def dashboard_data(*, user: Viewer, region: Region | None, year: int) -> dict[str, Any]:
    """Everything the dashboard shows for one region and year, read from the summaries (four
    small queries): headline figures, cases by stage, the child regions, the monthly trend."""
    if region is not None:
        own = RegionSummary.objects.filter(region_code=region.code, year=year).first()
        child_rows = list(RegionSummary.objects.filter(parent_code=region.code, year=year).order_by("region_code"))
        figures = figures_of(own) if own else blank_figures()
        refreshed = own.refreshed_at if own else None
    else:  # 全国: the provinces are the children and their sum the headline
        child_rows = list(RegionSummary.objects.filter(level=RegionLevel.PROVINCE, year=year).order_by("region_code"))
        figures = blank_figures()
        for row in child_rows:
            add_figures(figures, figures_of(row))
            figures["tasks"] += row.tasks
        refreshed = min((r.refreshed_at for r in child_rows), default=None)
    names = dict(Region.objects.filter(code__in=[r.region_code for r in child_rows]).values_list("code", "name"))
    children = [_child_dict(r, names.get(r.region_code, r.region_code)) for r in child_rows]
    children.sort(key=lambda c: (-c["key_in_cd"], -(c["days_at_stage"] or 0), c["code"]))
    stage_counts = figures["stage_counts"]
    local = timezone.localtime(refreshed) if refreshed else None
    return {
        "region": {
            "code": region.code if region else "",
            "name": region.name if region else "全国",
            "level": region.level if region else 0,
            "level_label": region.level_label if region else "全国",
        },
        "year": year,
        "refreshed_at": local.isoformat() if local else None,
        "refreshed_label": f"统计更新于 {local:%Y-%m-%d %H:%M}" if local else "尚未统计（请运行 refresh_summaries）",
        "headline": {
            **{f: figures[f] for f in COUNTERS},
            "days_at_stage": days_since(figures["oldest_stage_since"]),
            "tasks": figures["tasks"],
            **_completion(figures["completed"], figures["tasks"]),
            "closed_rate": _rate(figures["closed"], figures["tasks"]),
            "amount_paid": _money(figures["amount_paid"]),
            "amount_paid_text": yuan(figures["amount_paid"]),
        },
        "stages": [{"stage": s.value, "label": s.label, "count": stage_counts.get(s.value, 0)} for s in Stage],
        "children": children,
        "trend": _trend(figures["monthly"], year),
    }


def _trend(monthly: dict[str, list[int]], year: int) -> dict[str, Any]:
    """The months of the plan year up to this one (a month still to come is not a zero)."""
    today = timezone.localdate()
    shown = 12 if year < today.year else 0 if year > today.year else today.month
    return {"months": [f"{m}月" for m in range(1, shown + 1)], **{k: v[:shown] for k, v in monthly.items()}}


def key_households(*, user: Viewer, region: Region | None) -> QuerySet[House]:
    """The 动态清零 list of a region: key-group households still in a C/D house, longest at
    their stage first."""
    houses = House.objects.visible_to(user)
    if region is not None:
        houses = houses.filter(region_code__subtree=region.prefix)
    return (
        key_in_cd_houses(houses)
        .annotate(evacuated=evacuation_verified())
        .select_related("household", "region")
        .order_by("since", "pk")
    )


def key_households_page(*, user: Viewer, region: Region | None, pks: list[int]) -> list[House]:
    """The rows of one page of the 动态清零 list, in the page's order: the page is chosen over the
    list's keys alone (``key_households(...).values_list("pk")``, read off the partial indexes of
    ADR 0050), then only its 20 houses are read whole, with their household, region and
    evacuation — not the 8,000 of a province's list."""
    rows = {h.pk: h for h in key_households(user=user, region=region).filter(pk__in=pks)}
    return [rows[pk] for pk in pks if pk in rows]


def out_of_danger(pks: list[int]) -> int:
    """How many of the listed houses (``key_households``' keys) are off the 危房不住人 board but
    still on the 动态清零 list: their occupants' evacuation verified, or found unoccupied in the
    field (docs/numbers.md). Asked of these houses only, by key."""
    return (
        House.objects.filter(pk__any=Keys(pks))
        .annotate(evacuated=evacuation_verified())
        .filter(Q(evacuated=True) | Q(is_occupied=False, last_inspected_at__isnull=False))
        .count()
    )


def group_label(code: str) -> str:
    return KeyGroup(code).label if code else GENERAL_LABEL


# The map ------------------------------------------------------------------------------------


@dataclass
class MapFilter:
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    grade: str = ""
    stage: str = ""  # a Stage value, "none" for houses without a case, "" for any
    key_only: bool = False
    region_prefix: str = ""  # the houses of one region's subtree (the map's region filter)
    zoom: int | None = None  # the map's zoom: sets the cluster size when the houses are clustered


def parse_bbox(raw: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees; anything else is no box."""
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


# A cluster covers about this many screen pixels (Leaflet.markercluster's default radius is 80).
CLUSTER_PIXELS = 60
DEFAULT_ZOOM = 7
# Below this zoom (a county or more on a phone's screen) the map shows areas' counts, not houses.
POINTS_FROM_ZOOM = 10


def _cells(user: Viewer, flt: MapFilter) -> QuerySet[MapCell] | QuerySet[MapVillage]:
    """The maintained rows (ADR 0049) the filters select, with their centres: one per village
    (``MapVillage``) without a grade, stage or key filter, else one per village and combination."""
    cells: QuerySet[MapCell] | QuerySet[MapVillage]
    if flt.grade or flt.stage or flt.key_only:
        cells = MapCell.objects.visible_to(user)
        if flt.grade:
            cells = cells.filter(grade=flt.grade)
        if flt.stage:
            cells = cells.filter(stage="" if flt.stage == "none" else flt.stage)
        if flt.key_only:
            cells = cells.filter(key=True)
    else:
        cells = MapVillage.objects.visible_to(user)
    if flt.region_prefix:
        cells = cells.filter(village_code__subtree=flt.region_prefix)
    lat, lon = F("lat_sum") / F("houses"), F("lon_sum") / F("houses")
    if flt.bbox:
        west, south, east, north = flt.bbox
        cells = cells.filter(
            GreaterThanOrEqual(lon, west),
            LessThanOrEqual(lon, east),
            GreaterThanOrEqual(lat, south),
            LessThanOrEqual(lat, north),
        )
    return cells.annotate(lat=lat, lon=lon)


def map_clusters(*, user: Viewer, flt: MapFilter) -> list[dict[str, Any]]:
    """The selected houses grouped by the database into squares of about ``CLUSTER_PIXELS`` at
    the map's zoom: each with its count, its C/D count, its worst grade and the mean position."""
    zoom = min(max(flt.zoom if flt.zoom is not None else DEFAULT_ZOOM, 0), 18)
    size = CLUSTER_PIXELS * 360.0 / (256 * 2**zoom)  # degrees of longitude per cluster
    cells = _cells(user, flt)
    by_village = cells.model is MapVillage
    worst = Max("worst") if by_village else Max("grade")  # "" < A < B < C < D
    cd = Sum("cd") if by_village else Sum("houses", filter=Q(grade__in=["C", "D"]))
    rows = (
        cells.annotate(gx=Floor(F("lon") / size), gy=Floor(F("lat") / size))
        .values("gx", "gy")
        .annotate(n=Sum("houses"), lat_total=Sum("lat_sum"), lon_total=Sum("lon_sum"), worst_grade=worst, cd_houses=cd)
        .order_by("gy", "gx")
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lon_total"] / r["n"], r["lat_total"] / r["n"]]},
            "properties": {
                "cluster": True,
                "count": r["n"],
                "cd": r["cd_houses"] or 0,
                "grade": r["worst_grade"],
                "colour": GRADE_COLOURS.get(r["worst_grade"], GRADE_COLOURS[""]),
            },
        }
        for r in rows
    ]


def map_points(*, user: Viewer, flt: MapFilter, cap: int = MAP_CAP) -> dict[str, Any]:
    """The houses with coordinates the user may see, as GeoJSON. Above ``cap`` houses (counted
    from the maintained cells), or at a zoom below ``POINTS_FROM_ZOOM``, they come clustered by
    the database (``clustered``, ``total``); otherwise house by house, read live. Before the
    cells' first refresh, at most ``cap`` houses (``truncated`` then says so: zoom in)."""
    far = flt.zoom is not None and flt.zoom < POINTS_FROM_ZOOM
    # Zoomed out the clusters are the answer whenever there are any: counted from them, one query.
    features = map_clusters(user=user, flt=flt) if far else []
    total = (
        sum(f["properties"]["count"] for f in features)
        if far
        else _cells(user, flt).aggregate(n=Sum("houses"))["n"] or 0
    )
    if total > cap or (total and far):
        features = features or map_clusters(user=user, flt=flt)
        return {
            "type": "FeatureCollection",
            "features": features,
            "truncated": False,
            "cap": cap,
            "clustered": True,
            "total": total,
            "points_from_zoom": POINTS_FROM_ZOOM,
        }
    latest = RenovationCase.objects.filter(house_id=OuterRef("pk")).order_by("-opened_on", "-pk")
    qs = (
        House.objects.visible_to(user)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(case_id=Subquery(latest.values("pk")[:1]), case_stage=Subquery(latest.values("stage")[:1]))
    )
    if flt.region_prefix:
        qs = qs.filter(region_code__subtree=flt.region_prefix)
    if flt.bbox:
        west, south, east, north = flt.bbox
        qs = qs.filter(longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north)
    if flt.grade:
        qs = qs.filter(current_grade=flt.grade)
    if flt.stage == "none":
        qs = qs.filter(case_id__isnull=True)
    elif flt.stage:
        qs = qs.filter(case_stage=flt.stage)
    if flt.key_only:
        qs = qs.exclude(household__primary_group="")
    rows = list(
        qs.order_by("pk").values(
            "pk",
            "latitude",
            "longitude",
            "address",
            "current_grade",
            "grade_source",
            "grade_on",
            "renovated_year",
            "renovation_programme",
            "household__head_name",
            "household__primary_group",
            "case_id",
            "case_stage",
        )[: cap + 1]
    )
    truncated = len(rows) > cap
    stages = dict(Stage.choices)
    features = []
    for r in rows[:cap]:
        grade = r["current_grade"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(r["longitude"]), float(r["latitude"])]},
                "properties": {
                    "house": r["pk"],
                    "name": f"{r['household__head_name']}户",
                    "address": r["address"],
                    "grade": grade,
                    "grade_source": GradeSource(r["grade_source"]).label if r["grade_source"] else "",
                    "grade_on": r["grade_on"].isoformat() if r["grade_on"] else "",
                    "renovated": (
                        f"{r['renovated_year']} 年{PastProgramme(r['renovation_programme']).label}"
                        if r["renovated_year"] and r["renovation_programme"]
                        else (f"{r['renovated_year']} 年" if r["renovated_year"] else "")
                    ),
                    "colour": GRADE_COLOURS.get(grade, GRADE_COLOURS[""]),
                    "group": group_label(r["household__primary_group"]),
                    "key": bool(r["household__primary_group"]),
                    "case": r["case_id"],
                    "stage": r["case_stage"] or "",
                    "stage_label": stages.get(r["case_stage"] or "", "无改造案件"),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "truncated": truncated,
        "cap": cap,
        "clustered": False,
        "points_from_zoom": POINTS_FROM_ZOOM,
    }


# The map's regions: the filter's choices, the outlines and the names -------------------------

# Above this many divisions in a user's subtree the region filter lists townships, not villages
# (a province's villages would make a select nobody can use; the outlines still drill to them).
REGION_OPTIONS_CAP = 3000


@dataclass(frozen=True)
class RegionOption:
    code: str
    label: str


def map_region_options(user: Viewer, current: Region | None) -> list[RegionOption]:
    """The user's region and every division under it down to the village, in tree order,
    indented by level (the map's region filter)."""
    root = user_root(user)
    regions = Region.objects.visible_to(user).filter(level__lte=RegionLevel.VILLAGE)
    if regions.count() > REGION_OPTIONS_CAP:
        deepest = max((root.level if root else RegionLevel.PROVINCE) + 1, RegionLevel.TOWNSHIP)
        regions = regions.filter(level__lte=deepest)
    rows = list(regions.order_by("code").values_list("code", "name", "level"))
    if current is not None and current.code not in {code for code, _n, _l in rows}:
        rows = sorted([*rows, (current.code, current.name, current.level)])
    top = root.level if root else RegionLevel.PROVINCE
    options = [] if root else [RegionOption("", "全国")]
    return options + [RegionOption(code, "\u3000" * (level - top) + name) for code, name, level in rows]


def _house_centres(user: Viewer, region: Region | None, width: int) -> dict[str, tuple[float, float]]:
    """The mean position of the houses under each child region (where a name goes when the
    county has no boundary file)."""
    houses = House.objects.visible_to(user).filter(latitude__isnull=False, longitude__isnull=False)
    if region is not None:
        houses = houses.filter(region_code__subtree=region.prefix)
    rows = (
        houses.annotate(p=Substr("region_code", 1, width))
        .values("p")
        .annotate(lng=Avg("longitude"), lat=Avg("latitude"))
        .values_list("p", "lng", "lat")
    )
    return {p: (round(float(lng), 6), round(float(lat), 6)) for p, lng, lat in rows}


def map_regions(*, user: Viewer, region: Region | None) -> dict[str, Any]:
    """The region shown on the map and its children: each with its outline when a boundary
    file carried one, the point its name is written at (the outline's centre, else the mean of
    its houses), and whether the map can drill into it."""
    children = list(
        Region.objects.visible_to(user).filter(parent=region)
        if region is not None
        else Region.objects.visible_to(user).filter(level=RegionLevel.PROVINCE)
    )
    codes = [c.code for c in children] + ([region.code] if region else [])
    outlines = {b.region_code: b for b in RegionBoundary.objects.visible_to(user).filter(region_code__in=codes)}
    centres = _house_centres(user, region, PREFIX_LENGTH[RegionLevel(children[0].level)]) if children else {}

    def entry(r: Region) -> dict[str, Any]:
        b = outlines.get(r.code)
        label = [b.label_lng, b.label_lat] if b else centres.get(r.prefix)
        return {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "geometry": json.loads(b.geometry) if b else None,
            "label": list(label) if label else None,
            "drillable": r.level <= RegionLevel.VILLAGE,
        }

    return {
        "region": entry(region) if region else {"code": "", "name": "全国", "level": 0, "geometry": None},
        "children": [entry(c) for c in children],
        "outlines": len(outlines),
    }


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """For the case page: whether the household is on the 动态清零 list (a key-group household
    still in a C/D house) and for how long at its stage, with links to the village's dashboard
    and the map."""
    houses = House.objects.visible_to(user).filter(household_id=case.household_id)
    listed = key_in_cd_houses(houses).order_by("since").first()
    village = case.region_code[:12]
    return {
        "listed": listed is not None,
        "days_at_stage": days_since(listed.since) if listed is not None else None,  # type: ignore[attr-defined]  # django-stubs: "since" is annotated by key_in_cd_houses
        "village_code": village,
        "dashboard_query": f"region={case.region_code[:9]}000&year={case.year}",
    }


def home_figure(user: Viewer) -> RegionSummary | None:
    """The user's own region's summary for this year (one indexed read), for the home page."""
    region = getattr(user, "region", None)
    if region is None:
        return None
    return RegionSummary.objects.filter(region_code=region.code, year=timezone.localdate().year).first()
