"""A township officer registers a sudden-hardship family (突发严重困难户) on a phone, 390 px wide:
an empty form is refused in Chinese beside each field, nothing is saved; the filled form opens the
family's page with its appraisal due date, where the relief given is recorded. Screenshots in
test-artifacts/screenshots/hardship-*."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.dynamic.models import Hardship, ReliefMeasure
from anju.households.services import household_create
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from conftest import PASSWORD
from tests.browser.conftest import text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_officer_registers_a_hardship_family_and_its_relief_on_a_phone(
    browser: Browser,
    live_server: LiveServer,
    make_user: Callable[..., User],
    regions: dict[str, Region],
    screenshot_dir: Path,
) -> None:
    clerk = make_user("tl_clerk", "140405102201", Role.VILLAGE_CLERK)
    make_user("tl_township", "140405102000", Role.TOWNSHIP_OFFICER)
    number = make_id(51)
    household_create(acting_user=clerk, region=regions["140405102201"], head_name="雷金宝", head_id_number=number)

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tl_township")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/hardship/")
    page.click("text=登记突发严重困难户")
    page.wait_for_selector("[data-testid=hardship-form]")

    page.click("[data-testid=hardship-form] button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "请填写户主身份证号" in text_of(page, "[data-testid=hardship-form]")
    page.fill("input[name=head_id_number]", number)
    page.click("[data-testid=hardship-form] button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    errors = text_of(page, "[data-testid=hardship-form]")
    assert "请选择致困原因" in errors and "请填写发生日期" in errors and "请简要说明困难情况" in errors
    assert not Hardship.objects.exists()
    page.screenshot(path=str(screenshot_dir / "hardship-refused-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.select_option("select[name=cause]", "fire")
    page.fill("input[name=occurred_on]", (datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    page.fill("textarea[name=description]", "夜间电线起火，正房烧毁两间")
    page.screenshot(path=str(screenshot_dir / "hardship-form-390.png"), full_page=True)
    page.click("[data-testid=hardship-form] button[type=submit]")
    page.wait_for_selector("[data-testid=task-state]")
    due = datetime.date.today() + datetime.timedelta(days=7)
    assert f"期限 {due:%Y-%m-%d}" in text_of(page, "[data-testid=task-state]")
    assert "待鉴定（剩 7 天）" in text_of(page, "[data-testid=task-state]")

    page.select_option("select[name=kind]", "temp_housing")
    page.fill("input[name=detail]", "安置到村委会闲置用房")
    page.fill("input[name=provided_by]", "北渔泽村委会")
    page.fill("input[name=provided_on]", datetime.date.today().isoformat())
    page.click("form[action$='/relief/'] button[type=submit]")
    page.wait_for_selector("text=已登记应急救助措施")
    assert "安置到村委会闲置用房" in text_of(page, "[data-testid=relief-table]")
    assert ReliefMeasure.objects.count() == 1
    page.screenshot(path=str(screenshot_dir / "hardship-detail-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
