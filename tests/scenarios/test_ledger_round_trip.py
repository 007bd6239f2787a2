"""Ledgers that come back (issue 20 item 2, ADR 0040): the 疑似危房台账 goes out as xlsx, an
officer corrects who lives in the house in Excel (openpyxl here) or LibreOffice, uploads it, sees
each changed and each refused cell, and commits; the house then reads as corrected, through the
same service the house page calls, audited. Bad files are refused whole or cell by cell and
nothing is half-written."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.audit.models import AuditEvent
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import case, covered_home, officers, tl_head  # noqa: F401
from anju.households.models import House
from anju.households.services import house_create, house_update, household_create
from anju.inspections.services import inspection_record
from anju.inspections.tests.conftest import make_id
from anju.ledgers.models import LedgerReturn, ReturnStatus
from anju.ledgers.services import LedgerFile, ledger_export, ledger_return_commit, ledger_return_preview
from anju.ledgers.tests.conftest import GeneralHome, general_home  # noqa: F401
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

FIRST = 4  # the first data row in Excel's numbering (title, region line, header above)
OCCUPIED, OCCUPANTS, ELDERLY, NAME, GRADE = "是否住人", "居住人数", "其中老人", "户主姓名", "初判等级"


@pytest.fixture
def second_house(
    tl_clerk: User, regions: dict[str, Region], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> House:
    """北渔泽村 丙: a second suspected-C house, three living in it."""
    with django_capture_on_commit_callbacks(execute=True):
        household = household_create(
            acting_user=tl_clerk, region=regions["140405102201"], head_name="丙", head_id_number=make_id(13)
        )
        house = house_create(
            acting_user=tl_clerk, household=household, structure="brick_wood", build_year=1990, seismic_intensity=7
        )
        inspection_record(
            acting_user=tl_clerk, house=house, suspected_grade="C", is_occupied=True, occupant_ages="40, 38, 12",
            inspected_at=datetime.datetime(2026, 4, 5, 10, 0, tzinfo=datetime.UTC),
        )  # fmt: skip
    house.refresh_from_db()
    return house


def export(user: User) -> bytes:
    result = ledger_export(acting_user=user, key="suspected", fmt="xlsx", year=2026)
    assert isinstance(result, LedgerFile)
    return result.content


def edit(content: bytes, change: Any) -> bytes:
    """Open the file with openpyxl (as Excel would hold it), let ``change`` edit the first
    sheet, save."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(sheet: Any, header: str) -> int:
    return next(c.column for c in sheet[3] if c.value == header)


def row_of(sheet: Any, name: str) -> int:
    at = column(sheet, NAME)
    return next(r for r in range(FIRST, sheet.max_row + 1) if sheet.cell(r, at).value == name)


def set_cell(sheet: Any, name: str, header: str, value: Any) -> None:
    sheet.cell(row_of(sheet, name), column(sheet, header)).value = value


def upload(user: User, content: bytes, name: str = "疑似危房台账.xlsx") -> LedgerReturn:
    return ledger_return_preview(acting_user=user, data=content, filename=name)


def reasons(ret: LedgerReturn) -> dict[tuple[int, str], str]:
    return {(r["row"], r["column"]): r["reason"] for r in ret.preview["refused"]}


def test_an_occupancy_corrected_in_excel_is_previewed_cell_by_cell_and_committed(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
    tl_township: User,
) -> None:
    content = export(tl_county)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(sheet.max_column)].hidden
    returned = edit(content, lambda s: set_cell(s, "丙", OCCUPANTS, 2))
    ret = upload(tl_township, returned)
    assert ret.status == ReturnStatus.PREVIEWED and ret.preview["refused"] == []
    [change] = ret.preview["changes"]
    assert change["cells"] == [{"column": OCCUPANTS, "old": "3", "new": "2"}]
    assert "丙" in change["label"]
    assert House.objects.get(pk=second_house.pk).occupants == 3  # a preview writes nothing

    ledger_return_commit(acting_user=tl_township, ledger_return=ret)
    second_house.refresh_from_db()
    assert second_house.occupants == 2
    assert AuditEvent.objects.filter(
        object_type="households.house", object_id=str(second_house.pk), actor=tl_township
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="ledgers.ledgerreturn", object_id=str(ret.pk), action="update"
    ).exists()
    again = openpyxl.load_workbook(io.BytesIO(export(tl_county))).worksheets[0]
    assert again.cell(row_of(again, "丙"), column(again, OCCUPANTS)).value == 2
    with pytest.raises(ValidationError, match="已写入"):
        ledger_return_commit(acting_user=tl_township, ledger_return=LedgerReturn.objects.get(pk=ret.pk))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is needed: .ci/run installs it")
