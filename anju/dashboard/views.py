"""Dashboard pages: the 动态清零 dashboard with drill-down, its JSON, and the map of houses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from anju.cases.choices import Stage
from anju.core.pages import paginate
from anju.core.replica import reads_from_replica
from anju.dashboard import selectors
from anju.dashboard.selectors import MapFilter
from anju.dynamic.selectors import duty_figures
from anju.regions.acts import IMPORT_BOUNDARIES, may
from anju.regions.choices import RegionLevel


def _year(request: HttpRequest, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in years else selectors.default_year(years)


@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    region = selectors.region_for(request.user, request.GET.get("region"))
    years = selectors.summary_years()
    year = _year(request, years)
    data = selectors.dashboard_data(user=request.user, region=region, year=year)
    # The list's keys in its order, read once: its count, its page and how many of it are out of
    # danger come from them, where a count, a page and a count over the list were three scans
    # of the province's C/D houses (211 → ~70 ms of SQL at 1,000,000 households, ADR 0051).
    listed = list(selectors.key_households(user=request.user, region=region).values_list("pk", flat=True))
    page, query = paginate(request, listed, size=20, exact=True)
    page.object_list = selectors.key_households_page(user=request.user, region=region, pks=list(page.object_list))
    for house in page:
        house.days = selectors.days_since(house.since)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "page_title": f"动态清零看板 · {data['region']['name']}",
            "data": data,
            "region": region,
            "year": year,
            "years": years or [year],
            "crumbs": selectors.breadcrumbs(request.user, region),
            "page": page,
            "query": query,
            # Off the 危房不住人 board but still on this list (docs/numbers.md).
            "out_of_danger": selectors.out_of_danger(listed),
            "group_label": selectors.group_label,
            "stage_labels": dict(Stage.choices),
            # By programme, 动态新增, disasters, energy saving and 一般户 routes (issue 18), counted live.
            "duties": duty_figures(region.prefix if region else "", year),
            "data_url": reverse("dashboard:data") + f"?region={region.code if region else ''}&year={year}",
        },
    )


@login_required
@reads_from_replica
def dashboard_json(request: HttpRequest) -> JsonResponse:
    region = selectors.region_for(request.user, request.GET.get("region"))
    years = selectors.summary_years()
    return JsonResponse(selectors.dashboard_data(user=request.user, region=region, year=_year(request, years)))


def map_tiles() -> dict[str, Any] | None:
    """The tile source from ``settings.ANJU_MAP_TILES`` (None: a plain background, no request
    leaves the server). ``{key}`` in the URLs is replaced by ``key`` here."""
    cfg = getattr(settings, "ANJU_MAP_TILES", None)
    if not cfg or not cfg.get("url"):
        return None
    key = str(cfg.get("key", ""))
    return {
        "url": str(cfg["url"]).replace("{key}", key),
        "overlay_url": str(cfg.get("overlay_url", "")).replace("{key}", key),
        "attribution": str(cfg.get("attribution", "")),
        "subdomains": cfg.get("subdomains", "abc"),
        "max_zoom": int(cfg.get("max_zoom", 18)),
    }


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The map of houses, opened on the user's region or the one asked for (``?region=``, as the
    dashboard's 地图 link passes it; another region's is a 404)."""
    region = selectors.region_for(request.user, request.GET.get("region"))
    county = next(
        (r for r in [*(region.ancestors() if region else []), region] if r and r.level == RegionLevel.COUNTY), None
    )
    return render(
        request,
        "dashboard/map.html",
        {
            "page_title": "房屋分布图" + (f" · {region.name}" if region else ""),
            "region": region,
            "region_options": selectors.map_region_options(request.user, region),
            "boundary_county": county if county and may(county, request.user, IMPORT_BOUNDARIES) else None,
            "map_config": {
                "tiles": map_tiles(),
                "region": region.code if region else "",
                "points_url": reverse("dashboard:map_points"),
                "regions_url": reverse("dashboard:map_regions"),
                "dashboard_url": reverse("dashboard:dashboard"),
                "house_url": reverse("households:house_detail", args=[0]),
                "case_url": reverse("cases:case_detail", args=[0]),
                "cap": selectors.MAP_CAP,
            },
            "stages": Stage.choices,
        },
    )


def map_filter(params: Any, user: Any) -> MapFilter:
    """The map's filters from a query string; a region outside the user's scope is a 404."""
    grade = params.get("grade", "")
    stage = params.get("stage", "")
    region = selectors.region_for(user, params.get("region")) if params.get("region") else None
    return MapFilter(
        bbox=selectors.parse_bbox(params.get("bbox", "")),
        grade=grade if grade in ("A", "B", "C", "D") else "",
        stage=stage if stage in Stage.values or stage == "none" else "",
        key_only=params.get("key") in ("1", "true", "on"),
        region_prefix=region.prefix if region else "",
        zoom=int(params["zoom"]) if str(params.get("zoom", "")).isdigit() else None,
    )


@login_required
@reads_from_replica
def map_points(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.map_points(user=request.user, flt=map_filter(request.GET, request.user)))


@login_required
@reads_from_replica
def map_regions(request: HttpRequest) -> JsonResponse:
    """The outlines and names of a region and its children (``?region=``; the user's own when
    none), for the map."""
    region = selectors.region_for(request.user, request.GET.get("region"))
    return JsonResponse(selectors.map_regions(user=request.user, region=region))
