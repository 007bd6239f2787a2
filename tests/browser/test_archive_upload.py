"""A township officer opens a filed case's archive: the 鉴定表 is already there, 系统生成, with no
撤回 button; several photos go into one item in one upload, a bad file among them refuses the
batch with each refused file named. Screenshots: test-artifacts/screenshots/archive-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, expect
from pytest_django.live_server_helper import LiveServer

from anju.appraisals.services import ensure_national_template
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.archives.models import ArchiveDocument
from anju.archives.tests.conftest import filed, image_bytes  # noqa: F401
from anju.cases.models import RenovationCase
from anju.cases.services import ensure_national_policy
from anju.cases.tests.conftest import Officers, case, covered_home, officers, tl_head  # noqa: F401
from anju.eligibility.services import ensure_national_rule_set
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _configuration() -> None:
    ensure_national_template()  # a transactional test flushes what the migrations made
    ensure_national_rule_set()
    ensure_national_policy()


def test_the_archive_shows_the_generated_form_and_takes_several_photos(
    browser: Browser,
    live_server: LiveServer,
    filed: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    assert ArchiveDocument.objects.filter(case=filed, code="appraisal_form").exclude(source="").exists()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officers["township"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/archives/cases/{filed.pk}/")
    form_item = page.locator("#item-appraisal_form")
    expect(form_item.locator("[data-testid=generated]")).to_have_text("系统生成")
    expect(form_item.locator("button:has-text('撤回')")).to_have_count(0)
    expect(page.locator("[data-testid=archive-count]")).to_have_text("1/14")

    item = page.locator("#item-photos_before")
    expect(item.locator(".file-pick-button")).to_have_text("选择文件（可多选）")
    jpeg = "image/jpeg"
    item.locator("input[type=file]").set_input_files(
        [
            FilePayload(name="东侧.jpg", mimeType=jpeg, buffer=image_bytes(1)),
            FilePayload(name="说明.pdf", mimeType="application/pdf", buffer=b"not a pdf"),
            FilePayload(name="西侧.jpg", mimeType=jpeg, buffer=image_bytes(2)),
        ]
    )
    expect(item.locator(".file-pick-status")).to_have_text("已选 3 个文件：东侧.jpg、说明.pdf、西侧.jpg")
    item.locator("button:has-text('上传')").click()
    error = page.locator("#item-photos_before [data-testid=upload-error]")
    expect(error).to_contain_text("所选 3 个文件中有 1 处问题，本次未上传任何文件")
    expect(error.locator("li")).to_have_text(
        ["「说明.pdf」不是 PDF 文件（文件内容不是 PDF），请上传扫描件的 PDF 或照片。"]
    )
    page.screenshot(path=str(screenshot_dir / "archive-batch-refused.png"), full_page=True)
    assert not ArchiveDocument.objects.filter(case=filed, code="photos_before").exists()

    item = page.locator("#item-photos_before")
    item.locator("input[type=file]").set_input_files(
        [
            FilePayload(name="东侧.jpg", mimeType=jpeg, buffer=image_bytes(1)),
            FilePayload(name="西侧.jpg", mimeType=jpeg, buffer=image_bytes(2)),
        ]
    )
    item.locator("button:has-text('上传')").click()
    expect(page.locator("main")).to_contain_text("已归档「改造前照片」2 个文件：东侧.jpg、西侧.jpg。")
    expect(page.locator("[data-testid=archive-count]")).to_have_text("2/14")
    page.screenshot(path=str(screenshot_dir / "archive-generated-and-batch.png"), full_page=True)
    context.close()
