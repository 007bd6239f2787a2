"""One household from 发现 to 销号 through the pages, each act by the officer whose role it is:
application, the three reviews with their notices, filing, agreement, works with a patrol photo,
completion, acceptance, payment, the archive uploaded item by item, the joint review and 销号.
Screenshots: test-artifacts/screenshots/case-*.png."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer
from reportlab.pdfgen.canvas import Canvas

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import ensure_national_template
from anju.appraisals.tests.conftest import DibaoHome, appraiser, dibao_home  # noqa: F401
from anju.cases.models import RenovationCase
from anju.cases.services import ensure_national_policy
from anju.cases.tests.conftest import covered_home  # noqa: F401
from anju.eligibility.services import ensure_national_rule_set
from anju.households.models import House
from anju.inspections.tests.images import jpeg
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


@pytest.fixture(autouse=True)
def national_configuration() -> None:
    # A transactional test flushes what the data migrations made.
    ensure_national_template()
    ensure_national_rule_set()
    ensure_national_policy()


def pdf_bytes(title: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, title)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class Desk:
    """A logged-in browser tab for one officer."""

    def __init__(self, browser: Any, base: str, username: str, shots: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base, self.shots = base, shots
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("main button[type=submit]")

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.base}{path}")
        return self.page

    def act(self, path: str, **fields: str) -> Any:
        """Fill the case page's next-step form and submit it."""
        page = self.go(path)
        for name, value in fields.items():
            page.fill(f"[data-testid=act-card] [name={name}]", value)
        page.click("[data-testid=act-submit]")
        return page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"case-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def stage(page: Any) -> str:
    return page.text_content("[data-testid=case-stage]").strip()