def test_a_file_saved_by_libreoffice_comes_back_with_only_the_edited_cells(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
    tmp_path: Path,
) -> None:
    edited = edit(export(tl_county), lambda s: set_cell(s, "乙", ELDERLY, 0))
    source = tmp_path / "in" / "疑似危房台账.xlsx"
    source.parent.mkdir()
    source.write_bytes(edited)
    out = tmp_path / "out"
    # LibreOffice opens the file and writes it again with its own xlsx writer (shared strings,
    # its own styles and number formats), as an officer's "save" in Calc would.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = (out / source.name).read_bytes()
    assert saved != edited
    ret = upload(tl_county, saved)
    assert ret.problems == [] and ret.preview["refused"] == [], ret.preview
    assert [c["cells"] for c in ret.preview["changes"]] == [[{"column": ELDERLY, "old": "1", "new": "0"}]]
    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.get(pk=general_home["house"].pk).elderly_occupants == 0


def test_read_only_columns_invalid_values_and_rows_changed_in_anju_are_refused_cell_by_cell(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
) -> None:
    content = export(tl_county)

    def change(sheet: Any) -> None:
        set_cell(sheet, "乙", GRADE, "B 级")  # read-only
        set_cell(sheet, "乙", OCCUPANTS, "两个")  # not a number
        set_cell(sheet, "丙", OCCUPANTS, 1)  # but 丙's house was changed in anju meanwhile
        set_cell(sheet, "丙", OCCUPIED, "否")
        set_cell(sheet, "丙", "身份证号", "140405195603120019")  # read-only, and kept masked

    returned = edit(content, change)
    house_update(acting_user=tl_county, house=second_house, occupants=4)
    ret = upload(tl_county, returned)
    refused = reasons(ret)
    assert len(refused) == 5 and ret.preview["changes"] == []
    sheet = openpyxl.load_workbook(io.BytesIO(returned)).worksheets[0]
    yi, bing = row_of(sheet, "乙"), row_of(sheet, "丙")
    assert "只读列" in refused[(yi, GRADE)]
    assert "整数" in refused[(yi, OCCUPANTS)]
    assert "导出后已在系统中修改（现为「4」）" in refused[(bing, OCCUPANTS)]
    # 否 alone would leave four people in an empty house: the house service refuses it.
    assert "未住人时居住人数应为 0" in refused[(bing, OCCUPIED)]
    assert "只读列" in refused[(bing, "身份证号")]
    assert [r["value"] for r in ret.preview["refused"] if r["column"] == "身份证号"] == ["1404**********0019"]
    with pytest.raises(ValidationError, match="没有可以写入的修改"):
        ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.get(pk=second_house.pk).occupants == 4


def test_an_added_row_is_refused_a_deleted_row_reported_and_the_rest_commits(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
) -> None:
    def change(sheet: Any) -> None:
        yi = row_of(sheet, "乙")
        set_cell(sheet, "丙", OCCUPANTS, 2)
        sheet.delete_rows(yi)
        totals = next(r for r in range(FIRST, sheet.max_row + 1) if str(sheet.cell(r, 1).value).startswith("合计"))
        sheet.insert_rows(totals)
        for index, value in enumerate(["渔泽镇", "北渔泽村委会", "", "丁"], start=1):
            sheet.cell(totals, index).value = value

    ret = upload(tl_county, edit(export(tl_county), change))
    [added] = [r for r in ret.preview["refused"] if r["column"] == "整行"]
    assert "新增的行" in added["reason"] and "丁" in added["value"]
    assert [d["label"] for d in ret.preview["deleted"]] == ["北渔泽村委会 乙"]
    assert ret.counts["changed_cells"] == 1 and ret.counts["deleted_rows"] == 1
    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.filter(pk__in=[second_house.pk, general_home["house"].pk]).count() == 2  # nothing deleted
    assert House.objects.get(pk=second_house.pk).occupants == 2


