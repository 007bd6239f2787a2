"""Each role's day from its home page (issue 17): the queue shows what waits for that role, with
counts that match the database; the user follows the queue's link, does the next step, and sees
the result — the object's new state, and the queue one shorter. Each home page is photographed
at 390 px and 1366 px (test-artifacts/screenshots/role-day-*)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from anju.accounts.models import User
from anju.archives.models import ArchiveReview
from anju.cases.acts import available_acts
from anju.cases.models import RenovationCase
from anju.demo.data import DEMO_PASSWORD
from anju.households.models import House, HouseholdStatus
from anju.inspections.models import EmergencyTask, Referral
from anju.inspections.queues import current_campaign_of
from anju.inspections.selectors import campaign_households
from tests.browser.conftest import load_demo, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load(upto: str) -> None:
    load_demo(upto)


def _sign_in(browser: Browser, base: str, username: str, **context: Any) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", **context).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=queue]")
    return page


def _queue(page: Page) -> dict[str, int]:
    """The home page's queue as the user reads it: each item's key and count."""
    items = page.locator("[data-testid=queue-item]")
    return {
        str(items.nth(i).get_attribute("data-key")): int(
            text_of(page, f"[data-testid=queue-item] >> nth={i} >> [data-testid=queue-count]")
        )
        for i in range(items.count())
    }


def _home(page: Page, base: str, name: str, shots: Path, role: str = "") -> dict[str, int]:
    """Open the home page (of ``role`` for a user with several), photograph it at 390 and 1366
    px, and read the queue."""
    page.goto(f"{base}/" + (f"?role={role}" if role else ""))
    assert "暂无待办" in text_of(page, "[data-testid=queue-end]")
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"role-day-{name}-{width}.png"), full_page=True)
    return _queue(page)


def _item(page: Page, key: str) -> Any:
    return page.locator(f"[data-testid=queue-item][data-key='{key}']")


def _follow(page: Page, key: str) -> None:
    item = _item(page, key)
    assert text_of(page, f"[data-testid=queue-item][data-key='{key}'] >> [data-testid=queue-next]").startswith(
        "下一步："
    )
    assert "最久" in text_of(page, f"[data-testid=queue-item][data-key='{key}'] >> [data-testid=queue-age]")
    item.locator("[data-testid=queue-link]").click()
    page.wait_for_load_state()


def _inspect(page: Page) -> None:
    """Fill the inspection form (the phone's GPS is at the house) with an A-grade, occupied house."""
    page.wait_for_selector("#gps-status.alert-success", timeout=10000)
    page.click("label[for=grade-A]")
    page.click("label[for=occ-1]")
    page.fill("input[name=occupant_ages]", "52")
    page.click("[data-testid=save-inspection]")
    page.wait_for_selector("[data-testid=inspection-grade]")


def test_the_village_clerk_inspects_a_household_left_on_the_campaign(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("inspections")
    clerk = User.objects.get(username="tl_clerk")
    campaign = current_campaign_of(clerk)
    assert campaign is not None
    uncovered = campaign_households(campaign, clerk).filter(covered=False)  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
    before = uncovered.count()
    household = uncovered.filter(houses__latitude__isnull=False).order_by("pk").first()
    assert household is not None, "the demo leaves a household of the clerk's village to inspect"
    house = household.houses.exclude(latitude=None).get()
    assert house.latitude is not None and house.longitude is not None
    page = _sign_in(
        browser,
        live_server.url,
        "tl_clerk",
        geolocation={"latitude": float(house.latitude), "longitude": float(house.longitude), "accuracy": 10},
        permissions=["geolocation"],
    )
    queue = _home(page, live_server.url, "village-clerk", screenshot_dir)
    assert queue["campaign-uncovered"] == before

    _follow(page, "campaign-uncovered")
    assert household.head_name in text_of(page, "[data-testid=uncovered-table]")
    page.click(f"a[href^='/inspections/houses/{house.pk}/inspect/']")
    _inspect(page)
    assert "A 级" in text_of(page, "[data-testid=inspection-grade]")

    assert (
        _home(page, live_server.url, "village-clerk-after", screenshot_dir).get("campaign-uncovered", 0) == before - 1
    )


def test_the_township_registers_a_found_households_application(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("supervision")
    township = User.objects.get(username="tl_township")
    found = [
        case
        for case in RenovationCase.objects.filter(region_code__startswith="140405102", stage="found")
        if any(a.kind == "apply" and a.allowed for a in available_acts(case, township))
    ]
    page = _sign_in(browser, live_server.url, "tl_township")
    queue = _home(page, live_server.url, "township", screenshot_dir)
    assert queue["cases-found"] == len(found) > 0
    assert {"campaign-uncovered", "follow-ups", "orders-respond"} <= set(queue)  # the inspection and supervision to-dos

    _follow(page, "cases-found")
    oldest = min(found, key=lambda c: (c.stage_since, c.pk))
    page.click(f"main a[href='/cases/{oldest.pk}/']")
    page.fill("[data-testid=act-card] [name=on]", timezone.localdate().isoformat())
    page.fill("[data-testid=act-card] [name=note]", "农户书面申请 2026-031")
    page.click("[data-testid=act-submit]")
    assert text_of(page, "[data-testid=case-stage]").strip() == "已申请"

    after = _home(page, live_server.url, "township-after", screenshot_dir)
    assert after.get("cases-found", 0) == len(found) - 1
    assert after["cases-applied"] == queue["cases-applied"] + 1  # now waiting for the village's review


def test_the_appraiser_appraises_a_house_an_inspection_judged_dangerous(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("inspections")
    awaiting = House.objects.filter(
        region_code__startswith="140405", current_grade__in=("C", "D"), grade_source="inspection"
    )
    before = awaiting.count()
    page = _sign_in(browser, live_server.url, "tl_appraiser")
    queue = _home(page, live_server.url, "appraiser", screenshot_dir)
    assert queue == {"appraisal-awaiting": before} and before > 0

    _follow(page, "appraisal-awaiting")
    rows = page.locator("[data-testid=house-table] tbody tr")
    assert rows.count() == before
    rows.first.locator("[data-testid=appraise-new]").click()
    for component in page.locator("[data-component]").all():
        component.locator("input[value=b]").check()
    page.check("input[name=prevention_level][value=none]")
    page.select_option("select[name=damage_cause]", "ageing")
    page.fill("input[name=appraiser_org]", "屯留区房屋安全鉴定站")
    page.fill("input[name=certificate_no]", "晋建鉴-2026-017")
    page.click("button[type=submit]:has-text('保存鉴定结果')")
    assert text_of(page, "[data-testid=final-grade]").strip() == "B 级"

    assert awaiting.count() == before - 1
    after = _home(page, live_server.url, "appraiser-after", screenshot_dir)
    assert after.get("appraisal-awaiting", 0) == before - 1


def test_the_county_closes_an_accepted_case_from_its_queue(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("supervision")
    county = User.objects.get(username="tl_county")
    ready = [
        case
        for case in RenovationCase.objects.filter(region_code__startswith="140405", stage="accepted")
        if any(a.kind == "close" and a.allowed for a in available_acts(case, county))
    ]
    accepted = RenovationCase.objects.filter(region_code__startswith="140405", stage="accepted").count()
    page = _sign_in(browser, live_server.url, "tl_county")
    queue = _home(page, live_server.url, "county", screenshot_dir)
    # Only the cases the case page would let the county close: not those still missing money or papers.
    assert queue["cases-accepted"] == len(ready) > 0 and accepted > len(ready)

    _follow(page, "cases-accepted")
    case = ready[0]
    page.click(f"main a[href='/cases/{case.pk}/']")
    # The case page leads to the case's payments.
    page.click("[data-testid=payments-link]")
    assert f"case={case.pk}" in page.url and case.household.head_name in text_of(page, "main")
    page.go_back()
    page.fill("[data-testid=act-card] [name=on]", timezone.localdate().isoformat())
    page.fill("[data-testid=act-card] [name=note]", "四到位，销号")
    page.click("[data-testid=act-submit]")
    assert text_of(page, "[data-testid=case-stage]").strip() == "已销号"

    assert _home(page, live_server.url, "county-after", screenshot_dir).get("cases-accepted", 0) == len(ready) - 1


def test_civil_affairs_decides_its_own_referrals_only(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("inspections")
    mine = Referral.objects.filter(region_code__startswith="140405", department="civil_affairs", status="pending")
    theirs = Referral.objects.filter(
        region_code__startswith="140405", department="rural_revitalization", status="pending"
    )
    before = mine.count()
    assert before > 0 and theirs.exists()
    page = _sign_in(browser, live_server.url, "tl_civil")
    queue = _home(page, live_server.url, "civil-affairs", screenshot_dir)
    assert queue["referrals"] == before

    _follow(page, "referrals")
    cards = page.locator("[data-testid=referral]")
    assert cards.count() == before  # 乡村振兴's referrals are neither listed nor offered
    for other in theirs:
        assert other.household.head_name not in text_of(page, "main")
    referral = mine.order_by("status", "-created_at").first()
    assert referral is not None
    card = cards.first
    card.locator("select[name=confirm]").select_option("1")
    card.locator("select[name=group]").select_option("dibao")
    card.locator("button:has-text('提交核实')").click()
    assert "已核实" in text_of(page, ".alert-success")

    referral.refresh_from_db()
    assert referral.status == "confirmed" and referral.decided_by == User.objects.get(username="tl_civil")
    assert HouseholdStatus.objects.filter(household=referral.household, group="dibao", ended_on=None).exists()
    assert _home(page, live_server.url, "civil-affairs-after", screenshot_dir).get("referrals", 0) == before - 1


def test_rural_revitalization_signs_off_an_archive_awaiting_its_joint_review(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("cases")
    from anju.archives.queues import awaiting_review

    rural = User.objects.get(username="tl_rural")
    waiting = list(awaiting_review(rural, "rural_revitalization"))
    page = _sign_in(browser, live_server.url, "tl_rural")
    queue = _home(page, live_server.url, "rural-revitalization", screenshot_dir)
    assert queue["archive-review"] == len(waiting) > 0
    assert (
        queue["referrals"]
        == Referral.objects.filter(
            region_code__startswith="140405", department="rural_revitalization", status="pending"
        ).count()
    )

    _follow(page, "archive-review")
    case = waiting[0]
    assert case.household.head_name in text_of(page, "main")
    page.click(f"main a[href='/archives/cases/{case.pk}/']")
    page.check("input[name=agreed][value='1']")
    page.fill("textarea[name=opinion]", "材料齐全，同意")
    page.fill("input[name=on]", timezone.localdate().isoformat())
    page.click("button:has-text('提交审定')")
    assert ArchiveReview.objects.filter(case=case, role="rural_revitalization", agreed=True).exists()
    assert "同意" in text_of(page, "main")

    assert _home(page, live_server.url, "rural-after", screenshot_dir).get("archive-review", 0) == len(waiting) - 1


def test_after_the_landslide_the_county_inspects_the_first_house_on_its_list(
    browser: Browser, live_server: LiveServer, screenshot_dir: Path
) -> None:
    _load("inspections")
    county = User.objects.get(username="ps_county")
    open_tasks = EmergencyTask.objects.visible_to(county).filter(inspection__isnull=True)
    before = open_tasks.count()
    task = open_tasks.order_by("priority", "region_code", "pk").first()
    assert task is not None and task.house.latitude is not None and task.house.longitude is not None
    page = _sign_in(
        browser,
        live_server.url,
        "ps_county",
        geolocation={"latitude": float(task.house.latitude), "longitude": float(task.house.longitude), "accuracy": 10},
        permissions=["geolocation"],
    )
    # 冉光明 is also the county's administrator: his 住建局 home is one switch away.
    queue = _home(page, live_server.url, "county-landslide", screenshot_dir, role="county_officer")
    assert text_of(page, "[data-testid=role-home-title]") == "区/县住建局工作台"
    key = f"emergency-{task.event_id}"
    assert queue[key] == before > 0
    assert "山体滑坡" in text_of(page, f"[data-testid=queue-item][data-key='{key}']")

    _follow(page, key)
    assert page.locator("[data-testid=act-inspect]").count() > 0
    page.click(f"[data-testid=act-inspect][href^='/inspections/houses/{task.house_id}/inspect/']")
    _inspect(page)

    task.refresh_from_db()
    assert task.inspection is not None and task.inspection.event_id == task.event_id
    after = _home(page, live_server.url, "county-landslide-after", screenshot_dir, role="county_officer")
    assert after[key] == before - 1
