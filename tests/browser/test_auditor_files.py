"""On a phone-width screen: 渔泽镇's officer sends the 疑似危房台账 back with one correction and
commits it; 屯留区's officer imports a national-system history file with one bad row, confirming
that only the valid rows are kept (issue 20 items 2 and 3)."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from anju.accounts.models import User
from anju.demo.data import DEMO_PASSWORD
from anju.households.models import House, Household, RenovationHistory
from anju.inspections.tests.conftest import make_id
from anju.ledgers.services import LedgerFile, ledger_export
from tests.browser.conftest import text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo", upto="inspections", stdout=StringIO())  # suspected houses


def sign_in(browser: Browser, live_server: LiveServer, username: str) -> Page:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    return page


def no_overflow(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_a_ledger_corrected_in_a_spreadsheet_is_previewed_and_committed_on_a_phone(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    township = User.objects.get(username="tl_township")
    result = ledger_export(acting_user=township, key="suspected", fmt="xlsx", year=2026)
    assert isinstance(result, LedgerFile) and result.rows > 0
    book = openpyxl.load_workbook(io.BytesIO(result.content))
    sheet = book.worksheets[0]
    column = next(c.column for c in sheet[3] if c.value == "居住人数")
    occupied = next(c.column for c in sheet[3] if c.value == "是否住人")
    row = next(r for r in range(4, 4 + result.rows) if sheet.cell(r, occupied).value == "是")
    before = int(sheet.cell(row, column).value)
    sheet.cell(row, column).value = before + 1
    upload = tmp_path / "疑似危房台账.xlsx"
    book.save(upload)

    page = sign_in(browser, live_server, "tl_township")
    page.goto(f"{live_server.url}/ledgers/returns/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=changes]")
    assert f"{before} → {before + 1}" in text_of(page, "[data-testid=changes]")
    assert no_overflow(page)
    page.screenshot(path=str(screenshot_dir / "ledger-return-preview-390.png"), full_page=True)
    page.click("[data-testid=commit]")
    page.wait_for_selector("text=已写入 1 行")
    assert text_of(page, "[data-testid=return-status]") == "已写入"
    assert House.objects.filter(occupants=before + 1).exists()
    page.close()


def test_a_national_history_file_with_a_bad_row_is_kept_only_when_confirmed(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    head = Household.objects.filter(region_code__startswith="140405102").order_by("pk").first()
    assert head is not None
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["户主姓名", "身份证号码", "地址", "改造年度", "改造方式", "补助金额", "竣工日期"])
    sheet.append([head.head_name, head.head_id_number, "屯留区渔泽镇北渔泽村", 2021, "修缮加固", 15000, "2021-10-01"])
    sheet.append(["错号", make_id(77)[:-1] + "0", "屯留区渔泽镇北渔泽村", 2021, "修缮加固", 15000, "2021-10-01"])
    upload = tmp_path / "国家系统导出.xlsx"
    book.save(upload)

    page = sign_in(browser, live_server, "tl_county")
    page.goto(f"{live_server.url}/households/history/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=history-invalid]")
    assert "校验位" in text_of(page, "[data-testid=history-invalid]") or "身份证" in text_of(
        page, "[data-testid=history-invalid]"
    )
    assert no_overflow(page)
    page.screenshot(path=str(screenshot_dir / "history-preview-390.png"), full_page=True)
    page.click("[data-testid=history-commit]")  # without the confirmation: refused, nothing kept
    page.wait_for_selector("text=行无效")
    assert not RenovationHistory.objects.exists()
    page.check("input[name=confirm]")
    page.click("[data-testid=history-commit]")
    page.wait_for_selector("text=已导入 1 条历史改造记录")
    assert RenovationHistory.objects.get().household == head
    page.close()
