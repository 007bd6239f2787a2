"""The warning page a township officer meets when submitting over an unreported village, and the
difference page of a list sent again (ADR 0030): seen in Chromium, photographed, confirmed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.live_server_helper import LiveServer

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome, appraiser, dibao_home  # noqa: F401
from anju.cases.tests.conftest import covered_home  # noqa: F401
from anju.households.models import House
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import ReportKind, SubmissionStatus
from anju.reporting.models import Submission
from anju.reporting.tests.conftest import A_GRADES, add_home, appraise  # noqa: F401
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _prepare(user: User, region: Region) -> Submission:
    return services.submission_prepare(
        acting_user=user, kind=ReportKind.MONTHLY_LIST, year=TODAY.year, month=TODAY.month, region=region
    )


def test_the_warning_and_difference_pages_ask_before_submitting(
    browser: Browser,
    live_server: LiveServer,
    screenshot_dir: Path,
    covered_home: DibaoHome,  # noqa: F811
    tl_clerk: User,
    tl_township: User,
    appraiser: User,  # noqa: F811
    add_home: Callable[..., House],  # noqa: F811
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    # The township submits while both villages have not reported.
    own = _prepare(tl_township, regions["140405102000"])
    _login(page, live_server.url, tl_township.username)
    page.goto(f"{live_server.url}/reporting/{own.pk}/")
    page.click("[data-testid=act-submit] button")
    expect(page.locator("[data-testid=unreported]")).to_contain_text("下级尚有 2 个单位未报送")
    page.screenshot(path=str(screenshot_dir / "reporting-unreported-warning.png"), full_page=True)
    page.click("[data-testid=confirm-submit] button")
    expect(page.locator(".alert-success")).to_contain_text("已报送上级")
    own.refresh_from_db()
    assert own.status == SubmissionStatus.SUBMITTED
    context.clear_cookies()

    # The village's list, returned, then sent again after 乙 joined and 甲's house was found safe.
    s = services.submission_submit(acting_user=tl_clerk, submission=_prepare(tl_clerk, regions["140405102201"]))
    services.submission_return(acting_user=tl_township, submission=s, reason="漏报乙户")
    add_home("乙", 41)
    appraise(appraiser, covered_home["house"], A_GRADES, TODAY, django_capture_on_commit_callbacks)
    _login(page, live_server.url, tl_clerk.username)
    page.goto(f"{live_server.url}/reporting/{s.pk}/")
    page.click("[data-testid=act-submit] button")
    expect(page.locator("[data-testid=changes]")).to_contain_text("新增 1 户，移出 1 户")
    page.screenshot(path=str(screenshot_dir / "reporting-resubmit-diff.png"), full_page=True)
    page.click("[data-testid=confirm-submit] button")
    expect(page.locator("[data-testid=events]")).to_contain_text("较上次报送：新增 1 户、移出 1 户")
    context.close()
