"""The printable archive: a cover, the information sheet, the contents (present and missing items
with their pages), one page per image and every page of each uploaded PDF, in the checklist's
order. Set ANJU_KEEP_PDF=/some/dir to keep the file for a look."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from anju.archives import services
from anju.archives.pdf import archive_pdf
from anju.archives.tests.conftest import jpeg_file, pdf_file, png_file
from anju.audit.models import AuditEvent
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.households.services import member_add

pytestmark = pytest.mark.django_db


def _text(reader: PdfReader, index: int) -> str:
    return re.sub(r"\s+", "", reader.pages[index].extract_text() or "")


@pytest.fixture
def printed(filed: RenovationCase, officers: Officers) -> tuple[RenovationCase, PdfReader]:
    township = officers["township"]
    household = filed.household
    member_add(acting_user=township, household=household, name="乙", id_number="140405199001011234", relation="spouse")
    services.document_upload(acting_user=township, case=filed, code="id_register", upload=png_file(1))
    # A tall portrait scan and a wide photo: both must fit the page.
    services.document_upload(
        acting_user=township, case=filed, code="photos_before", upload=jpeg_file(2, "before.jpg", size=(600, 2000))
    )
    services.document_upload(
        acting_user=township, case=filed, code="photos_before", upload=jpeg_file(3, "before2.jpg", size=(2000, 600))
    )
    services.document_upload(acting_user=township, case=filed, code="agreement", upload=pdf_file(3, label="AGREEMENT"))
    services.document_upload(acting_user=township, case=filed, code="pledge", upload=pdf_file(1, label="PLEDGE"))
    content = archive_pdf(filed)
    if os.environ.get("ANJU_KEEP_PDF"):
        Path(os.environ["ANJU_KEEP_PDF"], "archive.pdf").write_bytes(content)
    return filed, PdfReader(io.BytesIO(content))


def test_the_archive_has_a_cover_the_sheet_the_contents_and_every_page_of_every_document(
    printed: tuple[RenovationCase, PdfReader],
) -> None:
    case, reader = printed
    # cover, information sheet, contents, 3 images, 3 + 1 uploaded PDF pages
    assert len(reader.pages) == 3 + 3 + 4
    assert case.archive_no.replace(" ", "") in _text(reader, 0)
    sheet = _text(reader, 1)
    assert "农户基本信息表" in sheet and "1404**********1234" in sheet and "140405199001011234" not in sheet
    assert "拆除重建" in sheet
    contents = _text(reader, 2)
    assert "档案目录" in contents and "缺少：" in contents and "改造后照片" in contents
    # Checklist order: 身份证 (image, p4), 协议 (PDF after it, p5–7), 改造前照片 (p8–9), 承诺书 (p10).
    assert "身份证及户口簿复印件" in _text(reader, 3)
    assert [_text(reader, i) for i in (4, 5, 6)] == ["AGREEMENTPAGE1", "AGREEMENTPAGE2", "AGREEMENTPAGE3"]
    assert "改造前照片（第1/2份）" in _text(reader, 7) and "改造前照片（第2/2份）" in _text(reader, 8)
    assert _text(reader, 9) == "PLEDGEPAGE1"
    assert "第8/10页" in _text(reader, 7)  # our footers count the uploaded pages too


def test_the_contents_give_each_item_its_page(printed: tuple[RenovationCase, PdfReader]) -> None:
    _case, reader = printed
    contents = _text(reader, 2)
    assert re.search(r"改造协议1[0-9]*3齐全5", contents), contents
    assert re.search(r"改造前照片22齐全8", contents), contents


def test_the_page_serves_the_pdf_and_logs_the_print(client: Client, filed: RenovationCase, officers: Officers) -> None:
    services.document_upload(acting_user=officers["clerk"], case=filed, code="agreement", upload=pdf_file(2))
    client.force_login(officers["county"])
    response = client.get(reverse("archives:pdf", args=[filed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3 + 2
    assert AuditEvent.objects.filter(action="export", object_type="cases.renovationcase").exists()


def test_a_photo_prints_as_uploaded_and_a_sideways_phone_photo_is_turned_upright(
    filed: RenovationCase, officers: Officers
) -> None:
    township = officers["township"]
    plain = jpeg_file(11, "plain.jpg", size=(300, 200))
    sent = plain.read()
    services.document_upload(acting_user=township, case=filed, code="photos_before", upload=plain)
    picture = Image.new("RGB", (300, 200), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: shown rotated 90°
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    services.document_upload(
        acting_user=township,
        case=filed,
        code="photos_after",
        upload=SimpleUploadedFile("sideways.jpg", out.getvalue(), content_type="image/jpeg"),
    )
    reader = PdfReader(io.BytesIO(archive_pdf(filed)))
    before, after = reader.pages[3].images[0], reader.pages[4].images[0]
    assert before.data == sent  # the JPEG is embedded as it was uploaded, not recompressed
    assert after.image is not None and after.image.size == (200, 300)  # upright: portrait
