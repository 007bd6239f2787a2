"""The offline field app on a phone (390 px) with no signal (issue 19, ADR 0038): a township
officer downloads 北渔泽村's work list, the page and the list open again offline after a reload,
two inspections and a patrol recorded offline arrive once each when the signal returns, a patrol
refused on sync (the case moved on meanwhile) stays queued with its reason until discarded, an
acceptance checklist filled in offline arrives once, and a 竣工 with a camera photo recorded
offline arrives once with the photo's own EXIF position kept through the phone's downscale.
Screenshots: test-artifacts/screenshots/offline-*.png."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from anju.acceptance.models import Acceptance
from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases import services as case_services
from anju.cases.models import CasePatrol, CaseStep, CaseStepPhoto, RenovationCase
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head  # noqa: F401
from anju.field.models import SyncedRecord
from anju.field.tests.conftest import national_configuration  # noqa: F401
from anju.households.services import house_create, household_create
from anju.inspections.models import Inspection, Referral
from anju.inspections.tests.conftest import make_id
from anju.photochecks.models import PhotoCheck
from anju.regions.models import Region
from conftest import PASSWORD
from tests.browser.test_csp import WATCH_VIOLATIONS
from tests.scenarios.test_photo_checks import FAR, NEAR, scene, works  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VILLAGE = "140405102201"
COUNT_STORES = """new Promise(function (resolve) {
  var request = indexedDB.open("anju-field");
  request.onsuccess = function () {
    var tx = request.result.transaction(["worklist", "queue"]), counts = {};
    ["worklist", "queue"].forEach(function (name) {
      tx.objectStore(name).count().onsuccess = function (e) { counts[name] = e.target.result; };
    });
    tx.oncomplete = function () { resolve(counts); };
  };
})"""


def phone(browser: Browser) -> BrowserContext:
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 10},
        permissions=["geolocation"],
    )


def open_app(context: BrowserContext, live_server: LiveServer, officers: Officers) -> Page:  # noqa: F811
    """Sign in, open the app until it is kept on the phone, and download 北渔泽村's work."""
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officers["township"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/field/")
    expect(page.get_by_test_id("sw-status")).to_contain_text("本页已存入手机", timeout=20000)
    page.check(f"input[name=village][value='{VILLAGE}']")
    page.get_by_test_id("download-button").click()
    expect(page.get_by_test_id("download-message")).to_contain_text("已下载到本机")
    return page


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "工地.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (150, 120, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def queue_patrol(page: Page, photo: Path, findings: str) -> None:
    page.get_by_test_id("patrol").first.click()
    page.fill("textarea[name=findings]", findings)
    page.set_input_files("[data-photo-input]", str(photo))
    expect(page.get_by_test_id("photo-ready")).to_contain_text("已备好照片 1 张")
    page.get_by_test_id("save-offline").click()


def queue_inspection(page: Page, grade: str, ages: str, shot: Path | None = None) -> None:
    page.get_by_test_id("inspect").first.click()
    page.check(f"input[name=suspected_grade][value={grade}]")
    page.check("input[name=is_occupied][value='1']")
    page.fill("input[name=occupant_ages]", ages)
    expect(page.get_by_test_id("capture")).to_contain_text("已定位")
    if shot is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_test_id("capture").screenshot(path=str(shot))
    page.get_by_test_id("save-offline").click()


def test_two_inspections_and_a_patrol_recorded_offline_arrive_once_each(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    context = phone(browser)
    page = open_app(context, live_server, officers)
    context.set_offline(True)
    expect(page.get_by_test_id("net-status")).to_have_text("离线")

    queue_inspection(page, "C", "72 68", shot=screenshot_dir / "offline-inspection-form.png")
    queue_inspection(page, "D", "72")
    queue_patrol(page, photo_file(tmp_path), "圈梁浇筑完成，砂浆饱满")
    expect(page.get_by_test_id("queue-count")).to_have_text("3")
    expect(page.locator("[data-testid=queued][data-state=pending]")).to_have_count(3)
    expect(page.get_by_test_id("sync-message")).to_contain_text("已保存到本机")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "offline-queue.png"), full_page=True)
    assert not Inspection.objects.exists() and not CasePatrol.objects.exists()

    context.set_offline(False)
    expect(page.get_by_test_id("queue-count")).to_have_text("0", timeout=20000)
    expect(page.get_by_test_id("sync-message")).to_have_text("同步完成：送达 3 条。")
    # The list is fetched afresh after the sync: the house now shows today's inspection.
    expect(page.get_by_test_id("work-house").first).to_contain_text("最近排查 ")
    page.get_by_test_id("sync-now").click()  # again: nothing left to send twice
    page.screenshot(path=str(screenshot_dir / "offline-synced.png"), full_page=True)
    assert sorted(Inspection.objects.values_list("suspected_grade", flat=True)) == ["C", "D"]
    patrol = CasePatrol.objects.get(case=works)
    assert patrol.findings == "圈梁浇筑完成，砂浆饱满"
    stored = patrol.photos.get()
    assert max(stored.image.width, stored.image.height) <= 1600  # downscaled on the phone
    assert SyncedRecord.objects.filter(user=officers["township"]).count() == 3
    context.close()


