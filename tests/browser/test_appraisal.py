"""An appraiser records an appraisal on a phone; the household's decision follows with its
reasons. Screenshots: test-artifacts/screenshots/appraisal-*.png."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import ensure_national_template
from anju.eligibility.services import ensure_national_rule_set
from anju.households.models import House
from anju.households.services import house_create, household_create, status_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from conftest import PASSWORD
from tests.browser.conftest import text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def house(make_user: Callable[..., User], tl_clerk: User, regions: dict[str, Region]) -> House:
    ensure_national_template()  # a transactional test flushes what the migrations made
    ensure_national_rule_set()
    civil = make_user("civil", "140405000000", Role.CIVIL_AFFAIRS)
    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="牛满仓", head_id_number=make_id(31)
    )
    status_add(acting_user=civil, household=household, group="tekun", certified_on=datetime.date(2024, 1, 1))
    return house_create(acting_user=tl_clerk, household=household, structure="earth_wood", build_year=1978)


def test_an_appraisal_on_a_phone_decides_the_household(
    browser: Browser, live_server: LiveServer, make_user: Callable[..., User], house: House, screenshot_dir: Path
) -> None:
    make_user("appraiser", "140405000000", Role.APPRAISER)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "appraiser")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/households/houses/{house.pk}/")
    page.click("[data-testid=appraise]")
    grades = {
        "foundation": "b",
        "walls": "d",
        "timber_members": "c",
        "timber_truss": "b",
        "floor_roof": "b",
        "enclosure": "a",
    }
    for code, grade in grades.items():
        page.check(f"[data-component={code}] input[value={grade}]")
    page.check("input[name=prevention_level][value=none]")
    page.select_option("select[name=damage_cause]", "ageing")
    page.fill("input[name=appraiser_org]", "屯留区房屋安全鉴定站")
    page.fill("input[name=certificate_no]", "晋建鉴-2024-001")
    page.screenshot(path=str(screenshot_dir / "appraisal-form.png"), full_page=True)
    page.click("button[type=submit]:has-text('保存鉴定结果')")
    assert text_of(page, "[data-testid=final-grade]").strip() == "D 级"
    page.screenshot(path=str(screenshot_dir / "appraisal-detail.png"), full_page=True)
    page.click("main >> text=资格认定")
    assert text_of(page, "[data-testid=decision-outcome]").strip() == "纳入农村危房改造"
    assert "农村分散供养特困人员，唯一住房经鉴定为 D 级危房" in text_of(page, "[data-testid=decision-reason]")
    assert "✓" in text_of(page, "[data-testid=decision-checks]")
    page.screenshot(path=str(screenshot_dir / "appraisal-decision.png"), full_page=True)
    context.close()
