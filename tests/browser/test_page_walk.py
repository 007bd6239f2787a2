"""A visual check that can fail: every page of the main journeys, as a township officer and a
county officer, at a 390 px phone and a 1366 px desktop.

A page fails when it scrolls sideways, logs a console error, misses a static asset or the favicon,
or shows a Latin-letter word that is not on the allow list (grades, units, standards, file types).
Every failure of the walk is listed at once. Screenshots go to
test-artifacts/screenshots/walk/<user>-<width>-<page>.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response
from pytest_django.live_server_helper import LiveServer

from anju.demo.data import DEMO_PASSWORD, DEMO_USERS, SUPERUSER
from tests.browser.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
USERS = ("tl_township", "tl_county")

# (name, list page, a pattern of the detail links to follow from it: the first one found is walked)
PAGES: tuple[tuple[str, str, str | None], ...] = (
    ("home", "/", None),
    ("households", "/households/", r"^/households/\d+/$"),
    ("houses", "/households/houses/", r"^/households/houses/\d+/$"),
    ("imports", "/households/imports/", None),
    ("import-new", "/households/imports/new/", None),
    ("campaign", "/inspections/", r"^/inspections/campaigns/\d+/$"),
    ("inspections", "/inspections/records/", r"^/inspections/records/\d+/$"),
    ("referrals", "/inspections/referrals/", None),
    ("danger", "/inspections/danger/", None),
    ("follow-ups", "/inspections/follow-ups/", None),
    ("appraisals", "/appraisals/", r"^/appraisals/\d+/$"),
    ("eligibility", "/eligibility/", r"^/eligibility/households/\d+/$"),
    ("rules", "/eligibility/rules/", r"^/eligibility/rules/\d+/$"),
    ("cases", "/cases/", r"^/cases/\d+/$"),
    ("watch", "/cases/watch/", None),
    ("policies", "/cases/policies/", r"^/cases/policies/\d+/$"),
    ("acceptance", "/acceptance/", r"^/acceptance/\d+/$"),
    ("rectifications", "/acceptance/rectifications/", None),
    ("payments", "/subsidies/", None),
    ("totals", "/subsidies/totals/", None),
    ("archives", "/archives/", r"^/archives/cases/\d+/$"),
    ("supervision", "/supervision/", r"^/supervision/\d+/$"),
    ("orders", "/supervision/orders/", None),
    ("reports", "/reporting/", r"^/reporting/\d+/$"),
    ("timeliness", "/reporting/board/", None),
    ("ledgers", "/ledgers/", r"^/ledgers/[a-z-]+/$"),
    ("dashboard", "/dashboard/", None),
    ("map", "/dashboard/map/", None),
    ("audit", "/audit/", r"^/audit/[a-z_.]+/\d+/$"),
)
# The pages whose script fetches data after the load event (dashboard.js, map.js); every other
# page is complete at its load event (waiting for a quiet network cost 0.5 s a page, 110 s a walk).
FETCH_AFTER_LOAD = {"dashboard", "map"}
# Pages outside a role's journey (the township officer may not read the whole audit log: a 403).
ONLY: dict[str, set[str]] = {"audit": {"tl_county"}}
# Pages found by following a link from a detail page: (name, list, its detail link, the link there).
FOLLOW: tuple[tuple[str, str, str, str], ...] = (
    ("inspection-form", "/households/houses/", r"^/households/houses/\d+/$", r"^/inspections/houses/\d+/inspect/$"),
    (
        "housing-check",
        "/inspections/",
        r"^/inspections/campaigns/\d+/$",
        r"^/inspections/campaigns/\d+/households/\d+/housing/$",
    ),
    ("village-list", "/inspections/", r"^/inspections/campaigns/\d+/$", r"^/inspections/village-lists/\d+/$"),
    ("house-history", "/households/houses/", r"^/households/houses/\d+/$", r"^/audit/[a-z_.]+/\d+/$"),
    ("case-acts", "/cases/", r"^/cases/\d+/$", r"^/archives/cases/\d+/$"),
)

# Latin words a user may meet: grades, units, standards, file types, product names on the map.
ALLOWED = {
    *"ABCDX",
    "GB",
    "GB/T",
    "JGJ",
    "PDF",
    "Excel",
    "xlsx",
    "xls",
    "csv",
    "API",
    "ID",
    "GPS",
    "m",
    "km",
    "kg",
    "cm",
    "mm",
    "Leaflet",
    "OpenStreetMap",
    "ECharts",
    "CSV",
    "JPEG",
    "JPG",
    "PNG",
    "jpg",
    "png",
    "MB",
    "KB",
    "GBK",
    "UTF-8",
    "JSON",
    "IP",
    "WPS",
    "LibreOffice",
    # the demo logins, shown as who did what in the change history
    *(user.username for user in (*DEMO_USERS, SUPERUSER)),
}
# Codes: payment vouchers (BZ2026-0001-1), building groups (T12), config versions (v1), and the
# lettered items of a standard's clause (a, b, c).
CODE = re.compile(r"[A-Z]{1,3}\d[\d-]*|v\d+|[a-z]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
RULE_ID = re.compile(r"\b[AR]\d{2}[a-z]?-[a-z][a-z-]+")
RULE_PAGES = {"rules", "rules-detail"}

# The visible text outside <code> (where an auditor's rule code is shown on purpose).
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('script, style, noscript, code, template, .leaflet-control-attribution')) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
    out.push(node.textContent);
  }
  for (const input of document.querySelectorAll('input[type=submit], input[type=button], input[placeholder]')) {
    if (input.checkVisibility()) out.push(input.value || '', input.placeholder || '');
  }
  return out.join(' ');
}"""


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _first_link(page: Page, pattern: str) -> str | None:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    return next((h for h in hrefs if re.match(pattern, h.split("?")[0])), None)