def test_a_record_refused_on_sync_stays_queued_with_its_reason_until_discarded(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    context = phone(browser)
    page = open_app(context, live_server, officers)
    context.set_offline(True)
    queue_patrol(page, photo_file(tmp_path), "外墙抹灰")
    # Meanwhile, in the office, the works are declared complete: patrols are over.
    case_services.patrol_record(
        acting_user=officers["county"], case=works, on=ago(2), findings="主体完工", photos=[scene(9)]
    )
    case_services.case_complete(acting_user=officers["county"], case=works, on=ago(1), built_area=45)  # type: ignore[arg-type]  # an int is a valid Decimal amount here

    context.set_offline(False)
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_have_text(
        "退回原因：案件当前为「已竣工待验收」，只有施工期间和整改期间才记录质量巡查。", timeout=20000
    )
    expect(page.get_by_test_id("sync-message")).to_contain_text("退回 1 条")
    expect(page.get_by_test_id("queue-count")).to_have_text("1")
    page.screenshot(path=str(screenshot_dir / "offline-refused.png"), full_page=True)

    page.reload()  # nothing lost: the refused record is still there with its reason
    expect(page.get_by_test_id("refusal")).to_contain_text("已竣工待验收")
    assert CasePatrol.objects.filter(case=works).count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("discard").click()
    expect(page.get_by_test_id("queue-count")).to_have_text("0")
    context.close()


def test_the_work_list_opens_offline_after_a_reload_with_no_csp_violation_or_script_error(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    context = phone(browser)
    context.add_init_script(WATCH_VIOLATIONS)
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(str(error.error)))
    page = open_app(context, live_server, officers)
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    assert page.evaluate("window.__cspViolations") == [] and problems == []
    context.set_offline(True)

    page.reload()

    expect(page.get_by_test_id("net-status")).to_have_text("离线")
    expect(page.get_by_test_id("work-list-age")).to_contain_text("下载于")
    expect(page.get_by_test_id("work-list-age")).to_contain_text(re.compile(r"（(刚刚|\d+ 分钟前)）"))
    house = page.get_by_test_id("work-house").first
    expect(house).to_contain_text("甲户")
    case_line = page.get_by_test_id("work-case").first
    expect(case_line).to_contain_text("改造中")
    expect(case_line.get_by_test_id("patrol")).to_be_visible()
    expect(case_line).to_contain_text("档案缺：")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__cspViolations") == [] and problems == []
    page.screenshot(path=str(screenshot_dir / "offline-work-list.png"), full_page=True)

    # Signing out forgets the page and the list on the phone: offline, nothing of them opens.
    context.set_offline(False)
    page.click(".navbar-toggler")  # the menu is folded at phone width
    page.locator("form[data-logout] button").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    assert page.evaluate("caches.has('anju-field-pages')") is False
    assert page.evaluate(COUNT_STORES) == {"worklist": 0, "queue": 0}  # the queue's store is kept
    context.set_offline(True)
    with contextlib.suppress(PlaywrightError):
        page.goto(f"{live_server.url}/field/")
    expect(page.get_by_test_id("work-house")).to_have_count(0)
    context.close()


def test_an_acceptance_checklist_recorded_offline_arrives_once(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    case_services.patrol_record(
        acting_user=officers["county"], case=works, on=ago(2), findings="主体完工", photos=[scene(9)]
    )
    case_services.case_complete(acting_user=officers["county"], case=works, on=ago(1), built_area=45)  # type: ignore[arg-type]  # an int is a valid Decimal amount here
    context = phone(browser)
    page = open_app(context, live_server, officers)
    context.set_offline(True)

    page.get_by_test_id("accept").click()
    items = page.get_by_test_id("checklist-item")
    assert items.count() > 3
    for n in range(items.count()):
        items.nth(n).locator("input[value=pass]").check()
    page.check("input[name=post_grade][value=A]")
    page.check("input[name=household_agrees][value='1']")
    expect(page.locator("input[name=builder_name]")).to_have_value("李师傅")
    page.fill("input[name=officer_names]", "郭晓燕、张卫东")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("capture").screenshot(path=str(screenshot_dir / "offline-acceptance-form.png"))
    page.get_by_test_id("save-offline").click()
    expect(page.get_by_test_id("queue-count")).to_have_text("1")

    context.set_offline(False)
    expect(page.get_by_test_id("sync-message")).to_have_text("同步完成：送达 1 条。", timeout=20000)
    acceptance = Acceptance.objects.get(case=works)
    assert acceptance.passed and acceptance.officer_names == "郭晓燕、张卫东"
    expect(page.get_by_test_id("work-case").first).to_contain_text("验收通过")
    context.close()


def camera_photo(tmp_path: Path) -> Path:
    """A phone camera's JPEG: 4000×3000 pixels stored sideways (EXIF Orientation 6, 'turn 90°'),
    with the place (FAR, 1.1 km from the house) and time it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    for ref, axis, value in (("N", 1, FAR[0]), ("E", 3, FAR[1])):
        minutes = (value - int(value)) * 60
        gps[axis], gps[axis + 1] = ref, (float(int(value)), float(int(minutes)), round((minutes % 1) * 60, 4))
    exif.get_ifd(0x8769)[0x9003] = f"{ago(0):%Y:%m:%d} 09:30:00"
    image = Image.new("RGB", (4000, 3000), (150, 120, 90))
    image.paste((40, 60, 200), (0, 0, 2000, 1500))  # something to see, and to tell which way is up
    path = tmp_path / "竣工.jpg"
    image.save(path, "JPEG", quality=90, exif=exif)
    return path


def test_a_completion_with_a_camera_photo_recorded_offline_arrives_once_with_its_exif_position(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    case_services.patrol_record(
        acting_user=officers["county"], case=works, on=ago(2), findings="主体完工", photos=[scene(9)]
    )
    context = phone(browser)
    page = open_app(context, live_server, officers)
    context.set_offline(True)

    page.get_by_test_id("complete").click()
    page.fill("input[name=built_area]", "46.5")
    page.set_input_files("[data-photo-input]", str(camera_photo(tmp_path)))
    expect(page.get_by_test_id("photo-ready")).to_contain_text("其中 1 张保留了原图的拍摄位置和时间")
    expect(page.get_by_test_id("capture")).to_contain_text("已定位")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("capture").screenshot(path=str(screenshot_dir / "offline-completion-form.png"))
    page.get_by_test_id("save-offline").click()
    expect(page.get_by_test_id("queue-count")).to_have_text("1")
    assert not CaseStep.objects.filter(case=works, kind="complete").exists()

    context.set_offline(False)
    expect(page.get_by_test_id("sync-message")).to_have_text("同步完成：送达 1 条。", timeout=20000)
    page.get_by_test_id("sync-now").click()  # again: nothing left to send twice
    expect(page.get_by_test_id("work-case").first).to_contain_text("已竣工待验收")
    works.refresh_from_db()
    assert works.stage == "completed" and float(works.built_area or 0) == 46.5
    assert CaseStep.objects.filter(case=works, kind="complete").count() == 1
    stored = CaseStepPhoto.objects.get(step__case=works)
    # Turned upright once, on the phone (the copied EXIF says Orientation 1): portrait, 1600 high.
    assert (stored.image.width, stored.image.height) == (1200, 1600)
    check = PhotoCheck.objects.get(stage="completion")
    assert (float(check.exif_latitude or 0), float(check.exif_longitude or 0)) == pytest.approx(FAR, abs=1e-5)
    assert check.exif_source == "phone_copy" and check.exif_taken_at is not None
    assert (float(check.device_latitude or 0), float(check.device_longitude or 0)) == pytest.approx(NEAR, abs=1e-5)
    assert list(check.flags.values_list("kind", flat=True)) == ["far"]
    context.close()


def test_a_referral_recorded_offline_for_a_family_in_no_key_group_arrives_once(
    browser: Browser,
    live_server: LiveServer,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    tl_clerk: User,
    regions: dict[str, Region],
    screenshot_dir: Path,
) -> None:
    poor = household_create(acting_user=tl_clerk, region=regions[VILLAGE], head_name="丙", head_id_number=make_id(31))
    house_create(acting_user=tl_clerk, household=poor, structure="earth_wood", build_year=1978)
    context = phone(browser)
    page = open_app(context, live_server, officers)
    context.set_offline(True)

    listed = page.get_by_test_id("work-house").filter(has_text="甲户")
    listed.get_by_test_id("inspect").click()  # a 低保 household: nothing to refer
    expect(page.locator("[data-referral]")).to_have_count(0)
    page.get_by_role("button", name="取消").click()
    page.get_by_test_id("work-house").filter(has_text="丙户").get_by_test_id("inspect").click()
    page.check("input[name=suspected_grade][value=D]")
    page.check("input[name=is_occupied][value='1']")
    page.fill("input[name=occupant_ages]", "81")
    page.check("input[name=family_poor_not_listed]")
    page.fill("textarea[name=poverty_note]", "独居老人，无劳动能力")
    expect(page.get_by_test_id("capture")).to_contain_text("已定位")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("capture").screenshot(path=str(screenshot_dir / "offline-referral-form.png"))
    page.get_by_test_id("save-offline").click()
    expect(page.get_by_test_id("queue-count")).to_have_text("1")

    context.set_offline(False)
    expect(page.get_by_test_id("sync-message")).to_have_text("同步完成：送达 1 条。", timeout=20000)
    page.get_by_test_id("sync-now").click()
    referral = Referral.objects.get(household=poor)
    assert referral.reason == "独居老人，无劳动能力" and referral.department == "civil_affairs"
    assert Inspection.objects.filter(household=poor).count() == 1
    context.close()