def test_a_stale_version_a_changed_header_merged_cells_and_a_foreign_file_are_refused_whole(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
) -> None:
    old = export(tl_county)
    fresh = upload(tl_county, edit(export(tl_county), lambda s: set_cell(s, "丙", OCCUPANTS, 2)))
    ledger_return_commit(acting_user=tl_county, ledger_return=fresh)
    stale = upload(tl_county, edit(old, lambda s: set_cell(s, "乙", OCCUPANTS, 1)))
    assert stale.status == ReturnStatus.REFUSED
    assert "请重新导出最新台账后再修改" in stale.problems[0]

    content = export(tl_county)

    def rename(sheet: Any) -> None:
        sheet.cell(3, column(sheet, OCCUPANTS)).value = "人数"

    header = upload(tl_county, edit(content, rename))
    assert "表头被修改" in header.problems[0] and "「居住人数」" in header.problems[0]
    merged = upload(tl_county, edit(content, lambda s: s.merge_cells(f"A{FIRST}:B{FIRST}")))
    assert "合并单元格（A4:B4）" in merged.problems[0]
    book = openpyxl.Workbook()
    book.active.append(["户主姓名", "居住人数"])
    foreign = io.BytesIO()
    book.save(foreign)
    assert "不是安居导出的可回传台账" in upload(tl_county, foreign.getvalue()).problems[0]
    assert ".xlsx" in upload(tl_county, b"a,b\n", "台账.csv").problems[0]
    assert House.objects.get(pk=general_home["house"].pk).occupants == 2
    assert AuditEvent.objects.filter(object_type="ledgers.ledgerreturn", action="import").count() == 6


def test_a_formula_is_refused_and_a_row_changed_after_the_preview_stops_the_whole_commit(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
) -> None:
    def change(sheet: Any) -> None:
        set_cell(sheet, "乙", OCCUPANTS, "=1+2")
        set_cell(sheet, "乙", ELDERLY, 0)
        set_cell(sheet, "丙", OCCUPANTS, 2)

    ret = upload(tl_county, edit(export(tl_county), change))
    assert any("公式" in r["reason"] for r in ret.preview["refused"])
    assert ret.counts["changed_rows"] == 2
    house_update(acting_user=tl_county, house=second_house, occupants=5)
    with pytest.raises(ValidationError, match="预览之后已在系统中修改"):
        ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.get(pk=general_home["house"].pk).elderly_occupants == 1  # nothing half-written
    assert LedgerReturn.objects.get(pk=ret.pk).status == ReturnStatus.PREVIEWED
    assert AuditEvent.objects.filter(object_type="ledgers.ledgerreturn", action="refused").exists()


def test_the_pages_upload_preview_and_commit_a_return_and_another_county_sees_none(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
    make_user: Any,
) -> None:
    client = Client()
    client.force_login(tl_county)
    returned = edit(export(tl_county), lambda s: set_cell(s, "丙", OCCUPANTS, 2))
    response = client.post(
        reverse("ledgers:return_upload"), {"file": _named(returned, "疑似危房台账.xlsx")}, follow=True
    )
    page = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "居住人数" in page and "3 → 2" in page
    ret = LedgerReturn.objects.get()
    response = client.post(reverse("ledgers:return_commit", args=[ret.pk]), follow=True)
    assert "已写入" in response.content.decode()
    assert House.objects.get(pk=second_house.pk).occupants == 2
    outsider = make_user("ps_county", "500243000000", "county_officer")
    client.force_login(outsider)
    assert client.get(reverse("ledgers:return_detail", args=[ret.pk])).status_code == 404