def test_one_household_from_found_to_closed(
    browser: Browser,
    live_server: LiveServer,
    make_user: Callable[..., User],
    covered_home: DibaoHome,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    for username, code, role in (
        ("tl_head", "140405102201", Role.VILLAGE_HEAD),
        ("tl_township", "140405102000", Role.TOWNSHIP_OFFICER),
        ("tl_county", "140405000000", Role.COUNTY_OFFICER),
        ("tl_rural", "140405000000", Role.RURAL_REVITALIZATION),
    ):
        make_user(username, code, role)
    household, house = covered_home["household"], covered_home["house"]
    House.objects.filter(pk=house.pk).update(latitude="36.320100", longitude="112.890500")  # a point for the map
    base = live_server.url

    clerk = Desk(browser, base, "tl_clerk", screenshot_dir)
    page = clerk.go(f"/eligibility/households/{household.pk}/")
    page.fill("#id_case_on", ago(60))
    page.click("text=建立改造案件（发现）")
    case = RenovationCase.objects.get(household=household)
    path = f"/cases/{case.pk}/"
    assert stage(page) == "发现" and "待登记农户书面申请" in page.text_content("[data-testid=next-hint]")
    page = clerk.act(path, on=ago(59), note="申请书 2026-011")
    assert stage(page) == "已申请"
    clerk.close()

    head = Desk(browser, base, "tl_head", screenshot_dir)
    page = head.act(path, on=ago(58), note="")
    assert "请填写评议情况" in page.text_content("[data-testid=act-card]")  # refused, nothing lost
    page = head.act(path, on=ago(58), note="到会 23 人，同意 23 人")
    assert stage(page) == "村评议公示中"
    head.close()

    township = Desk(browser, base, "tl_township", screenshot_dir)
    page = township.act(path, on=ago(50), note="入户核查属实")
    assert stage(page) == "乡镇审核公示中"
    township.shot("notice")
    township.close()

    county = Desk(browser, base, "tl_county", screenshot_dir)
    page = county.act(path, on=ago(43), note="同意纳入计划")
    assert stage(page) == "县级审批公示中" and "21,000" in page.text_content("main")
    page = county.act(path, on=ago(37))
    assert stage(page) == "已建档"
    archive_no = page.text_content("[data-testid=archive-no]").strip()
    assert archive_no == f"渔泽镇危改字[{case.year}]001号"
    county.close()

    township = Desk(browser, base, "tl_township", screenshot_dir)
    page = township.go(path)
    page.fill("[data-testid=act-card] [name=on]", ago(36))
    page.check("[data-testid=act-card] input[name=construction_mode][value=self]")
    page.fill("[data-testid=act-card] [name=builder_name]", "李建军")
    page.fill("[data-testid=act-card] [name=builder_cert_no]", "晋工匠-2023-0112")
    page.fill("[data-testid=act-card] [name=planned_area]", "45")
    page.check("[data-testid=act-card] input[name=energy_tags][value=walls]")
    page.click("[data-testid=act-submit]")
    assert stage(page) == "已签协议"
    page = township.act(path, on=ago(35))
    assert stage(page) == "改造中"
    page.fill("[data-testid=patrol-form] [name=on]", ago(30))
    page.fill("[data-testid=patrol-form] [name=findings]", "圈梁、构造柱已浇筑")
    photo = jpeg("patrol.jpg")
    page.set_input_files("#id_photos", {"name": "patrol.jpg", "mimeType": "image/jpeg", "buffer": photo.read()})
    page.click("text=记录巡查")
    assert page.locator("img[alt=巡查照片]").count() == 1
    page = township.act(path, on=ago(20), built_area="46.5")
    assert stage(page) == "已竣工待验收"
    township.shot("completed")

    page.click("[data-testid=acceptance-record]")
    page.fill("input[name=on]", ago(15))
    for radio in page.locator("[data-item] input[value=pass]").all():
        radio.check()
    page.check("input[name=post_grade][value=A]")
    page.check("input[name=household_agrees][value='1']")
    page.fill("input[name=officer_names]", "郭晓燕、张卫东")
    township.shot("acceptance-form")
    page.click("text=保存验收结果")
    page = township.go(path)
    assert stage(page) == "验收通过"
    assert "补助资金尚未拨付完毕" in page.text_content("[data-testid=close-blockers]")

    # The archive, item by item, through the upload form of each missing item.
    page = township.go(f"/archives/cases/{case.pk}/")
    for index in range(40):
        missing = page.locator("[data-testid=missing]")
        if missing.count() == 0:
            break
        item = page.locator(
            "[data-testid=archive-checklist] > .list-group-item", has=page.locator("[data-testid=missing]")
        ).first
        if index % 3 == 0:
            upload = {
                "name": f"scan-{index}.jpg",
                "mimeType": "image/jpeg",
                "buffer": jpeg(size=(640 + index, 480)).read(),
            }
        else:
            upload = {"name": f"scan-{index}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(f"doc {index}")}
        item.locator("input[type=file]").set_input_files(upload)
        item.locator("button:has-text('上传')").click()
    assert page.locator("[data-testid=missing]").count() == 0
    township.shot("archive")
    township.close()

    county = Desk(browser, base, "tl_county", screenshot_dir)
    page = county.go(f"/subsidies/cases/{case.pk}/pay/")
    page.fill("input[name=amount]", "21000")
    page.fill("input[name=paid_on]", ago(10))
    page.check("input[name=payee_kind][value=builder]")
    page.fill("input[name=voucher_no]", "BZ-2026-0001")
    page.fill("input[name=builder_account]", "6217000012345678")
    page.fill("input[name=consent_note]", "农户签字同意书 TY-012")
    page.fill("input[name=consent_on]", ago(16))
    page.click("button:has-text('登记拨付')")
    county.close()

    for username in ("civil", "tl_rural"):
        liaison = Desk(browser, base, username, screenshot_dir)
        page = liaison.go(f"/archives/cases/{case.pk}/")
        page.check("input[name=agreed][value='1']")
        page.fill("textarea[name=opinion]", "材料齐全，同意")
        page.fill("input[name=on]", ago(5))
        page.click("button:has-text('提交审定')")
        liaison.close()

    county = Desk(browser, base, "tl_county", screenshot_dir)
    page = county.go(path)
    assert page.locator("[data-testid=close-blockers]").count() == 0
    page = county.act(path, on=ago(1), note="四到位")
    assert stage(page) == "已销号"
    assert "已于" in page.text_content("[data-testid=next-hint]")
    county.shot("closed")
    archive = page.request.get(f"{base}/archives/cases/{case.pk}/pdf/")
    assert archive.ok and archive.body().startswith(b"%PDF-")
    (screenshot_dir / "case-archive.pdf").write_bytes(archive.body())

    # The house is written back (issue 14): safe since the acceptance, renovated by this case,
    # on its page and on the map.
    page = county.go(f"/households/houses/{house.pk}/")
    state = page.text_content("[data-testid=house-state]")
    assert page.text_content("[data-testid=current-grade]").strip() == "A 级"
    assert f"竣工验收 {ago(15)}" in state and f"{TODAY.year} 年已改造 · 农村危房改造" in state
    assert "已销号" in page.text_content("[data-testid=house-cases]")
    county.shot("house-renovated")
    page = county.go("/dashboard/map/")
    expect(page.locator("[data-testid=map-status]")).to_contain_text("共 1 处")  # no eval: the CSP forbids it
    page.wait_for_timeout(400)  # fitBounds animation
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "A 级（竣工验收" in popup.text_content() and f"已改造：{TODAY.year} 年农村危房改造" in popup.text_content()
    page.wait_for_timeout(300)  # the popup fades in
    county.shot("map-renovated")
    county.close()
    case.refresh_from_db()
    assert case.closed_on == TODAY - datetime.timedelta(days=1) and case.steps.count() == 12
