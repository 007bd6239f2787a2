"""The dashboard page, its JSON and drill-down, the map page and its GeoJSON, the API: what each
user sees, and that another region's code is a 404."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.cases.tests.conftest import ago
from anju.dashboard import selectors
from anju.dashboard.models import MapCell, MapVillage, RegionSummary
from anju.dashboard.selectors import MapFilter
from anju.dashboard.services import summaries_refresh
from anju.dashboard.tests.conftest import World

pytestmark = pytest.mark.django_db

PASSWORD = "Test2023password"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def refreshed(world: World) -> World:
    summaries_refresh()
    return world


def test_it_shows_the_county_its_dynamic_zero_number_and_townships(refreshed: World, tl_county: User) -> None:
    response = client_for(tl_county).get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'data-testid="key-in-cd">3 ', html)
    assert "最长在当前阶段 60 天" in html
    assert "统计更新于" in html
    assert "渔泽镇" in html and "余吾镇" in html
    assert "彭水" not in html
    assert "vendor/echarts/echarts.min.js" in html
    # The list of key households, longest at their stage first: 丙 (发现 60 days ago).
    assert html.index(">丙<") < html.index(">甲<")


def test_it_drills_down_to_a_township_with_a_breadcrumb_back(refreshed: World, tl_county: User) -> None:
    response = client_for(tl_county).get(reverse("dashboard:dashboard"), {"region": "140405102000"})
    html = response.content.decode()
    assert "动态清零看板 · 渔泽镇" in html
    assert "北渔泽村委会" in html and "南渔泽村委会" in html
    assert "余吾村委会" not in html
    assert '<a href="?region=140405000000&amp;year=' in html or '<a href="?region=140405000000&year=' in html


def test_the_json_has_the_headline_stages_children_and_trend(refreshed: World, tl_county: User) -> None:
    data = client_for(tl_county).get(reverse("dashboard:data"), {"region": "140405102000"}).json()
    assert data["region"]["name"] == "渔泽镇"
    assert data["headline"]["key_in_cd"] == 2
    assert data["headline"]["amount_paid"] == "5000.00"
    stages = {s["stage"]: s["count"] for s in data["stages"]}
    assert (stages["filed"], stages["under_way"], stages["found"]) == (1, 1, 0)
    kids = {c["name"]: c for c in data["children"]}
    assert kids["北渔泽村委会"]["key_in_cd"] == 1
    assert kids["北渔泽村委会"]["drillable"] is True  # down to the village (issue 17)
    # The plan year is this year: the trend runs to this month, no zeros for months to come.
    assert len(data["trend"]["opened"]) == timezone.localdate().month == len(data["trend"]["months"])


@pytest.mark.parametrize("url_name", ["dashboard:dashboard", "dashboard:data"])
def test_another_region_or_a_region_above_is_not_found(
    refreshed: World, cq_county: User, tl_township: User, url_name: str
) -> None:
    assert client_for(cq_county).get(reverse(url_name), {"region": "140405000000"}).status_code == 404
    assert client_for(tl_township).get(reverse(url_name), {"region": "140405000000"}).status_code == 404
    assert client_for(tl_township).get(reverse(url_name), {"region": "140405102000"}).status_code == 200


def test_a_township_officer_opens_on_the_township(refreshed: World, tl_township: User) -> None:
    data = client_for(tl_township).get(reverse("dashboard:data")).json()
    assert data["region"]["code"] == "140405102000"
    assert data["headline"]["key_in_cd"] == 2


def test_the_dashboard_says_when_nothing_was_counted_yet(world: World, tl_county: User) -> None:
    RegionSummary.objects.all().delete()
    html = client_for(tl_county).get(reverse("dashboard:dashboard")).content.decode()
    assert "尚未统计" in html


def test_the_dashboard_page_costs_the_same_queries_for_more_households(
    refreshed: World, tl_county: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    c = client_for(tl_county)
    # 16 for the summaries' page (the 动态清零 list: its page of keys, then those 20 houses whole,
    # ADR 0050), 7 for the live counts by programme, 动态新增, disasters, energy saving and 一般户
    # routes (issue 18; aggregates, not one per household).
    with django_assert_max_num_queries(23):
        c.get(reverse("dashboard:dashboard"))


# The map ------------------------------------------------------------------------------------


def points(user: Any, **params: str) -> dict[str, Any]:
    response = client_for(user).get(reverse("dashboard:map_points"), params)
    assert response.status_code == 200
    return response.json()


def names(collection: dict[str, Any]) -> set[str]:
    return {f["properties"]["name"] for f in collection["features"]}


def test_the_map_shows_the_houses_in_scope_coloured_by_grade(
    refreshed: World, tl_county: User, cq_county: User
) -> None:
    data = points(tl_county)
    assert names(data) == {"甲户", "乙户", "丙户", "丁户"}
    jia = next(f for f in data["features"] if f["properties"]["name"] == "甲户")
    assert jia["properties"]["grade"] == "D"
    assert jia["properties"]["colour"] == "#c62828"
    assert jia["properties"]["stage_label"] == "已建档"
    assert jia["geometry"]["coordinates"] == [112.8801, 36.3001]
    assert names(points(cq_county)) == {"戊户"}


def test_the_map_filters_by_box_grade_stage_and_key_group(refreshed: World, tl_county: User) -> None:
    assert names(points(tl_county, bbox="112.85,36.29,112.90,36.35")) == {"甲户", "乙户", "丁户"}
    assert names(points(tl_county, grade="D", stage="under_way")) == {"乙户"}
    assert names(points(tl_county, stage="none")) == {"丁户"}
    assert names(points(tl_county, key="1")) == {"甲户", "乙户", "丙户"}
    assert names(points(tl_county, bbox="not,a,box")) == {"甲户", "乙户", "丙户", "丁户"}


def test_before_the_first_refresh_the_map_caps_the_points_and_says_so(refreshed: World, tl_county: User) -> None:
    MapCell.objects.all().delete()  # the maintained clusters not built yet
    MapVillage.objects.all().delete()
    capped = selectors.map_points(user=tl_county, flt=MapFilter(), cap=2)
    assert len(capped["features"]) == 2
    assert capped["truncated"] is True
    assert points(tl_county)["truncated"] is False


def counted(collection: dict[str, Any]) -> int:
    return sum(f["properties"]["count"] for f in collection["features"])


def test_above_the_cap_the_houses_come_clustered_by_the_database(refreshed: World, tl_county: User) -> None:
    clustered = selectors.map_points(user=tl_county, flt=MapFilter(zoom=3), cap=2)
    assert clustered["clustered"] is True and clustered["truncated"] is False
    assert clustered["total"] == 4 and counted(clustered) == 4
    # at zoom 3 a cluster is ~21 degrees wide: the four houses of 屯留区 are one badge, coloured
    # by its worst grade, at the mean of the houses' positions
    (badge,) = clustered["features"]
    assert badge["properties"] == {"cluster": True, "count": 4, "cd": 3, "grade": "D", "colour": "#c62828"}
    live = selectors.map_points(user=tl_county, flt=MapFilter(), cap=100)["features"]
    mean = [sum(f["geometry"]["coordinates"][i] for f in live) / 4 for i in (0, 1)]
    assert badge["geometry"]["coordinates"] == pytest.approx(mean)


def test_a_far_zoom_shows_areas_and_a_close_one_shows_houses(refreshed: World, tl_county: User) -> None:
    far = points(tl_county, zoom="6")
    assert far["clustered"] is True and counted(far) == 4
    assert "name" not in far["features"][0]["properties"]  # no house is named in a count
    close = points(tl_county, zoom="12")
    assert close["clustered"] is False and names(close) == {"甲户", "乙户", "丙户", "丁户"}
    assert points(tl_county, zoom="huge")["clustered"] is False  # not a zoom: as without one


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"grade": "D"},
        {"stage": "none"},
        {"stage": "under_way"},
        {"key": "1"},
        {"grade": "D", "key": "1"},
    ],
)
def test_the_clusters_count_what_the_points_show(
    refreshed: World, tl_county: User, cq_county: User, params: dict[str, str]
) -> None:
    for user in (tl_county, cq_county):
        assert counted(points(user, zoom="4", **params)) == len(points(user, zoom="12", **params)["features"])


def test_zoomed_out_a_box_counts_the_villages_whose_centre_is_inside(refreshed: World, tl_county: User) -> None:
    # 甲 and 乙 are alone with coordinates in their villages; the box holds them, not 丙 or 丁
    box = "112.87,36.29,112.886,36.315"  # round 甲户 (112.8801, 36.3001) and 乙户 (112.8851, 36.3101)
    inside = points(tl_county, zoom="12", bbox=box)
    zoomed_out = points(tl_county, zoom="6", bbox=box)
    assert zoomed_out["clustered"] is True
    assert counted(zoomed_out) == len(inside["features"]) == 2


def test_the_clusters_follow_an_act_on_the_house(refreshed: World, tl_county: User) -> None:
    ding = refreshed["ding"].houses.get()
    assert counted(points(tl_county, zoom="6", grade="C")) == 0
    ding.current_grade = "C"
    ding.save(update_fields=["current_grade"])
    summaries_refresh(region_codes=[ding.region_code])  # what the receivers run after an act
    assert counted(points(tl_county, zoom="6", grade="C")) == 1


def test_the_map_page_without_tiles_asks_no_other_host(refreshed: World, tl_county: User) -> None:
    html = client_for(tl_county).get(reverse("dashboard:map")).content.decode()
    assert "未配置在线底图" in html
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)
    assert found is not None
    config = json.loads(found.group(1))
    assert config["tiles"] is None
    assert not re.search(r'(src|href)="(https?:)?//', html)


@override_settings(
    ANJU_MAP_TILES={
        "url": "http://t{s}.tianditu.gov.cn/vec_w/wmts?tk={key}",
        "attribution": "天地图",
        "key": "abc123",
        "subdomains": "01234567",
    }
)
def test_the_map_page_uses_the_configured_tiles_with_the_key(refreshed: World, tl_county: User) -> None:
    html = client_for(tl_county).get(reverse("dashboard:map")).content.decode()
    assert "tianditu.gov.cn/vec_w/wmts?tk=abc123" in html
    assert "未配置在线底图" not in html


# The API ------------------------------------------------------------------------------------


def test_the_api_gives_a_region_in_scope_and_404_for_another(
    refreshed: World, tl_county: User, cq_county: User
) -> None:
    c = client_for(tl_county)
    assert c.get("/api/dashboard/").json()["region"]["code"] == "140405000000"
    data = c.get("/api/dashboard/140405102000/").json()
    assert data["headline"]["key_in_cd"] == 2
    assert client_for(cq_county).get("/api/dashboard/140405000000/").status_code == 404
    listed = c.get("/api/dashboard/140405000000/key-households/").json()
    assert [r["head_name"] for r in listed["results"]] == ["丙", "甲", "乙"]
    assert listed["results"][0]["days_at_stage"] == 60
    assert listed["results"][0]["since"] == ago(60).isoformat()
    assert client_for(cq_county).get("/api/dashboard/140405000000/key-households/").status_code == 404


def test_the_api_serves_the_map_points_scoped(refreshed: World, tl_county: User, cq_county: User) -> None:
    assert len(client_for(tl_county).get("/api/map-points/", {"grade": "D"}).json()["features"]) == 3
    assert client_for(cq_county).get("/api/map-points/", {"grade": "D"}).json()["features"] == []


def test_the_case_panel_says_the_family_is_still_on_the_list(refreshed: World, tl_county: User) -> None:
    from django.template.loader import render_to_string

    panel = selectors.case_panel(case=refreshed["bing"], user=tl_county)
    assert panel["listed"] is True
    assert panel["days_at_stage"] == 60
    html = render_to_string("dashboard/_case_panel.html", {"dashboard_panel": panel})
    assert "重点对象仍住 C/D 级危房" in html and "在当前阶段已 60 天" in html
    assert "/dashboard/?region=140405103000&amp;year=" in html or "/dashboard/?region=140405103000&year=" in html