def _named(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_the_api_previews_and_commits_a_return_and_refuses_a_second_commit(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
) -> None:
    client = Client()
    client.force_login(tl_county)
    returned = edit(export(tl_county), lambda s: set_cell(s, "丙", OCCUPANTS, 1))
    answer = client.post("/api/ledger-returns/", {"file": _named(returned, "疑似危房台账.xlsx")})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "previewed" and body["counts"]["changed_cells"] == 1
    assert body["preview"]["changes"][0]["cells"] == [{"column": OCCUPANTS, "old": "3", "new": "1"}]
    assert "fields" not in body["preview"]["changes"][0]  # what the commit applies stays inside
    assert body["acts"] == [{"kind": "commit", "allowed": True, "reason": "", "label": "确认写入"}]
    done = client.post(f"/api/ledger-returns/{body['id']}/commit/")
    assert done.status_code == 200 and done.json()["status"] == "committed"
    assert House.objects.get(pk=second_house.pk).occupants == 1
    again = client.post(f"/api/ledger-returns/{body['id']}/commit/")
    assert again.status_code == 400 and "已写入" in again.content.decode()


def test_the_general_households_ledger_comes_back_too_and_the_plan_does_not(
    general_home: GeneralHome,  # noqa: F811
    tl_county: User,
) -> None:
    result = ledger_export(acting_user=tl_county, key="general", fmt="xlsx", year=2026)
    assert isinstance(result, LedgerFile)
    ret = upload(tl_county, edit(result.content, lambda s: set_cell(s, "乙", OCCUPANTS, 1)), "一般户台账.xlsx")
    assert [c["cells"] for c in ret.preview["changes"]] == [[{"column": OCCUPANTS, "old": "2", "new": "1"}]]
    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.get(pk=general_home["house"].pk).occupants == 1


WHERE = {
    "village_clerk": "140405102201", "village_head": "140405102201", "township_officer": "140405102000",
    "appraiser": "140405000000", "county_officer": "140405000000", "civil_affairs": "140405000000",
    "rural_revitalization": "140405000000", "city_officer": "140400000000", "province_officer": "140000000000",
    "admin": "140405000000",
}  # fmt: skip
MAY_RETURN = {"village_clerk", "township_officer", "county_officer"}


def test_who_may_send_a_ledger_back_and_commit_it_walks_every_role_and_state(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
    make_user: Any,
) -> None:
    from anju.ledgers.acts import ReturnAct, act_refusal

    ret = upload(tl_county, edit(export(tl_county), lambda s: set_cell(s, "丙", OCCUPANTS, 2)))
    for role, code in WHERE.items():
        user = make_user(f"walk_{role}", code, role)
        upload_reason = act_refusal(None, user, ReturnAct.UPLOAD)
        commit_reason = act_refusal(ret, user, ReturnAct.COMMIT)
        if role == "county_officer":
            assert upload_reason == "" and commit_reason == "", role
        elif role in MAY_RETURN:  # the county's file is committed in the county
            assert upload_reason == "" and "不在您的管辖范围内" in commit_reason, role
        else:
            assert "只有村、乡镇和区/县住建部门的经办人员才能回传台账" in upload_reason, role
            assert commit_reason == upload_reason, role
    outsider = make_user("walk_ps", "500243000000", "county_officer")
    assert "不在您的管辖范围内" in act_refusal(ret, outsider, ReturnAct.COMMIT)
    refused = upload(tl_county, b"x", "x.csv")
    assert "已被拒收" in act_refusal(refused, tl_county, ReturnAct.COMMIT)
    nothing = upload(tl_county, export(tl_county))
    assert "没有可以写入的修改" in act_refusal(nothing, tl_county, ReturnAct.COMMIT)
    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert "已写入" in act_refusal(LedgerReturn.objects.get(pk=ret.pk), tl_county, ReturnAct.COMMIT)


def test_a_monitoring_ledger_comes_back_its_name_accepted_and_a_start_date_sent_to_the_case_page(
    case: RenovationCase,  # noqa: F811
    tl_county: User,
) -> None:
    """动态监测台账: rows are cases; the head's name goes through the household page's service,
    a date typed in the file is refused with where it is done."""
    result = ledger_export(acting_user=tl_county, key="monitoring", fmt="xlsx", year=case.year)
    assert isinstance(result, LedgerFile)

    def change(sheet: Any) -> None:
        set_cell(sheet, "甲", "开工日期", datetime.date(2026, 3, 1))
        set_cell(sheet, "甲", NAME, "甲某")

    ret = upload(tl_county, edit(result.content, change), "动态监测台账.xlsx")
    assert ret.status == ReturnStatus.PREVIEWED
    [accepted] = ret.preview["changes"]
    assert accepted["cells"] == [{"column": NAME, "old": "甲", "new": "甲某"}] and accepted["key"] == case.pk
    [(where, reason)] = reasons(ret).items()
    assert where == (FIRST, "开工日期") and "须在案件页办理（开工/竣工等）" in reason

    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    case.refresh_from_db()
    assert case.household.head_name == "甲某" and case.started_on is None
    assert AuditEvent.objects.filter(
        object_type="households.household", object_id=str(case.household_id), actor=tl_county
    ).exists()


def test_the_subsidy_plan_carries_its_version_and_every_edit_is_refused(
    case: RenovationCase,  # noqa: F811
    tl_county: User,
) -> None:
    """补助资金计划表 sums cases per township: the file is recognised, each changed cell is
    refused with the reason, nothing can be committed."""
    plan = ledger_export(acting_user=tl_county, key="subsidy_plan", fmt="xlsx", year=case.year)
    assert isinstance(plan, LedgerFile)
    sheet = openpyxl.load_workbook(io.BytesIO(plan.content)).worksheets[0]
    assert sheet[FIRST][0].value == "渔泽镇"
    returned = edit(plan.content, lambda s: setattr(s.cell(FIRST, column(s, "合计户数")), "value", 5))
    ret = upload(tl_county, returned, "补助资金计划表.xlsx")
    assert ret.status == ReturnStatus.PREVIEWED and ret.preview["changes"] == []
    assert reasons(ret) == {(FIRST, "合计户数"): "汇总表不能回传修改，请修改对应案件。"}
    with pytest.raises(ValidationError):
        ledger_return_commit(acting_user=tl_county, ledger_return=ret)


def test_a_big_returned_ledger_is_previewed_as_a_background_job_that_links_its_preview(
    general_home: GeneralHome,  # noqa: F811
    second_house: House,
    tl_county: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """A file over the direct limit (2 MB; 100 bytes here) goes to the jobs page, whose result
    opens the same cell-level preview, which then commits as any other."""
    from anju.jobs.models import Job, JobStatus
    from anju.ledgers import services

    monkeypatch.setattr(services, "RETURN_DIRECT_BYTES", 100)
    client = Client()
    client.force_login(tl_county)
    returned = edit(export(tl_county), lambda s: set_cell(s, "丙", OCCUPANTS, 2))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledgers:return_upload"), {"file": _named(returned, "疑似危房台账.xlsx")})
    job = Job.objects.get(kind="ledgers.return_preview")
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    status_page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("ledgers:return_detail", args=[job.result["ledger_return"]])}"' in status_page
    assert "查看回传预览" in status_page
    ret = LedgerReturn.objects.get(pk=job.result["ledger_return"])
    assert [c["cells"] for c in ret.preview["changes"]] == [[{"column": OCCUPANTS, "old": "3", "new": "2"}]]
    ledger_return_commit(acting_user=tl_county, ledger_return=ret)
    assert House.objects.get(pk=second_house.pk).occupants == 2


def test_every_ledger_exported_as_xlsx_can_come_back() -> None:
    """Each ledger names how it comes back: its editable columns and service, or (a summary
    such as the 补助资金计划表 and the 灾害致危房屋台账) that every edit is refused with a reason;
    a new ledger without a ``keyed`` reader fails here."""
    from anju.ledgers.registry import LEDGERS
    from anju.ledgers.returns import RETURNABLE

    assert set(RETURNABLE) == set(LEDGERS)
    assert all(ledger.keyed is not None for ledger in LEDGERS.values())
    assert RETURNABLE["disaster"].readonly_reason.startswith("汇总表不能回传修改")
