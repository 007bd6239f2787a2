"""Demo of what an auditor runs (issue 20 items 2–4): the 疑似危房台账 of 屯留区 exported, corrected
in a spreadsheet by 渔泽镇 (who lives in two houses) and returned — one return committed, one
left awaiting confirmation with a refused read-only cell; and 屯留区's renovation history from
the national 农村危房改造信息系统 imported (two rows refused, the rest kept on confirmation), after
which 屯留区's checks run again so the history shows in A01. Everything goes through the services;
the spreadsheet edits are made with openpyxl, as Excel would save them."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.utils import timezone

from anju.accounts.models import User
from anju.anomalies.services import checks_run
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.households.history import history_import_commit, history_import_preview
from anju.households.idcard import check_digit
from anju.households.models import HistoryImport, House, Household
from anju.ledgers.models import LedgerReturn
from anju.ledgers.services import LedgerFile, ledger_export, ledger_return_commit, ledger_return_preview
from anju.regions.models import Region

COUNTY = "140405000000"
OCCUPANTS, ELDERLY, GRADE, NAME = "居住人数", "其中老人", "初判等级", "户主姓名"


def _edit(content: bytes, edits: list[tuple[int, str, Any]]) -> bytes:
    """Change cells of the ledger's data rows: (data row from 0, column header, new value)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    columns = {c.value: c.column for c in sheet[3]}
    for row, header, value in edits:
        sheet.cell(4 + row, columns[header]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _returns(county: User, township: User) -> int:
    result = ledger_export(acting_user=county, key="suspected", fmt="xlsx", year=timezone.localdate().year)
    if not isinstance(result, LedgerFile) or result.rows < 2:
        return 0
    sheet = openpyxl.load_workbook(io.BytesIO(result.content)).worksheets[0]
    columns = {c.value: c.column for c in sheet[3]}
    occupied = [r - 4 for r in range(4, 4 + result.rows) if (sheet.cell(r, columns[OCCUPANTS]).value or 0) >= 2]
    if not occupied:
        return 0
    first = occupied[0]
    people = int(sheet.cell(4 + first, columns[OCCUPANTS]).value)
    elderly = int(sheet.cell(4 + first, columns[ELDERLY]).value or 0)
    # 渔泽镇 found one of the family moved out to work in town.
    edited = _edit(result.content, [(first, OCCUPANTS, people - 1), (first, ELDERLY, min(elderly, people - 1))])
    done = ledger_return_preview(acting_user=township, data=edited, filename="疑似危房台账（渔泽镇核实）.xlsx")
    if done.counts.get("changed_cells"):
        ledger_return_commit(acting_user=township, ledger_return=done)
    # A second file from the same export, still to be confirmed: one correction, and a grade the
    # township typed over (a read-only column, refused with the reason).
    second = next((r for r in occupied[1:]), (first + 1) % result.rows)
    later = ledger_export(acting_user=county, key="suspected", fmt="xlsx", year=timezone.localdate().year)
    assert isinstance(later, LedgerFile)
    row_people = int(
        openpyxl.load_workbook(io.BytesIO(later.content)).worksheets[0].cell(4 + second, columns[OCCUPANTS]).value or 0
    )
    edited = _edit(later.content, [(second, OCCUPANTS, row_people + 1), (second, GRADE, "B 级")])
    ledger_return_preview(acting_user=township, data=edited, filename="疑似危房台账（渔泽镇第二次核实）.xlsx")
    return LedgerReturn.objects.count()


def _history(county: User) -> int:
    """屯留区's export of the national system: two registered households (one renovated in 2016
    now in a live case — A01 shows it; one renovated in 2022 — under watch), four people not
    registered in anju, a number with a wrong check digit, a village that is not 屯留区's."""
    households = list(Household.objects.filter(region_code__subtree="140405102").order_by("pk"))
    live = set(RenovationCase.objects.exclude(stage=Stage.ENDED).values_list("household_id", flat=True))
    any_case = set(RenovationCase.objects.values_list("household_id", flat=True))
    housed = set(House.objects.filter(is_only_house=True).values_list("household_id", flat=True))
    with_case = next((h for h in households if h.pk in live), None)
    without = next((h for h in households if h.pk not in any_case and h.pk in housed), None)
    rows: list[list[Any]] = []
    if with_case is not None:
        rows.append(
            [
                with_case.head_name,
                with_case.head_id_number,
                "屯留区渔泽镇北渔泽村",
                2016,
                "修缮加固",
                12000,
                "2016-10-28",
            ]
        )
    if without is not None:
        rows.append(
            [without.head_name, without.head_id_number, "屯留区渔泽镇南渔泽村", 2022, "拆除重建", 35000, "2022-11-15"]
        )
    rows += [
        ["申建国", _id("19520415901"), "屯留区渔泽镇北渔泽村2组", 2013, "修缮加固", 7500, "2013-11-20"],
        ["毕秀兰", _id("19481123902"), "屯留区渔泽镇南渔泽村", 2015, "拆除重建", 20000, "2015-12-01"],
        ["韩二牛", _id("19600302903"), "屯留区渔泽镇北渔泽村", 2018, "修缮加固", 14000, "2018-10-10"],
        ["贾玉梅", _id("19550909904"), "屯留区渔泽镇南渔泽村5组", 2020, "修缮加固", 15000, "2020-09-30"],
        # A number typed with a wrong last digit, and a village that is not 屯留区's.
        ["常来福", _id("19500101905")[:-1] + ("1" if _id("19500101905")[-1] != "1" else "2"), "屯留区渔泽镇北渔泽村",
         2014, "修缮加固", 8000, "2014-10-01"],
        ["苗小凤", _id("19620101906"), "长治市潞州区东山村", 2017, "拆除重建", 25000, "2017-11-11"],
    ]  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["农村危房改造历史数据（国家农村危房改造信息系统导出） 山西省长治市屯留区"])
    sheet.append(["序号", "户主姓名", "身份证号码", "地址", "改造年度", "改造方式", "补助金额（元）", "竣工日期"])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    out = io.BytesIO()
    book.save(out)
    record = history_import_preview(acting_user=county, data=out.getvalue(), filename="屯留区历史改造数据.xlsx")
    if record.rows:
        history_import_commit(acting_user=county, history_import=record, confirm_partial=True)
    return record.counts.get("new", 0)


def _id(birth_and_seq: str) -> str:
    first17 = "140405" + birth_and_seq
    return first17 + check_digit(first17)


def load_demo_auditor(superuser: Any) -> tuple[int, int]:
    """Once: (ledger returns made, history records imported)."""
    if LedgerReturn.objects.exists() or HistoryImport.objects.exists():
        return 0, 0
    county = User.objects.filter(username="tl_county").first()
    township = User.objects.filter(username="tl_township").first()
    region = Region.objects.filter(code=COUNTY).first()
    if county is None or township is None or region is None:
        return 0, 0
    returns = _returns(county, township)
    records = _history(county)
    checks_run(region=region, acting_user=county)
    return returns, records
