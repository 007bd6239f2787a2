"""The archive API: uploads (multipart) and withdrawals through the same services as the pages,
joint reviews; a refusal is a 400 with the service's Chinese message and writes nothing; the
wrong role is a 403; another region's case or document is a 404."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.archives import services
from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.archives.tests.conftest import Liaisons, fill, pdf_bytes, png_file
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db

DOCUMENTS = reverse("api:archivedocument-list")
REVIEWS = reverse("api:archivereview-list")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_uploads_a_pdf_and_lists_it_for_the_case(filed: RenovationCase, officers: Officers) -> None:
    client = client_for(officers["township"])
    data = pdf_bytes(2)
    response = client.post(
        DOCUMENTS,
        {"case": filed.pk, "code": "agreement", "file": SimpleUploadedFile("协议.pdf", data, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code_name"] == "改造协议" and body["pages"] == 2 and body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["url"].endswith(f"/files/archive-document/{body['id']}/")
    listed = client.get(DOCUMENTS, {"case": filed.pk}).json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    assert client.get(body["url"]).status_code == 200


def test_a_bad_file_is_a_400_in_chinese_and_nothing_is_stored(filed: RenovationCase, officers: Officers) -> None:
    client = client_for(officers["township"])
    response = client.post(
        DOCUMENTS,
        {"case": filed.pk, "code": "agreement", "file": SimpleUploadedFile("a.pdf", b"hello", "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "「a.pdf」不是 PDF 文件" in response.json()["non_field_errors"][0]
    unknown = client.post(DOCUMENTS, {"case": filed.pk, "code": "nope", "file": png_file(1)}, format="multipart")
    assert unknown.status_code == 400 and "本户档案没有「nope」这一项" in unknown.json()["code"][0]
    assert not ArchiveDocument.objects.exists()


def test_another_region_sees_nothing_and_cannot_upload_or_withdraw(
    filed: RenovationCase, officers: Officers, cq_county: User
) -> None:
    document = services.document_upload(acting_user=officers["clerk"], case=filed, code="pledge", upload=png_file(1))
    client = client_for(cq_county)
    assert client.get(DOCUMENTS).json()["count"] == 0
    assert client.get(reverse("api:archivedocument-detail", args=[document.pk])).status_code == 404
    upload = client.post(DOCUMENTS, {"case": filed.pk, "code": "pledge", "file": png_file(2)}, format="multipart")
    assert upload.status_code == 404
    withdraw = client.post(reverse("api:archivedocument-withdraw", args=[document.pk]), {"reason": "x"})
    assert withdraw.status_code == 404
    assert client.get(document.view_url).status_code == 404
    assert ArchiveDocument.objects.current().count() == 1


def test_a_document_is_withdrawn_with_a_reason(filed: RenovationCase, officers: Officers) -> None:
    document = services.document_upload(acting_user=officers["clerk"], case=filed, code="pledge", upload=png_file(1))
    client = client_for(officers["county"])
    url = reverse("api:archivedocument-withdraw", args=[document.pk])
    assert client.post(url, {"reason": ""}).json() == {"reason": ["请说明撤回原因（如：放错类别、扫描不清）。"]}
    response = client.post(url, {"reason": "扫描不清"})
    assert response.status_code == 200 and response.json()["withdraw_reason"] == "扫描不清"
    assert client.get(DOCUMENTS, {"case": str(filed.pk), "withdrawn": "false"}).json()["count"] == 0


def test_reviews_are_recorded_by_the_liaisons_only(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    body = {"case": filed.pk, "agreed": True, "reviewed_on": "2026-11-20"}
    assert client_for(officers["county"]).post(REVIEWS, body).status_code == 403
    incomplete = client_for(liaisons["civil"]).post(REVIEWS, body)
    assert incomplete.status_code == 400
    assert "档案尚不完整，不能审定同意。缺少：" in incomplete.json()["non_field_errors"][0]
    fill(filed, officers["township"])
    response = client_for(liaisons["civil"]).post(REVIEWS, body | {"opinion": "同意"})
    assert response.status_code == 201, response.json()
    assert response.json()["role_label"] == "民政部门" and response.json()["standing"] is True
    listed = client_for(officers["county"]).get(REVIEWS, {"case": filed.pk}).json()
    assert listed["count"] == 1
    assert ArchiveReview.objects.get().reviewer == liaisons["civil"]
