"""A township officer on a phone (390 px) sees a patrol photo taken far from the house on the
case page and in the list of photo flags, and explains it (ADR 0033). Screenshots:
test-artifacts/screenshots/photo-flags-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from anju.appraisals.services import ensure_national_template
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.models import RenovationCase
from anju.cases.services import ensure_national_policy
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head  # noqa: F401
from anju.eligibility.services import ensure_national_rule_set
from conftest import PASSWORD
from tests.scenarios.test_photo_checks import FAR, NEAR, exif_day, patrol, scene, works  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def national_configuration() -> None:
    ensure_national_template()
    ensure_national_rule_set()
    ensure_national_policy()


def test_a_far_photo_is_shown_and_explained_at_phone_width(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    patrol(works, officers, scene(11, gps=FAR, taken=exif_day(ago(3))), device=NEAR)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officers["township"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")

    page.goto(f"{live_server.url}/cases/{works.pk}/")
    panel = page.locator("[data-testid=photo-flags]")
    expect(panel).to_contain_text("拍摄地点距房屋过远")
    expect(panel).to_contain_text("照片位置距房屋 1,112 米")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "photo-flags-case.png"), full_page=True)

    page.goto(f"{live_server.url}/photo-checks/")
    flag = page.locator("[data-testid=photo-flag]").first
    expect(flag).to_contain_text("甲户")
    flag.locator("textarea[name=explanation]").fill("该户在邻村借住期间所拍，已现场复核")
    flag.locator("button").click()
    expect(page.locator("[data-testid=explanation]").first).to_contain_text("已现场复核")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "photo-flags-list.png"), full_page=True)
    context.close()
