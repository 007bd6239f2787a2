"""乡镇职责规则 on a phone (390 px): a province officer derives the province's draft from the
national version, is told every problem of a wrong edit, saves a right one and activates it; the
pages never scroll sideways."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.township.models import DutyPolicy
from anju.township.policy import duties_for, ensure_national_policy
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("ANJU_SHOTS", "")) if os.environ.get("ANJU_SHOTS") else None


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def _shot(page: Page, screenshot_dir: Path, name: str) -> None:
    for folder in (screenshot_dir, SHOTS):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"duty-policy-{name}.png"), full_page=True)


def test_a_province_derives_edits_and_activates_its_duty_policy_on_a_phone(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path, make_user: Callable[..., User]
) -> None:
    make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    national = ensure_national_policy()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sx_province")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/township/policies/")
    expect(page.locator("[data-testid=duty-policies]")).to_contain_text("全国默认乡镇职责规则")
    assert _fits(page)
    page.click("text=全国默认乡镇职责规则")
    expect(page.locator("[data-testid=numbers]")).to_contain_text("90 天未巡查即列为待巡查")
    assert _fits(page)
    _shot(page, screenshot_dir, "national")
    page.click("text=基于此版本建立本省草稿")
    expect(page.locator(".alert-success")).to_contain_text("已建立草稿")

    bad = {**national.content, "max_photos": -1, "colour": "red"}
    page.fill("textarea[name=text]", json.dumps(bad, ensure_ascii=False))
    page.click("text=保存草稿")
    expect(page.locator("form[novalidate]")).to_contain_text("max_photos 应为正整数。")
    expect(page.locator("form[novalidate]")).to_contain_text("不认识的项目：colour。")
    assert _fits(page)
    _shot(page, screenshot_dir, "refused")

    good = {**national.content, "house_check_every_days": 60}
    page.fill("textarea[name=text]", json.dumps(good, ensure_ascii=False))
    page.fill("input[name=note]", "巡查加密到 60 天")
    page.click("text=保存草稿")
    expect(page.locator("[data-testid=numbers]")).to_contain_text("60 天未巡查即列为待巡查")
    page.click("button:has-text('启用')")
    expect(page.locator(".alert-success")).to_contain_text("已启用")
    assert _fits(page)
    _shot(page, screenshot_dir, "active")
    assert DutyPolicy.objects.get(region_code="140000000000").status == "active"
    assert duties_for("140405102201").house_check_every_days == 60
    context.close()


def test_the_township_lists_with_their_export_fit_a_phone(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path, tl_township: User
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", tl_township.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    for path in ("houses", "trainings", "craftsmen", "expert-visits"):
        page.goto(f"{live_server.url}/township/{path}/")
        expect(page.locator("[data-testid=export]")).to_be_visible()
        assert _fits(page), path
        _shot(page, screenshot_dir, f"list-{path}")
    with page.expect_download() as download:
        page.click("[data-testid=export]")
    assert download.value.suggested_filename.endswith(".xlsx")
    context.close()
