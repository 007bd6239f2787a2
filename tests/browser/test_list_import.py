"""A civil-affairs liaison uploads a messy 低保 list, reads the preview and commits it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from anju.demo.data import DEMO_PASSWORD
from anju.households.models import Household, ListImport, ListImportStatus
from anju.households.tests.corpus import bad_checksum, dibao_list_xlsx_merged_header, make_id
from tests.browser.conftest import load_demo, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo("households")  # what this test needs


def test_upload_preview_and_commit_a_department_list(
    browser: Browser, live_server: LiveServer, demo: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    general = Household.objects.filter(region_code="140405102201", primary_group="").order_by("pk").first()
    assert general is not None
    data, name = dibao_list_xlsx_merged_header(
        [
            (general.head_name, general.head_id_number, "北渔泽村委会", "1组", "2023-03-01"),
            ("新认定户", make_id(901, birth="19480505"), "北渔泽村", "2组", "2023年3月5日"),
            ("号码有误", bad_checksum(make_id(902)), "北渔泽村委会", "3组", "2023-03-05"),
        ]
    )
    upload = tmp_path / name
    upload.write_bytes(data)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tl_civil")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/households/imports/new/")
    page.select_option("select[name=group]", "dibao")
    page.fill("input[name=list_date]", "2023-03-31")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("#job-status[data-status=succeeded]", timeout=20000)
    page.click("[data-testid=to-import]")
    assert page.text_content("[data-testid=count-new]") == "1"
    assert page.text_content("[data-testid=count-added]") == "1"
    assert page.text_content("[data-testid=count-invalid]") == "1"
    assert "校验位错误" in text_of(page, "[data-testid=invalid-rows]")
    page.screenshot(path=str(screenshot_dir / "list-import-preview.png"), full_page=True)
    assert not Household.objects.filter(head_name="新认定户").exists()  # nothing written yet

    page.click("[data-testid=commit]")
    page.wait_for_selector("#job-status[data-status=succeeded]", timeout=20000)
    page.click("[data-testid=to-import]")
    assert "已导入" in page.content()
    page.screenshot(path=str(screenshot_dir / "list-import-committed.png"), full_page=True)
    assert Household.objects.get(head_name="新认定户").primary_group == "dibao"
    general.refresh_from_db()
    assert general.primary_group == "dibao"
    assert ListImport.objects.get(original_name=name).status == ListImportStatus.COMMITTED
    page.close()
