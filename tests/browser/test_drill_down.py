"""Drill-down by click (issue 17, ADR 0028): the county officer goes from the county's dashboard to
a township by clicking its bar in the chart, then to a village by its link in the table, reading
the breadcrumbs and figures; then opens the map filtered to the township and sees only its houses,
its outline and its villages' outlines and names. Screenshots at 390 and 1366 px in
test-artifacts/screenshots/drill-*."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from anju.demo.data import DEMO_PASSWORD
from anju.households.models import House
from anju.regions.models import Region
from tests.browser.conftest import load_demo, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOWNSHIP = "140405102000"  # 渔泽镇


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def _poll(page: Page, script: str, want: Any, seconds: float = 10) -> Any:
    """page.evaluate until it gives ``want`` (wait_for_function evals, which the CSP refuses)."""
    got = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = page.evaluate(script)
        if got == want:
            return got
        page.wait_for_timeout(200)
    raise AssertionError(f"{script} gave {got!r}, expected {want!r}")


def _crumbs(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid=drill-breadcrumb] li").all_text_contents()]


def _row_figure(page: Page, name: str) -> str:
    """The 仍住 C/D 重点户 figure of a child region's row in the table."""
    row = page.locator("[data-testid=children-table] tbody tr", has_text=name)
    return row.locator("td").nth(1).inner_text().strip()


def _shoot(page: Page, shots: Path, name: str) -> None:
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"drill-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


BAR = """() => {
  const c = echarts.getInstanceByDom(document.getElementById('chart-children'));
  if (!c || !c.getOption().series) return null;
  const o = c.getOption(), d = o.series[0].data[0], name = o.xAxis[0].data[0];
  const top = c.convertToPixel({seriesIndex: 0}, [name, d.value]);
  const base = c.convertToPixel({seriesIndex: 0}, [name, 0]);
  return {x: top[0], y: (top[1] + base[1]) / 2, code: d.code, name: name, value: d.value};
}"""


def test_the_county_officer_drills_to_a_village_and_maps_a_township(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    load_demo()
    base = live_server.url
    page = _sign_in(browser, base, "tl_county")
    page.goto(f"{base}/dashboard/")
    assert _crumbs(page) == ["屯留区"]
    expect(page.locator("#chart-children canvas")).to_have_count(1)
    for _ in range(50):
        bar = page.evaluate(BAR)
        if bar:
            break
        page.wait_for_timeout(200)
    assert bar and bar["code"] == TOWNSHIP and bar["name"] == "渔泽镇" and bar["value"] > 0
    county_figure = _row_figure(page, "渔泽镇")
    assert county_figure == str(bar["value"])
    # Click the township's bar in the chart.
    page.locator("#chart-children").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the bars grow in for a second
    box = page.locator("#chart-children").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + bar["x"], box["y"] + bar["y"])
    page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
    page.wait_for_url(re.compile(rf"region={TOWNSHIP}"))
    expect(page.locator("h1")).to_have_text("动态清零看板 · 渔泽镇")
    assert _crumbs(page) == ["屯留区", "渔泽镇"]
    assert text_of(page, "[data-testid=key-in-cd]").split()[0] == county_figure
    # Then a village by its link in the table.
    link = page.locator("[data-testid=children-table] tbody tr a").first
    village_name = link.inner_text().strip()
    village_figure = _row_figure(page, village_name)
    link.click()
    expect(page.locator("h1")).to_have_text(f"动态清零看板 · {village_name}")
    assert _crumbs(page) == ["屯留区", "渔泽镇", village_name]
    assert text_of(page, "[data-testid=key-in-cd]").split()[0] == village_figure
    _shoot(page, screenshot_dir, "village")
    # Back up by the breadcrumb, and open the township's map.
    page.locator("[data-testid=drill-breadcrumb] a", has_text="渔泽镇").click()
    expect(page.locator("h1")).to_have_text("动态清零看板 · 渔泽镇")
    page.locator("[data-testid=map-link]").click()
    page.wait_for_url(re.compile(rf"/dashboard/map/\?region={TOWNSHIP}"))
    expect(page.locator("[data-testid=region-filter]")).to_have_value(TOWNSHIP)
    houses = House.objects.filter(region_code__startswith="140405102", latitude__isnull=False).count()
    expect(page.locator("[data-testid=map-status]")).to_have_text(f"渔泽镇共 {houses} 处有坐标的房屋。")
    villages = Region.objects.filter(parent__code=TOWNSHIP).count()
    # The township's own outline and one per village; a name per village.
    _poll(page, "window.anjuAreas.getLayers().length", villages + 1)
    expect(page.locator(".map-label-text")).to_have_count(villages)
    expect(page.locator(".map-label-text", has_text=village_name)).to_have_count(1)
    markers = _poll(page, "window.anjuCluster.getLayers().length", houses)
    assert markers == houses
    _shoot(page, screenshot_dir, "map-township")
    # A village's name on the map drills into it: the filter, the points and the dashboard link follow.
    page.locator(".map-label-text", has_text=village_name).click()
    code = Region.objects.get(parent__code=TOWNSHIP, name=village_name).code
    expect(page.locator("[data-testid=region-filter]")).to_have_value(code)
    in_village = House.objects.filter(region_code__startswith=code, latitude__isnull=False).count()
    _poll(page, "window.anjuCluster.getLayers().length", in_village)
    expect(page.locator("[data-testid=dashboard-link]")).to_have_attribute("href", f"/dashboard/?region={code}")


def test_zoomed_out_the_map_shows_counts_the_database_made_and_zooms_in_to_houses(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    """Issue 23 (ADR 0049): at county zoom and above, the houses come as numbered badges counted
    by the database; a click on a badge zooms in, and from zoom 10 the houses come one by one."""
    load_demo()
    base = live_server.url
    page = _sign_in(browser, base, "tl_county")
    page.goto(f"{base}/dashboard/map/")
    houses = House.objects.filter(region_code__startswith="140405", latitude__isnull=False).count()
    expect(page.locator("[data-testid=map-status]")).to_contain_text("处有坐标的房屋")
    for _ in range(8):  # out to a province's view
        if page.evaluate("window.anjuMap.getZoom()") <= 7:
            break
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(350)
    expect(page.locator("[data-testid=map-status]")).to_contain_text(f"共 {houses} 处有坐标的房屋，按区域汇总显示")
    badges = page.locator(".map-cluster")
    expect(badges.first).to_be_visible()
    counts = [int(t) for t in badges.all_inner_texts()]
    assert sum(counts) == houses  # every house counted once, in some badge
    assert page.evaluate("window.anjuCluster.getLayers().length") == 0  # no house sent one by one
    _shoot(page, screenshot_dir, "map-clusters")
    # A click on the biggest badge zooms in until the houses come one by one.
    for _ in range(4):
        if page.evaluate("window.anjuMap.getZoom()") >= 10:
            break
        page.locator(".map-cluster").first.click()
        page.wait_for_timeout(600)
    expect(page.locator("[data-testid=map-status]")).not_to_contain_text("按区域汇总")
    assert page.evaluate("window.anjuDbClusters.getLayers().length") == 0
