"""Ledgers that come back from Excel (ADR 0040): which columns of which ledger an officer may edit
in the file (named configuration, each mapped to the service the page calls), how a file carries
its row keys and export version, and how a returned file is read into cell-level changes and
refusals.

A returnable ledger's xlsx has a hidden sheet ``anju`` holding the signed export version, and a
hidden last column holding, per row, the signed key of the row and a short hash of each cell as
exported. Comparing a returned cell with its hash tells whether the officer changed it;
comparing the row as anju has it now with the same hashes tells whether it was changed in anju
since the export. Nothing of the exported values is stored on the server."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.core.scoping import get_visible_or_404
from anju.core.tabular import FormulaCell, clean_text
from anju.households.models import House, Household
from anju.households.services import house_update, household_update
from anju.ledgers.registry import DATE, INT, LEDGERS, MONEY, Column, Ledger

TOKEN_SALT = "anju.ledger-return"
ROW_SALT = "anju.ledger-row"
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


class CellRefused(ValueError):
    """A returned value the column does not accept; the message is Chinese, for the preview."""


@dataclass(frozen=True)
class Editable:
    """One column an officer may change in the file: the service argument it becomes and how
    the cell's text is read (raises ``CellRefused``)."""

    header: str
    field: str
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class Returnable:
    """A ledger that may come back: its editable columns, what a row's key names, and the
    service the page calls to save those fields of that object."""

    editable: tuple[Editable, ...]
    noun: str
    apply: Callable[[User, int, dict[str, Any]], None]
    # Why a read-only column is refused: per header, else ``readonly_reason``.
    readonly: dict[str, str] = field(default_factory=dict)
    readonly_reason: str = "只读列：该列不能在表格中修改，请在系统中办理。"

    def refusal(self, header: str) -> str:
        return self.readonly.get(header, self.readonly_reason)


def parse_count(text: str) -> int:
    if text == "":
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CellRefused("应填写人数（0–99 的整数）。") from exc
    if value != value.to_integral_value() or not 0 <= value <= 99:
        raise CellRefused("应填写人数（0–99 的整数）。")
    return int(value)


def parse_yes_no(text: str) -> bool:
    if text in ("是", "否"):
        return text == "是"
    raise CellRefused("应填写「是」或「否」。")


def parse_group_name(text: str) -> str:
    if len(text) > 50:
        raise CellRefused("村民小组名称不超过 50 个字。")
    return text


def parse_head_name(text: str) -> str:
    if not text:
        raise CellRefused("请填写户主姓名。")
    if len(text) > 50:
        raise CellRefused("户主姓名不超过 50 个字。")
    return text


def _apply_house(user: User, key: int, fields: dict[str, Any]) -> None:
    house = get_visible_or_404(House.objects.all(), user, pk=key)
    house_update(acting_user=user, house=house, **fields)


def _apply_household(user: User, key: int, fields: dict[str, Any]) -> None:
    household = get_visible_or_404(Household.objects.all(), user, pk=key)
    household_update(acting_user=user, household=household, **fields)


def _apply_case_household(user: User, key: int, fields: dict[str, Any]) -> None:
    case = get_visible_or_404(RenovationCase.objects.select_related("household"), user, pk=key)
    household_update(acting_user=user, household=case.household, **fields)


def _apply_nothing(user: User, key: int, fields: dict[str, Any]) -> None:
    raise CellRefused(PLAN_REFUSAL)  # never reached: the summary table has no editable column


# A date of the monitoring ledger moves only with the case's act on the case page (开工, 竣工,
# 竣工验收, 销号) or with the house's appraisal; typed in a file it is refused with where to go.
CASE_ACT = "须在案件页办理（开工/竣工等），不能在表格中修改。"
MONITORING_READONLY = {
    "开工日期": f"开工日期{CASE_ACT}",
    "竣工日期": f"竣工日期{CASE_ACT}",
    "验收日期": f"验收日期{CASE_ACT}",
    "销号日期": f"销号日期{CASE_ACT}",
    "改造方式/保障方式": f"改造方式随签订改造协议或终止案件确定，{CASE_ACT}",
    "计划年度": f"计划年度随县级审批确定，{CASE_ACT}",
    "危险等级": "危险等级随鉴定确定，须在房屋鉴定中办理，不能在表格中修改。",
    "鉴定日期": "鉴定日期随鉴定确定，须在房屋鉴定中办理，不能在表格中修改。",
    "已拨付资金（元）": "已拨付资金由资金拨付记录汇总，须在案件页登记拨付，不能在表格中修改。",
}
PLAN_REFUSAL = "汇总表不能回传修改，请修改对应案件。"

