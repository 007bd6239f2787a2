"""The main pages run in Chromium with the Content-Security-Policy on (issue 21).

A township officer and a county officer (who is also the county's administrator) open the main
pages of the full demo. On every page: no CSP violation (securitypolicyviolation events, caught by
an init script before any page script runs), no console error and no uncaught exception; and what
used to be inline still works: the role switch and the year select submit, the checklist's 停用
asks first, the dashboard draws its charts, the map has Leaflet's panes and coloured clusters.
Screenshots of the dashboard and the map go to test-artifacts/screenshots/csp-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Error, Page, expect
from pytest_django.live_server_helper import LiveServer

from anju.cases.models import RenovationCase
from anju.demo.data import DEMO_PASSWORD
from anju.households.models import House, Household
from anju.supervision.models import SupervisionVisit
from tests.browser.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""

PEN_COUNTY = "500243"  # 彭水县: ps_county's county, ps_luming's township is 500243202


@dataclass
class Watched:
    """A signed-in page and everything that went wrong on it."""

    page: Page
    base: str
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        before = len(self.problems)
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        if path.startswith("/dashboard/"):
            # The dashboard's charts and the map's points arrive by fetch() after the load event:
            # wait for a quiet network so what they load is checked too. Any other page is
            # complete at its load event, where goto() returns.
            self.page.wait_for_load_state("networkidle")
        self.check(path, before)
        return self.page

    def check(self, where: str, before: int | None = None) -> None:
        seen = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{where}: CSP {v}" for v in seen]
        self.page.evaluate("window.__cspViolations = []")
        new = self.problems[before if before is not None else 0 :]
        assert not new, "\n".join(new)


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


@pytest.fixture
def signed_in(browser: Browser, live_server: LiveServer, demo: None) -> Iterator[Callable[[str], Watched]]:
    contexts = []

    def sign_in(username: str) -> Watched:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        watched = Watched(page, live_server.url)

        def console(msg: ConsoleMessage) -> None:
            if msg.location.get("url", "").endswith("/favicon.ico"):
                return  # the browser's own guess at an icon; anju has none (not a CSP matter)
            if msg.type == "error" or "Content Security Policy" in msg.text:
                watched.problems.append(f"{page.url}: console {msg.type}: {msg.text}")

        def page_error(error: Error) -> None:
            watched.problems.append(f"{page.url}: uncaught {error}")

        # Photos one at a time: with the test's in-memory SQLite, several photo requests saving
        # the session at once can find django_session locked and answer 500 (not a CSP matter).
        # The sync API runs route handlers one after another, so fetching here serialises them.
        # (A session saved by two photo requests at once can also be "interrupted": a 400.)
        for pattern in ("**/files/**", "**/photos/**"):
            page.route(pattern, lambda route: route.fulfill(response=route.fetch()))
        page.on("console", console)
        page.on("pageerror", page_error)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=role-home-title]").count() == 1, f"{username} did not sign in"
        watched.check("login")
        return watched

    yield sign_in
    for context in contexts:
        context.close()


def main_pages(county: str) -> list[str]:
    """The main pages, with one household, house, case and visit of the county's demo data."""
    household = Household.objects.filter(region__code__startswith=county).order_by("pk").first()
    house = House.objects.filter(region__code__startswith=county).order_by("pk").first()
    case = RenovationCase.objects.filter(region__code__startswith=county).order_by("pk").first()
    assert household and house and case, "the demo has no household, house or case here"
    pages = [
        reverse("home:home"),
        reverse("households:household_list"),
        reverse("households:household_detail", args=[household.pk]),
        reverse("households:household_edit", args=[household.pk]),
        reverse("households:house_list"),
        reverse("inspections:hub"),
        reverse("inspections:inspection_new", args=[house.pk]),
        reverse("inspections:danger_board"),
        reverse("cases:case_list"),
        reverse("cases:case_detail", args=[case.pk]),
        reverse("reporting:submission_list"),
        reverse("reporting:timeliness_board"),
        reverse("ledgers:index"),
        reverse("supervision:visit_list"),
        reverse("supervision:order_list"),
    ]
    visit = SupervisionVisit.objects.filter(region__code__startswith=county).order_by("pk").first()
    if visit is not None:
        pages.append(reverse("supervision:visit_detail", args=[visit.pk]))
    return pages