def _latin_words(text: str) -> set[str]:
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED and not CODE.fullmatch(w)}


class Walk:
    def __init__(self, page: Page, base: str, shots: Path, prefix: str) -> None:
        self.page, self.base, self.shots, self.prefix = page, base, shots, prefix
        self.problems: list[str] = []
        self.pending: list[str] = []
        self.walked = 0
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.pending.append(f"script error: {exc}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.pending.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        path = response.url.removeprefix(self.base)
        if response.status >= 400 and (path.startswith("/static/") or path.startswith("/favicon")):
            self.pending.append(f"{response.status} for {path}")

    def visit(self, name: str, path: str) -> None:
        self.pending = []
        response = self.page.goto(f"{self.base}{path}")  # returns once the page has loaded
        if name in FETCH_AFTER_LOAD:
            # Their charts and points arrive by fetch() after the load event: wait until the
            # network has been quiet for 500 ms, so their console errors and 404s are caught.
            self.page.wait_for_load_state("networkidle")
        self.walked += 1
        where = f"{self.prefix} {name} ({path})"
        if response is None or response.status >= 400:
            self.problems.append(f"{where}: status {response.status if response else 'none'}")
            return
        width = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1] + 1:
            self.problems.append(f"{where}: {width[0]} px wide in a {width[1]} px window")
        words = _latin_words(self.page.evaluate(VISIBLE_TEXT))
        if words:
            self.problems.append(f"{where}: Latin words {sorted(words)}")
        # A rule's id (R08-key-dangerous) is for the rule editor's page; elsewhere, even in <code>,
        # the user reads the rule's Chinese name.
        rule_ids = set(RULE_ID.findall(self.page.inner_text("body"))) if name not in RULE_PAGES else set()
        if rule_ids:
            self.problems.append(f"{where}: rule ids {sorted(rule_ids)}")
        # Chromium words the native file button in its own language ("Choose Files"): every file
        # input must carry the page's Chinese 「选择文件」 button instead.
        native = self.page.evaluate(
            "[...document.querySelectorAll('input[type=file]')]"
            ".filter(i => !(i.parentElement.querySelector('.file-pick-button')?.textContent || '').includes('选择文件'))"
            ".length"
        )
        # A date the browser rejected (pre-filled as 2026/12/05) shows empty and blocks the form.
        rejected = self.page.evaluate(
            "[...document.querySelectorAll('input[type=date]')]"
            ".filter(i => i.getAttribute('value') && !i.value).map(i => i.name + '=' + i.getAttribute('value'))"
        )
        if rejected:
            self.problems.append(f"{where}: date inputs the browser rejected {rejected}")
        if native:
            self.problems.append(f"{where}: {native} file input(s) with the browser's own button")
        self.problems.extend(f"{where}: {p}" for p in self.pending)
        self.page.screenshot(path=str(self.shots / f"{self.prefix}-{name}.png"), full_page=True)


def test_every_page_of_the_main_journeys_fits_and_reads_in_chinese(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path
) -> None:
    shots = screenshot_dir / "walk"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    walked = 0
    for username in USERS:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            _login(page, live_server.url, username)
            walk = Walk(page, live_server.url, shots, f"{username}-{width}")
            for name, path, detail in PAGES:
                if username not in ONLY.get(name, {username}):
                    continue
                walk.visit(name, path)
                link = _first_link(page, detail) if detail else None
                if link:
                    walk.visit(f"{name}-detail", link)
            for name, start, first, pattern in FOLLOW:
                page.goto(f"{live_server.url}{start}")
                detail = _first_link(page, first)
                if detail:
                    page.goto(f"{live_server.url}{detail}")
                    link = _first_link(page, pattern)
                    if link:
                        walk.visit(name, link)
            problems += walk.problems
            walked += walk.walked
            context.close()
    (shots / "problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert walked >= 4 * 40, f"only {walked} pages walked"
    assert not problems, f"{len(problems)} problems on {walked} pages:\n" + "\n".join(problems)