# Which columns each ledger lets an officer edit in the file, and through which service: the
# same ones the house and household pages call. A ledger not named here comes back refused.
RETURNABLE: dict[str, Returnable] = {
    "suspected": Returnable(
        editable=(
            Editable("是否住人", "is_occupied", parse_yes_no),
            Editable("居住人数", "occupants", parse_count),
            Editable("其中老人", "elderly_occupants", parse_count),
        ),
        noun="房屋",
        apply=_apply_house,
    ),
    "general": Returnable(
        editable=(
            Editable("是否住人", "is_occupied", parse_yes_no),
            Editable("居住人数", "occupants", parse_count),
        ),
        noun="房屋",
        apply=_apply_house,
    ),
    "key_groups": Returnable(
        editable=(Editable("村民小组", "group_name", parse_group_name),),
        noun="农户",
        apply=_apply_household,
    ),
    # Rows are cases; the one column the pages let an officer type directly is the head's name
    # (the household page, ``household_update``). The case's own details service (修改改造信息:
    # builder, planned area) edits nothing this ledger shows; every other column moves only with
    # a case act or an appraisal (ADR 0040).
    "monitoring": Returnable(
        editable=(Editable("户主姓名", "head_name", parse_head_name),),
        noun="案件",
        apply=_apply_case_household,
        readonly=MONITORING_READONLY,
    ),
    # An aggregate: each row sums many cases. The file carries its version and row keys so a
    # returned copy is recognised, and every edited cell is refused (ADR 0040).
    "subsidy_plan": Returnable(editable=(), noun="乡镇", apply=_apply_nothing, readonly_reason=PLAN_REFUSAL),
    # Counted from the emergency inspections and cases of each event: a summary too.
    "disaster": Returnable(
        editable=(),
        noun="灾害",
        apply=_apply_nothing,
        readonly_reason="汇总表不能回传修改，请在应急排查和改造案件中办理。",
    ),
}
# The service's field errors, shown on the cell they concern.
FIELD_HEADERS = {e.field: e.header for r in RETURNABLE.values() for e in r.editable}


def returnable_ledgers() -> list[tuple[Ledger, str]]:
    """Each ledger that may come back, with the names of its editable columns."""
    return [
        (LEDGERS[key], "、".join(e.header for e in r.editable) or "无（汇总表，回传时每处修改都会被拒收）")
        for key, r in RETURNABLE.items()
    ]


def editable_indexes(ledger: Ledger) -> frozenset[int]:
    names = {e.header for e in RETURNABLE[ledger.key].editable}
    return frozenset(i for i, c in enumerate(ledger.columns) if c.header in names)


# --- the cells as text, the same whether written by anju or read back from any spreadsheet ------


def canonical(column: Column, value: Any) -> str:
    """A cell's value as one string, so that a value anju wrote and the same value read back
    from a file saved by Excel, WPS or LibreOffice compare equal."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    text = value if isinstance(value, str) else str(value)
    text = clean_text(text)
    if column.kind == DATE and _DATE_PREFIX.match(text):
        return text[:10]
    if column.kind in (INT, MONEY) or not isinstance(value, str):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        if column.kind == MONEY:
            return str(number.quantize(Decimal("0.01")))
        if number == number.to_integral_value():
            return str(int(number))
        return str(number.normalize())
    return text


def cell_hash(column: Column, value: Any) -> str:
    return hashlib.blake2b(canonical(column, value).encode(), digest_size=3).hexdigest()


def row_hashes(ledger: Ledger, row: Sequence[Any]) -> list[str]:
    return [cell_hash(c, v) for c, v in zip(ledger.columns, row, strict=False)]


def export_token(ledger: Ledger, export_id: int) -> str:
    return signing.dumps({"l": ledger.key, "e": export_id}, salt=TOKEN_SALT)


def read_token(text: str) -> dict[str, Any] | None:
    try:
        value = signing.loads(text, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def row_key(export_id: int, key: int, hashes: Sequence[str]) -> str:
    return signing.Signer(salt=f"{ROW_SALT}.{export_id}").sign(f"{key}.{''.join(hashes)}")


def read_row_key(export_id: int, text: str, ncols: int) -> tuple[int, list[str]] | None:
    """The key and exported cell hashes a row's hidden cell holds; None if it was altered or
    belongs to another export."""
    try:
        value = signing.Signer(salt=f"{ROW_SALT}.{export_id}").unsign(text)
    except signing.BadSignature:
        return None
    key, _, joined = value.partition(".")
    if not key.isdigit() or len(joined) != 6 * ncols:
        return None
    return int(key), [joined[i : i + 6] for i in range(0, len(joined), 6)]


def is_formula(cell: str) -> bool:
    return isinstance(cell, FormulaCell)


__all__ = ["LEDGERS", "RETURNABLE"]