def check_dashboard(watched: Watched, shots: Path, name: str) -> None:
    page = watched.open(reverse("dashboard:dashboard"))
    for chart in ("chart-children", "chart-stages", "chart-progress", "chart-trend"):
        page.wait_for_selector(f"#{chart} canvas")
    box = page.locator("#chart-trend canvas").bounding_box()
    assert box is not None and box["height"] >= 250  # the 300 px height now comes from anju.css
    # A tooltip, drawn on the canvas (ECharts' HTML tooltips would need inline styles).
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    watched.check("dashboard tooltip")
    page.screenshot(path=str(shots / f"csp-dashboard-{name}.png"), full_page=True)
    # The year select submits by itself (anju.js, data-autosubmit).
    year = page.locator("#year option").nth(1).get_attribute("value")
    assert year
    with page.expect_navigation():
        page.select_option("#year", year)
    assert f"year={year}" in page.url
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_load_state("networkidle")
    watched.check("dashboard by year")


def check_map(watched: Watched, shots: Path, name: str) -> None:
    page = watched.open(reverse("dashboard:map"))
    page.wait_for_selector("#map .leaflet-map-pane", state="attached")
    expect(page.locator("[data-testid=map-status]")).to_contain_text("共")  # no eval: the CSP forbids it
    assert page.locator("#map .leaflet-pane").count() >= 4
    assert page.evaluate("getComputedStyle(document.getElementById('map')).height") == "620px"
    dot = page.locator(".legend-dot.grade-D")
    assert dot.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(198, 40, 40)"
    clusters = page.locator(".map-cluster")
    if clusters.count():  # many houses near each other: clusters coloured by class, not style=""
        colour = clusters.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour.startswith("rgb(") and colour != "rgba(0, 0, 0, 0)"
    page.wait_for_timeout(300)
    watched.check("map")
    page.screenshot(path=str(shots / f"csp-map-{name}.png"), full_page=True)


def test_a_township_officer_walks_the_main_pages_with_the_csp_on(
    signed_in: Callable[[str], Watched], screenshot_dir: Path
) -> None:
    watched = signed_in("ps_luming")
    for path in main_pages(PEN_COUNTY + "202"):
        watched.open(path)
    check_dashboard(watched, screenshot_dir, "township")
    check_map(watched, screenshot_dir, "township")
    assert not watched.problems, "\n".join(watched.problems)


def test_a_county_officer_walks_the_main_pages_with_the_csp_on(
    signed_in: Callable[[str], Watched], screenshot_dir: Path
) -> None:
    watched = signed_in("ps_county")
    page = watched.page
    # The role switch on the home page submits by itself (anju.js, data-autosubmit).
    page.wait_for_selector("select[name=role]")
    other = page.locator("select[name=role] option").nth(1).get_attribute("value")
    assert other
    with page.expect_navigation():
        page.select_option("select[name=role]", other)
    assert f"role={other}" in page.url
    watched.check("role switch")
    for path in main_pages(PEN_COUNTY):
        watched.open(path)
    check_dashboard(watched, screenshot_dir, "county")
    check_map(watched, screenshot_dir, "county")
    # The checklist's 停用 asks first (data-confirm); 取消 leaves the item where it was.
    page = watched.open(reverse("inspections:checklist"))
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    active = page.locator("button:has-text('停用')").count()
    assert active > 0
    page.locator("button:has-text('停用')").first.click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and asked[0].startswith("停用「") and "排查表将不再显示这一项" in asked[0]
    assert page.url.endswith(reverse("inspections:checklist"))
    assert page.locator("button:has-text('停用')").count() == active
    # The API's Swagger page (the county officer is also the administrator).
    page = watched.open(reverse("api:docs"))
    page.wait_for_selector(".swagger-ui .info")
    page.wait_for_load_state("networkidle")
    watched.check("api docs")
    assert not watched.problems, "\n".join(watched.problems)
