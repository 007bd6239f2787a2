"""A village clerk on a phone (390×844) inspects an uncovered key household's house: GPS from
the phone, a photo from the camera input, the draft surviving a reload; the first submit finds
no signal and keeps everything (photo included) on the phone; once the signal is back the clerk
submits again and the coverage page counts the household as covered."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from anju.accounts.models import User
from anju.demo.data import DEMO_PASSWORD
from anju.inspections import selectors
from anju.inspections.models import Campaign, Inspection
from tests.browser.conftest import load_demo, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo("inspections")  # what this test needs


def test_a_clerk_inspects_with_photo_and_gps_on_a_phone(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    clerk = User.objects.get(username="tl_clerk")
    campaign = Campaign.objects.get(region_code="140405102000")
    uncovered = (
        selectors.campaign_households(campaign, clerk)
        .filter(covered=False, houses__latitude__isnull=False)  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
        .order_by("pk")
        .first()
    )
    assert uncovered is not None, "the demo leaves households on the clerk's to-do list"
    house = uncovered.houses.exclude(latitude=None).first()
    assert house is not None and house.latitude is not None and house.longitude is not None
    before = selectors.campaign_coverage(campaign, clerk).covered
    photo = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (160, 130, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": float(house.latitude), "longitude": float(house.longitude), "accuracy": 12},
        permissions=["geolocation"],
    )
    # Record what the page asks of the device's position service (a fresh fix or a cached one).
    context.add_init_script(
        "window.__geoAsks = [];"
        "const real = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);"
        "navigator.geolocation.getCurrentPosition = (ok, err, opts) => {"
        " window.__geoAsks.push(opts && opts.maximumAge); return real(ok, err, opts); };"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tl_clerk")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/?village=140405102201")
    assert uncovered.head_name in text_of(page, "[data-testid=uncovered-table]")
    page.click(f"a[href^='/inspections/houses/{house.pk}/inspect/']")
    form_url = page.url
    page.wait_for_selector("#gps-status.alert-success", timeout=10000)
    assert "已定位" in text_of(page, "#gps-text")
    # 重新定位 asks the device afresh: a position refused as too far is not served again from cache.
    page.click("#gps-retry")
    for _ in range(50):  # polled from here: wait_for_function evals in the page, which the CSP forbids
        if page.evaluate("window.__geoAsks.length") >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__geoAsks") == [60000, 0]

    # A half-filled form survives a reload.
    page.fill("input[name=occupant_ages]", "78 12")
    page.check("#hz-wall_through_crack")
    page.reload()
    assert page.input_value("input[name=occupant_ages]") == "78 12"
    assert page.is_checked("#hz-wall_through_crack")

    page.set_input_files("#id_photos", str(photo))
    page.wait_for_selector("#photo-previews img", timeout=10000)
    page.click("label[for=grade-D]")
    page.click("label[for=occ-1]")
    page.screenshot(path=str(screenshot_dir / "inspection-form-390.png"), full_page=True)

    # No signal when the clerk submits: the page stays, says so, and nothing reaches the server.
    context.set_offline(True)
    page.click("[data-testid=save-inspection]")
    page.wait_for_selector("[data-testid=submit-status]:not([hidden])", timeout=10000)
    assert "网络不通，记录已保存在本机，恢复信号后点“重新提交”" in text_of(page, "[data-testid=submit-status]")
    assert text_of(page, "[data-testid=save-inspection]").strip() == "重新提交"
    page.screenshot(path=str(screenshot_dir / "inspection-offline-390.png"), full_page=True)
    assert not Inspection.objects.filter(house=house).exists()

    # Signal back, the page opened again: the fields and the downscaled photo are still there.
    context.set_offline(False)
    page.reload()
    page.wait_for_selector("#photo-previews img", timeout=10000)
    assert page.input_value("input[name=occupant_ages]") == "78 12"
    assert page.is_checked("#hz-wall_through_crack") and page.is_checked("#grade-D") and page.is_checked("#occ-1")
    assert "上次提交未成功" in text_of(page, "[data-testid=submit-status]")
    assert text_of(page, "[data-testid=save-inspection]").strip() == "重新提交"
    assert "含 1 张照片" in text_of(page, "#draft-status")
    page.screenshot(path=str(screenshot_dir / "inspection-restored-390.png"), full_page=True)
    page.click("[data-testid=save-inspection]")
    page.wait_for_selector("[data-testid=inspection-grade]")
    assert "D 级" in text_of(page, "[data-testid=inspection-grade]")
    assert "手机定位" in text_of(page, "[data-testid=inspection-gps]")
    page.screenshot(path=str(screenshot_dir / "inspection-detail-390.png"), full_page=True)

    inspection = Inspection.objects.get(house=house, campaign=campaign)
    stored = inspection.photos.get()
    assert max(stored.width, stored.height) <= 1600  # downscaled on the phone before upload
    assert inspection.hazards == ["wall_through_crack"] and inspection.occupant_ages == [78, 12]
    assert inspection.submission_id  # the id the phone made for this form

    # Accepted, so the draft is gone: the form opens empty with a new submission id, no photo kept.
    page.goto(form_url)
    assert page.input_value("input[name=occupant_ages]") == ""
    assert page.input_value("input[name=submission_id]") not in ("", inspection.submission_id)
    drafts = page.evaluate("Object.values(localStorage).filter((v) => v.includes('78 12')).length")
    kept_photos = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("anju-drafts", 1);
            open.onsuccess = () => {
                const count = open.result.transaction("photos").objectStore("photos").count();
                count.onsuccess = () => resolve(count.result);
            };
        })"""
    )
    assert drafts == 0 and kept_photos == 0

    page.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/")
    assert f"{before + 1}/" in text_of(page, ".progress-bar")
    page.screenshot(path=str(screenshot_dir / "campaign-coverage-390.png"), full_page=True)
    context.close()
