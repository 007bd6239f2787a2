"""The archive pages: the checklist shows what is missing in red and takes uploads per item, a
refused upload is explained beside its item, another region's archive and files are a 404, the
list counts and filters, and the case page's panel shows the state and the right buttons."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.archives import selectors, services
from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.archives.tests.conftest import Liaisons, fill, jpeg_file, pdf_file, png_file
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db


def test_the_checklist_shows_the_archive_number_and_marks_missing_items(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    services.document_upload(acting_user=officers["township"], case=filed, code="agreement", upload=pdf_file(2))
    client.force_login(officers["clerk"])
    response = client.get(reverse("archives:case_archive", args=[filed.pk]))
    page = response.content.decode()
    assert filed.archive_no in page and "渔泽镇危改字[" in filed.archive_no
    assert "1/14" in page
    assert page.count('data-testid="missing"') == 13
    assert "agreement.pdf" in page and "PDF 2 页" in page
    assert 'accept="image/*,application/pdf"' in page
    assert "撤回" not in page.split("agreement.pdf")[1].split("</li>")[0]  # a clerk did not upload it
    document = ArchiveDocument.objects.get()
    assert document.view_url in page


def test_an_officer_uploads_from_the_checklist_and_sees_it_filed(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    url = reverse("archives:upload", args=[filed.pk])
    response = client.post(url, {"code": "photos_after", "file": jpeg_file(4, "新房.jpg")}, follow=True)
    page = response.content.decode()
    assert "已归档「改造后照片」：新房.jpg。" in page
    assert ArchiveDocument.objects.get().code == "photos_after"
    assert "撤回" in page  # an officer may take it out again


def test_a_refused_upload_is_explained_beside_its_item_and_nothing_is_stored(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    fake = SimpleUploadedFile("协议.pdf", b"just some text", content_type="application/pdf")
    response = client.post(reverse("archives:upload", args=[filed.pk]), {"code": "agreement", "file": fake})
    assert response.status_code == 200
    page = response.content.decode()
    item = page.split('id="item-agreement"')[1].split('id="item-')[0]
    assert "「协议.pdf」不是 PDF 文件（文件内容不是 PDF）" in item
    assert not ArchiveDocument.objects.exists()
    missing = client.post(reverse("archives:upload", args=[filed.pk]), {"code": "agreement"})
    assert "请选择要上传的文件。" in missing.content.decode()


def test_an_officer_withdraws_a_document_with_a_reason(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    document = services.document_upload(
        acting_user=officers["clerk"], case=filed, code="photos_before", upload=png_file(1)
    )
    client.force_login(officers["township"])
    url = reverse("archives:withdraw", args=[document.pk])
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "请说明撤回原因" in refused.content.decode()
    response = client.post(url, {"reason": "放错类别"}, follow=True)
    page = response.content.decode()
    assert "已撤回「改造前照片」中的 scan.png（保留记录）。" in page
    assert "已撤回的材料及旧版本（1）" in page and "放错类别" in page


def test_a_liaison_reviews_from_the_page_and_a_refusal_is_shown_on_the_form(
    client: Client, filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    client.force_login(liaisons["civil"])
    url = reverse("archives:review", args=[filed.pk])
    response = client.post(url, {"agreed": "1", "opinion": "", "on": "2026-11-20"})
    assert response.status_code == 200
    assert "档案尚不完整，不能审定同意。缺少：身份证及户口簿复印件" in response.content.decode()
    fill(filed, officers["township"])
    done = client.post(url, {"agreed": "1", "opinion": "齐全", "on": "2026-11-20"}, follow=True)
    assert "已记录共同审定：民政部门同意（2026-11-20）。" in done.content.decode()
    assert ArchiveReview.objects.standing().get().role == "civil_affairs"


def test_another_regions_archive_and_files_are_not_found(
    client: Client, filed: RenovationCase, officers: Officers, cq_county: User
) -> None:
    document = services.document_upload(acting_user=officers["clerk"], case=filed, code="pledge", upload=png_file(1))
    client.force_login(cq_county)
    for url in (
        reverse("archives:case_archive", args=[filed.pk]),
        reverse("archives:pdf", args=[filed.pk]),
        document.view_url,
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("archives:upload", args=[filed.pk]), {"code": "pledge", "file": png_file(2)}),
        (reverse("archives:withdraw", args=[document.pk]), {"reason": "x"}),
        (reverse("archives:review", args=[filed.pk]), {"agreed": "0", "opinion": "x", "on": "2026-11-20"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert ArchiveDocument.objects.count() == 1


def test_the_file_opens_for_its_own_region_with_its_type(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    document = services.document_upload(acting_user=officers["clerk"], case=filed, code="agreement", upload=pdf_file(1))
    client.force_login(officers["county"])
    response = client.get(document.view_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF-")


def test_the_list_counts_filters_and_pages_without_a_query_per_row(
    client: Client,
    filed: RenovationCase,
    officers: Officers,
    liaisons: Liaisons,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    fill(filed, officers["township"], skip=("pledge",))
    client.force_login(officers["county"])
    url = reverse("archives:archive_list")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert filed.archive_no in page and "13/14" in page
    assert filed.archive_no in client.get(url, {"status": "incomplete"}).content.decode()
    assert filed.archive_no not in client.get(url, {"status": "complete"}).content.decode()
    services.document_upload(acting_user=officers["township"], case=filed, code="pledge", upload=png_file(1))
    assert filed.archive_no in client.get(url, {"status": "complete"}).content.decode()
    assert filed.filed_on is not None
    services.archive_review(acting_user=liaisons["civil"], case=filed, agreed=True, opinion="", on=filed.filed_on)
    assert filed.archive_no in client.get(url, {"status": "unreviewed"}).content.decode()
    services.archive_review(acting_user=liaisons["rural"], case=filed, agreed=True, opinion="", on=filed.filed_on)
    assert filed.archive_no not in client.get(url, {"status": "unreviewed"}).content.decode()
    assert filed.archive_no in client.get(url, {"status": "reviewed", "q": "甲"}).content.decode()


def test_the_list_is_empty_for_another_region(client: Client, filed: RenovationCase, cq_county: User) -> None:
    client.force_login(cq_county)
    for status in ("", "incomplete", "complete", "unreviewed"):
        response = client.get(reverse("archives:archive_list"), {"status": status})
        assert response.status_code == 200 and "没有符合条件的档案。" in response.content.decode()


def test_the_case_panel_shows_counts_missing_items_and_the_users_buttons(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    fill(filed, officers["township"], skip=("acceptance_form",))
    panel = selectors.case_panel(case=filed, user=officers["clerk"])
    assert (panel["present"], panel["required"], panel["missing"]) == (13, 14, ["竣工验收表"])
    assert panel["may_upload"] and not panel["may_review"]
    html = render_to_string("archives/_case_panel.html", {"archives_panel": panel})
    assert filed.archive_no in html and "材料 13/14" in html and "竣工验收表" in html and "查看与上传材料" in html
    liaison_panel = selectors.case_panel(case=filed, user=liaisons["rural"])
    assert liaison_panel["may_review"] and not liaison_panel["may_upload"]
    assert "查看档案" in render_to_string("archives/_case_panel.html", {"archives_panel": liaison_panel})
