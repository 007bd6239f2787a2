"""Region import: all-or-nothing, a clear error per row, re-import changes nothing."""

import io

import pytest
from openpyxl import Workbook

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.regions.models import Region
from anju.regions.services import RegionImportError, RegionImportResult, region_import

GOOD = """code,name,parent
140000000000,山西省,
140400000000,长治市,140000000000
140405000000,屯留区,140400000000
140405102000,渔泽镇,140405000000
140405102201,北渔泽村委会,140405102000
"""


def _import(text: str | bytes, user: User, filename: str = "regions.csv") -> RegionImportResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return region_import(data=data, filename=filename, acting_user=user)


@pytest.fixture
def operator_only(db: None) -> User:
    return User.objects.create_user(username="op", password="x", is_superuser=True)


def test_it_imports_a_tree_and_audits_each_new_region(operator_only: User) -> None:
    result = _import(GOOD, operator_only)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    village = Region.objects.get(code="140405102201")
    assert village.parent is not None and village.parent.name == "渔泽镇"
    assert village.full_name() == "屯留区渔泽镇北渔泽村委会"
    assert AuditEvent.objects.filter(object_type="regions.region", action="create").count() == 5


def test_reimporting_the_same_file_changes_nothing(operator_only: User) -> None:
    _import(GOOD, operator_only)
    before = AuditEvent.objects.exclude(action="import").count()
    result = _import(GOOD, operator_only)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert AuditEvent.objects.exclude(action="import").count() == before
    # Each attempt leaves one summary row.
    assert list(AuditEvent.objects.filter(action="import").values_list("note", flat=True)) == [
        "共 5 行，新增 0，更新 0，未变 5",
        "共 5 行，新增 5，更新 0，未变 0",
    ]


def test_a_changed_name_is_an_audited_update(operator_only: User) -> None:
    _import(GOOD, operator_only)
    result = _import(GOOD.replace("北渔泽村委会", "北渔泽村"), operator_only)
    assert result.updated == 1
    event = AuditEvent.objects.filter(action="update").get()
    assert event.changes == {"name": {"before": "北渔泽村委会", "after": "北渔泽村"}}


def test_one_bad_row_writes_nothing_and_names_every_bad_row(operator_only: User) -> None:
    bad = (
        GOOD
        + "14040510220,短代码,\n140405102201,重复村,140405102000\n140405103201,孤儿村,\n140405102202,上级不符,140405103000\n140405102203,,\n"
    )
    with pytest.raises(RegionImportError) as caught:
        _import(bad, operator_only)
    errors = {e.row: str(e) for e in caught.value.result.errors}
    assert "应为 12 位" in errors[7]
    assert "重复（与第 6 行相同）" in errors[8]
    assert "上级区划 140405103000 既不在文件中，也不在系统中" in errors[9]
    assert "上级应为 140405102000" in errors[10]
    assert "名称不能为空" in errors[11]
    assert Region.objects.count() == 0
    # Nothing written but the record of the failed attempt.
    failed = AuditEvent.objects.get()
    assert failed.action == "import" and failed.note.startswith("导入失败，未写入任何数据：5 处错误")


def test_it_refuses_codes_outside_the_importers_region(tl_admin: User) -> None:
    text = "code,name\n500243202202,别处的村\n140405102203,本区新村\n"
    with pytest.raises(RegionImportError) as caught:
        _import(text, tl_admin)
    assert [e.message for e in caught.value.result.errors] == ["500243202202 不在您的管辖范围内"]
    assert not Region.objects.filter(code="140405102203").exists()


def test_it_reads_gbk_csv_with_title_rows_and_fullwidth_digits(operator_only: User) -> None:
    text = "屯留区区划表（2023）\n\n区划代码,名称\n１４００００００００００,山西省\n140400000000,长治市\n"
    result = _import(text.encode("gbk"), operator_only)
    assert result.created == 2
    assert Region.objects.get(code="140000000000").name == "山西省"


def test_it_reads_xlsx_with_numeric_codes(operator_only: User) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["代码", "名称", "上级代码"])
    ws.append([140000000000, "山西省", None])
    ws.append([140400000000, "长治市", 140000000000])
    buf = io.BytesIO()
    wb.save(buf)
    result = _import(buf.getvalue(), operator_only, "regions.xlsx")
    assert result.created == 2


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "文件为空"),
        (b"foo,bar\n1,2\n", "wrong.csv", "找不到表头"),
        (b"PK\x03\x04garbage", "broken.xlsx", "无法读取该 Excel 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "locked.xlsx", "密码保护"),
        (b"\xff\xfe\x00\x00\x81\x30\xff\xff\xfe", "binary.csv", "无法识别文件编码"),
    ],
)
def test_malformed_files_get_a_clear_error_and_write_nothing(
    operator_only: User, data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(RegionImportError) as caught:
        _import(data, operator_only, filename)
    assert message in caught.value.result.errors[0].message
    assert Region.objects.count() == 0
