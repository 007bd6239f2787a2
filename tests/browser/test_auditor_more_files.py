"""On a phone-width screen: 屯留区's officer sends the 动态监测台账 back with a corrected name and
a start date typed in the file (refused: done on the case page), and looks up the national
system's history records by year (issue 20, second pass)."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from anju.accounts.models import User
from anju.households.history import history_import_commit, history_import_preview
from anju.households.models import RenovationHistory
from anju.inspections.tests.conftest import make_id
from anju.ledgers.services import LedgerFile, ledger_export
from tests.browser.conftest import text_of
from tests.browser.test_auditor_files import no_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo", upto="cases", stdout=StringIO())


def test_a_monitoring_ledger_comes_back_and_the_history_records_are_listed_on_a_phone(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    county = User.objects.get(username="tl_county")
    result = ledger_export(acting_user=county, key="monitoring", fmt="xlsx", year=timezone.localdate().year)
    assert isinstance(result, LedgerFile) and result.rows > 0
    book = openpyxl.load_workbook(io.BytesIO(result.content))
    sheet = book.worksheets[0]
    columns = {c.value: c.column for c in sheet[3]}
    name = str(sheet.cell(4, columns["户主姓名"]).value)
    sheet.cell(4, columns["户主姓名"]).value = name + "某"
    sheet.cell(4, columns["开工日期"]).value = "2026-03-01"
    upload = tmp_path / "动态监测台账.xlsx"
    book.save(upload)

    page = sign_in(browser, live_server, "tl_county")
    page.goto(f"{live_server.url}/ledgers/returns/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=changes]")
    assert f"{name} → {name}某" in text_of(page, "[data-testid=changes]")
    assert "须在案件页办理（开工/竣工等）" in text_of(page, "main")
    assert no_overflow(page)
    page.screenshot(path=str(screenshot_dir / "monitoring-return-preview-390.png"), full_page=True)

    history = openpyxl.Workbook()
    rows = history.active
    assert rows is not None
    rows.append(["户主姓名", "身份证号码", "地址", "改造年度", "改造方式", "补助金额", "竣工日期"])
    for n in range(3):
        rows.append(
            [
                f"历史户{n}",
                make_id(80 + n),
                "屯留区渔泽镇北渔泽村",
                2019 + n % 2,
                "修缮加固",
                15000,
                f"{2019 + n % 2}-12-01",
            ]
        )
    out = io.BytesIO()
    history.save(out)
    record = history_import_preview(acting_user=county, data=out.getvalue(), filename="国家系统导出.xlsx")
    history_import_commit(acting_user=county, history_import=record)
    year = 2019
    page.goto(f"{live_server.url}/households/history/records/?year={year}")
    expected = RenovationHistory.objects.filter(year=year, region_code__startswith="140405").count()
    assert expected and page.locator("[data-testid=history-table] tbody tr").count() == min(expected, 25)
    assert str(year) in text_of(page, "[data-testid=history-table]")
    assert no_overflow(page)
    page.screenshot(path=str(screenshot_dir / "history-records-390.png"), full_page=True)
    page.close()
