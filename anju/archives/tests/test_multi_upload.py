"""Several files into one archive item at once (issue 17): each is checked by its content and
size, all are filed or none, every refused file is named in Chinese, one audit row per document;
the page's file input takes several files and the API has the same batch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.archives import services
from anju.archives.files import MAX_BYTES
from anju.archives.models import ArchiveDocument
from anju.archives.tests.conftest import jpeg_file, pdf_file, png_file
from anju.audit.models import AuditEvent
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db


def not_a_pdf(name: str = "协议.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text", content_type="application/pdf")


def too_big(name: str = "大图.jpg") -> SimpleUploadedFile:
    upload = jpeg_file(9, name)
    upload.size = MAX_BYTES + 1
    return upload


def test_a_good_batch_files_every_file_with_one_audit_row_each(filed: RenovationCase, officers: Officers) -> None:
    uploads = [jpeg_file(1, "东墙.jpg"), jpeg_file(2, "西墙.jpg"), pdf_file(3, "施工日志.pdf")]
    documents = services.documents_upload(
        acting_user=officers["township"], case=filed, code="photos_during", uploads=uploads
    )
    assert [d.original_name for d in documents] == ["东墙.jpg", "西墙.jpg", "施工日志.pdf"]
    assert [d.pages for d in documents] == [1, 1, 3]
    assert ArchiveDocument.objects.current().filter(case=filed, code="photos_during").count() == 3
    assert AuditEvent.objects.filter(object_type="archives.archivedocument", action="create").count() == 3


def test_one_bad_file_refuses_the_batch_and_names_each_refused_file(filed: RenovationCase, officers: Officers) -> None:
    uploads = [jpeg_file(1, "东墙.jpg"), not_a_pdf("协议.pdf"), too_big("大图.jpg"), jpeg_file(1, "东墙副本.jpg")]
    with pytest.raises(ValidationError) as refused:
        services.documents_upload(acting_user=officers["township"], case=filed, code="photos_during", uploads=uploads)
    messages = refused.value.messages
    assert messages[0].startswith("所选 4 个文件中有 3 处问题，本次未上传任何文件")
    assert any(m.startswith("「协议.pdf」不是 PDF 文件") for m in messages)
    assert any(m.startswith("「大图.jpg」过大") for m in messages)
    assert "「东墙副本.jpg」与「东墙.jpg」是同一个文件，只需上传一份。" in messages
    assert not any("「东墙.jpg」" in m and not m.startswith("「东墙副本") for m in messages[1:])
    assert not ArchiveDocument.objects.exists()
    assert not AuditEvent.objects.filter(object_type="archives.archivedocument", action="create").exists()


def test_a_file_already_in_the_archive_refuses_the_batch(filed: RenovationCase, officers: Officers) -> None:
    services.document_upload(acting_user=officers["township"], case=filed, code="agreement", upload=png_file(5))
    with pytest.raises(ValidationError, match=r"「再传\.png」：同一文件已归档在「改造协议」下"):
        services.documents_upload(
            acting_user=officers["township"],
            case=filed,
            code="photos_after",
            uploads=[png_file(6, "新.png"), png_file(5, "再传.png")],
        )
    assert ArchiveDocument.objects.count() == 1


def test_the_page_takes_several_files_and_lists_the_refusals_beside_the_item(
    client: Client, filed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    page = client.get(reverse("archives:case_archive", args=[filed.pk])).content.decode()
    assert 'name="file" multiple' in page
    url = reverse("archives:upload", args=[filed.pk])
    refused = client.post(url, {"code": "photos_after", "file": [jpeg_file(1, "a.jpg"), not_a_pdf("b.pdf")]})
    item = refused.content.decode().split('id="item-photos_after"')[1].split('id="item-')[0]
    assert "本次未上传任何文件" in item and "<li>「b.pdf」不是 PDF 文件" in item
    assert not ArchiveDocument.objects.exists()
    done = client.post(
        url, {"code": "photos_after", "file": [jpeg_file(1, "a.jpg"), jpeg_file(2, "b.jpg")]}, follow=True
    )
    assert "已归档「改造后照片」2 个文件：a.jpg、b.jpg。" in done.content.decode()
    assert ArchiveDocument.objects.filter(code="photos_after").count() == 2


def test_the_api_batch_files_all_or_answers_400_naming_the_file(filed: RenovationCase, officers: Officers) -> None:
    client = APIClient()
    client.force_authenticate(officers["township"])
    url = reverse("api:archivedocument-batch")
    bad = client.post(
        url, {"case": filed.pk, "code": "photos_before", "file": [jpeg_file(1), not_a_pdf("x.pdf")]}, format="multipart"
    )
    assert bad.status_code == 400
    assert any(m.startswith("「x.pdf」不是 PDF 文件") for m in bad.json()["file"])
    assert not ArchiveDocument.objects.exists()
    good = client.post(
        url,
        {"case": filed.pk, "code": "photos_before", "file": [jpeg_file(1, "1.jpg"), jpeg_file(2, "2.jpg")]},
        format="multipart",
    )
    assert good.status_code == 201, good.json()
    assert [d["original_name"] for d in good.json()] == ["1.jpg", "2.jpg"]
    assert all(d["generated"] is False for d in good.json())
