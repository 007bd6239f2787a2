"""Each demo login, typed into the real login page, lands on its role's home page.

Screenshots go to test-artifacts/screenshots/ (desktop and a 360 px phone).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from anju.accounts.choices import Role
from anju.core.navigation import ROLE_HOMES
from anju.demo.data import DEMO_PASSWORD, DEMO_USERS
from tests.browser.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo("inspections")  # what this test needs


def _login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_each_demo_login_lands_on_its_role_home(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    seen_roles: set[str] = set()
    for demo_user in DEMO_USERS:
        _login(page, live_server.url, demo_user.username, DEMO_PASSWORD)
        title = page.text_content("[data-testid=role-home-title]") or ""
        expected = {ROLE_HOMES[r].title for r in demo_user.roles}
        assert title in expected, f"{demo_user.username} landed on {title!r}"
        assert demo_user.full_name in (page.text_content("[data-testid=user-scope]") or "")
        seen_roles.update(r for r in demo_user.roles if ROLE_HOMES[r].title == title)
        page.screenshot(path=str(screenshot_dir / f"home-{demo_user.username}.png"), full_page=True)
        context.clear_cookies()
    # Every role's home was reached by some demo login.
    assert seen_roles == set(Role.values)
    context.close()


def test_the_shell_works_on_a_360px_phone(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(screenshot_dir / "phone-login.png"))
    _login(page, live_server.url, "tl_clerk", DEMO_PASSWORD)
    assert page.text_content("[data-testid=role-home-title]") == "村信息员工作台"
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainnav.show")
    page.screenshot(path=str(screenshot_dir / "phone-home-menu.png"), full_page=True)
    context.close()


def test_a_wrong_password_and_the_lockout_read_in_chinese(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _login(page, live_server.url, "tl_head", "wrong-password-1")
    assert "用户名或密码错误" in page.content()
    page.screenshot(path=str(screenshot_dir / "login-wrong-password.png"))
    for _ in range(5):
        _login(page, live_server.url, "tl_head", "wrong-password-1")
    assert "账号已被暂时锁定" in page.content()
    page.screenshot(path=str(screenshot_dir / "login-locked.png"))
    context.close()
