"""Drill-down to the village on the dashboard and the map (issue 17, ADR 0028): region names are
links, charts carry region codes, breadcrumbs start at the user's own region, the map filters by
region and draws the names and outlines of the region shown and its children."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.dashboard.services import summaries_refresh
from anju.dashboard.tests.conftest import World
from anju.regions.models import Region
from anju.regions.services import boundary_import

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def refreshed(world: World) -> World:
    summaries_refresh()
    return world


def crumbs(html: str) -> list[str]:
    found = re.search(r'data-testid="drill-breadcrumb">(.*?)</ol>', html, re.S)
    assert found is not None
    return re.findall(r'<li class="breadcrumb-item">(?:<a [^>]*>)?([^<]+)', found.group(1))


def test_a_townships_village_names_link_to_the_village_dashboard(refreshed: World, tl_county: User) -> None:
    html = client_for(tl_county).get(reverse("dashboard:dashboard"), {"region": "140405102000"}).content.decode()
    year = refreshed["year"]
    assert f'<a href="?region=140405102201&year={year}">北渔泽村委会</a>' in html
    # The 所在村 of each key household in the list is a link too.
    key_list = html[html.index('data-testid="key-list"') :]
    assert f'<a href="?region=140405102202&year={year}">南渔泽村委会</a>' in key_list


def test_the_village_dashboard_has_its_figures_and_crumbs_from_the_users_region(
    refreshed: World, tl_county: User, tl_township: User
) -> None:
    html = client_for(tl_county).get(reverse("dashboard:dashboard"), {"region": "140405102201"}).content.decode()
    assert "动态清零看板 · 北渔泽村委会" in html
    assert re.search(r'data-testid="key-in-cd">1 ', html)
    assert crumbs(html) == ["屯留区", "渔泽镇", "北渔泽村委会"]
    assert 'href="/dashboard/map/?region=140405102201"' in html
    township_html = client_for(tl_township).get(reverse("dashboard:dashboard"), {"region": "140405102201"})
    assert crumbs(township_html.content.decode()) == ["渔泽镇", "北渔泽村委会"]


def test_a_region_outside_the_users_is_not_found_in_chinese(refreshed: World, tl_township: User) -> None:
    for code in ("140405103200", "500243202201", "140405000000", "not-a-code"):
        response = client_for(tl_township).get(reverse("dashboard:dashboard"), {"region": code})
        assert response.status_code == 404
        assert "不在您的管辖范围内" in response.content.decode()
    for name in ("dashboard:map", "dashboard:map_points", "dashboard:map_regions"):
        assert client_for(tl_township).get(reverse(name), {"region": "140405103200"}).status_code == 404


def test_the_charts_data_carries_each_regions_code(refreshed: World, tl_county: User) -> None:
    data = client_for(tl_county).get(reverse("dashboard:data"), {"region": "140405102000"}).json()
    assert {(c["code"], c["drillable"]) for c in data["children"]} == {("140405102201", True), ("140405102202", True)}


def test_the_map_opens_on_the_region_asked_for_with_its_villages_in_the_filter(
    refreshed: World, tl_county: User
) -> None:
    html = client_for(tl_county).get(reverse("dashboard:map"), {"region": "140405102000"}).content.decode()
    assert '<option value="140405102000" selected>' in html
    options = re.findall(r'<option value="(\d{12})"', html)
    assert options == ["140405000000", "140405102000", "140405102201", "140405102202", "140405103000", "140405103200"]
    assert "彭水" not in html
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)
    assert found is not None and json.loads(found.group(1))["region"] == "140405102000"
    assert 'href="/dashboard/?region=140405102000"' in html


def test_the_map_points_follow_the_region_filter(refreshed: World, tl_county: User) -> None:
    c = client_for(tl_county)

    def names(**params: str) -> set[str]:
        return {f["properties"]["name"] for f in c.get(reverse("dashboard:map_points"), params).json()["features"]}

    assert names() == {"甲户", "乙户", "丙户", "丁户"}
    assert names(region="140405102000") == {"甲户", "乙户"}
    assert names(region="140405102202") == {"乙户"}
    api = c.get("/api/map-points/", {"region": "140405103000"}).json()
    assert {f["properties"]["name"] for f in api["features"]} == {"丙户", "丁户"}


def test_without_a_boundary_file_the_names_sit_at_the_middle_of_the_houses(refreshed: World, tl_county: User) -> None:
    data = client_for(tl_county).get(reverse("dashboard:map_regions"), {"region": "140405102000"}).json()
    assert data["region"]["name"] == "渔泽镇" and data["region"]["geometry"] is None
    kids = {k["name"]: k for k in data["children"]}
    assert kids["北渔泽村委会"]["label"] == [112.8801, 36.3001]
    assert kids["南渔泽村委会"]["label"] == [112.8851, 36.3101]
    assert all(k["geometry"] is None for k in kids.values())


def test_with_a_boundary_file_the_map_draws_the_outlines_in_view(refreshed: World, tl_county: User) -> None:
    def square(code: str, lng: float, lat: float, size: float) -> dict[str, Any]:
        ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}

    features = [
        square("140405000000", 112.8, 36.2, 0.3),
        square("140405102000", 112.85, 36.28, 0.06),
        square("140405102201", 112.86, 36.29, 0.02),
        square("140405103000", 112.9, 36.3, 0.1),
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    county_region = Region.objects.get(code="140405000000")
    boundary_import(data=data, filename="tl.geojson", county=county_region, acting_user=tl_county)
    c = client_for(tl_county)
    county = c.get(reverse("dashboard:map_regions")).json()
    assert county["region"]["geometry"]["type"] == "Polygon"
    kids = {k["name"]: k for k in county["children"]}
    assert kids["渔泽镇"]["geometry"] is not None and kids["余吾镇"]["geometry"] is not None
    assert kids["渔泽镇"]["label"] == pytest.approx([112.88, 36.31])
    township = c.get(reverse("dashboard:map_regions"), {"region": "140405102000"}).json()
    villages = {k["name"]: k["geometry"] is not None for k in township["children"]}
    assert villages == {"北渔泽村委会": True, "南渔泽村委会": False}
    # The map page offers the county officer the boundary upload.
    assert "导入边界文件" in c.get(reverse("dashboard:map")).content.decode()
