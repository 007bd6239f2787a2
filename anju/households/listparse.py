"""Reading a department list (民政 / 乡村振兴 Excel or CSV) as people send it.

Finds the header row under title rows (and a merged two-row header), maps its
columns to fields by known aliases (or a saved mapping), and turns each data row
into a clean record or a list of per-cell reasons. Writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from anju.core.tabular import FormulaCell, NumberCell, TabularError, looks_like_excel_number, open_table
from anju.households.choices import KeyGroup
from anju.households.idcard import IdNumberError, parse_id_number

# field -> header texts seen in real lists (compared without spaces, case-insensitive)
ALIASES: dict[str, tuple[str, ...]] = {
    "head_name": ("户主姓名", "户主", "姓名", "户主名称", "申请人", "对象姓名"),
    "id_number": ("身份证号", "身份证号码", "户主身份证号", "户主身份证号码", "证件号码", "公民身份号码", "身份证"),
    "village": (
        "所在村",
        "村",
        "行政村",
        "村（社区）",
        "村(社区)",
        "村社区",
        "村名",
        "所属村",
        "村（居）",
        "所在村（社区）",
    ),
    "township": (
        "乡镇",
        "镇",
        "乡",
        "街道",
        "乡镇（街道）",
        "乡镇(街道)",
        "乡（镇）",
        "乡(镇)",
        "镇（街道）",
        "镇(街道)",
        "乡镇街道",
        "所在乡镇",
        "所属乡镇",
        "乡镇名称",
    ),
    "region_code": ("区划代码", "村区划代码", "行政区划代码"),
    "group_name": ("组", "村民小组", "社", "组别", "所在组"),
    "phone": ("联系电话", "电话", "手机号", "手机号码", "联系方式"),
    "certified_on": ("认定时间", "认定日期", "纳入时间", "纳入日期", "识别时间", "审批时间"),
    "group": ("类别", "对象类别", "重点对象类别", "人员类别", "户类型"),
    "address": ("住址", "家庭住址", "地址"),
    "family_size": ("家庭人口", "家庭人口数", "家庭人数", "人口数", "户人口数", "共同生活人数", "保障人数"),
    "cert_body": ("认定部门", "认定单位", "审批部门", "审批单位", "认定机关"),
}
REQUIRED = ("head_name", "id_number")
GROUP_WORDS: dict[str, str] = {
    "易返贫": KeyGroup.MONITORING,
    "监测": KeyGroup.MONITORING,
    "边缘易致贫": KeyGroup.MONITORING,
    "低保边缘": KeyGroup.DIBAO_EDGE,
    "低保": KeyGroup.DIBAO,
    "特困": KeyGroup.TEKUN,
    "分散供养": KeyGroup.TEKUN,
    "五保": KeyGroup.TEKUN,  # the pre-2016 name of 特困供养
    "严重困难": KeyGroup.HARDSHIP,
    "突发": KeyGroup.HARDSHIP,
    "脱贫": KeyGroup.OTHER_EXITED,
}
_SPACE = re.compile(r"[\s\u3000]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


def _key(text: str) -> str:
    return _SPACE.sub("", text).lower()


_ALIAS_INDEX = {_key(a): f for f, aliases in ALIASES.items() for a in aliases}


@dataclass
class ParsedRow:
    line: int  # row number as the spreadsheet shows it
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # column label -> reason


@dataclass
class ParsedList:
    header_line: int
    mapping: dict[str, int]  # field -> column index
    headers: list[str]
    rows: list[ParsedRow]
    sheet_name: str = ""

    @property
    def valid(self) -> list[ParsedRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def invalid(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.errors]


def alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Header text (without spaces, lower case) -> field, for ``find_header``'s ``index``."""
    return {_key(a): f for f, names in aliases.items() for a in names}


def guess_mapping(headers: list[str], index: dict[str, str] | None = None) -> dict[str, int]:
    known = _ALIAS_INDEX if index is None else index
    mapping: dict[str, int] = {}
    for index_, text in enumerate(headers):
        name = known.get(_key(text))
        if name and name not in mapping:
            mapping[name] = index_
    return mapping


def find_header(
    rows: list[list[str]],
    saved: dict[str, str] | None = None,
    *,
    index: dict[str, str] | None = None,
    required: tuple[str, ...] = REQUIRED,
    missing: str = "找不到表头：需要「户主姓名」（或「姓名」）和「身份证号」两列。",
) -> tuple[int, list[str], dict[str, int]]:
    """The header row (merging a two-row header), its texts, and the field mapping. ``index``
    (``alias_index``) and ``required`` let another kind of list (the national system's history,
    ADR 0041) be located the same way."""
    best: tuple[int, int, list[str]] | None = None
    for at, row in enumerate(rows[:30]):
        headers = list(row)
        if at > 0:
            # A merged group cell ("户主信息") sits above; a merged vertical cell ("序号")
            # leaves this row empty: take the text from the row above.
            above = rows[at - 1]
            headers = [h or (above[i] if i < len(above) else "") for i, h in enumerate(headers)]
        mapping = _apply_saved(headers, saved, index) if saved else guess_mapping(headers, index)
        score = sum(1 for f in mapping if f in required) * 10 + len(mapping)
        if best is None or score > best[0]:
            best = (score, at, headers)
    if best is None or best[0] < 20:
        raise TabularError(missing)
    _, at, headers = best
    mapping = _apply_saved(headers, saved, index) if saved else guess_mapping(headers, index)
    return at, [h.strip() for h in headers], mapping


def _apply_saved(headers: list[str], saved: dict[str, str], index: dict[str, str] | None = None) -> dict[str, int]:
    by_text = {_key(h): i for i, h in enumerate(headers) if h}
    mapping = {f: by_text[_key(text)] for f, text in saved.items() if _key(text) in by_text}
    return mapping | {f: i for f, i in guess_mapping(headers, index).items() if f not in mapping}


@functools.lru_cache(maxsize=4096)
def parse_date(raw: str) -> datetime.date | None:
    text = raw.translate(_FULLWIDTH).strip()
    if not text:
        return None
    text = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    text = text.split(" ")[0].split("T")[0]
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{5}(\.0)?", raw.strip()):  # an Excel serial number
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(raw)))
    try:
        year, month, day = (int(p) for p in text.split("-")[:3])
        return datetime.date(year, month, day)
    except (ValueError, TypeError):
        raise ValueError(f"日期「{raw}」无法识别，请写成 2023-03-15") from None


@functools.lru_cache(maxsize=256)
def parse_group(raw: str) -> str | None:
    text = _key(raw)
    if not text:
        return None
    for value, label in KeyGroup.choices:
        if _key(label) == text or value == text:
            return str(value)
    for word, group in GROUP_WORDS.items():
        if word in text:
            return group
    raise ValueError(f"类别「{raw}」无法识别")


def parse_family_size(raw: Any) -> int | None:
    """家庭人口: a whole number of people (「3」, 3, 3.0, 「3人」), blank when the list has none."""
    text = str(raw).strip().translate(_FULLWIDTH).removesuffix("人").strip() if raw not in (None, "") else ""
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number != int(number) or not 1 <= number <= FAMILY_SIZE_MAX:
        raise ValueError(f"家庭人口「{raw}」应为 1–{FAMILY_SIZE_MAX} 的整数")
    return int(number)


LABELS = {
    "head_name": "户主姓名",
    "id_number": "身份证号",
    "village": "所在村",
    "township": "乡镇",
    "region_code": "区划代码",
    "group_name": "村民小组",
    "phone": "联系电话",
    "certified_on": "认定日期",
    "group": "类别",
    "address": "住址",
    "family_size": "家庭人口",
    "cert_body": "认定部门",
}


# the lengths of the household columns the values go to
MAX_LENGTHS = {"head_name": 50, "group_name": 50, "phone": 20, "address": 200, "cert_body": 100}
FAMILY_SIZE_MAX = 30  # a bound on a typing error, not policy: no rural household is larger
HEADER_SCAN = 30  # rows searched for the header
FORMULA_MESSAGE = "该单元格是公式，没有计算结果，请在 Excel 中另存为数值后再上传"
NUMBER_ID_MESSAGE = (
    "身份证号在 Excel 中存成了数字，末几位已丢失（Excel 的数字只保留 15 位有效数字）："
    "请把该列设为「文本」格式后重新录入身份证号"
)
TEXT_FIELDS = ("village", "township", "region_code", "group_name", "phone", "address", "cert_body")


class SheetChoiceNeeded(TabularError):
    """Several sheets of the workbook hold a list: the user says which one."""

    def __init__(self, sheets: list[str]) -> None:
        super().__init__(f"工作簿中有 {len(sheets)} 个工作表都像名单（{'、'.join(sheets)}），请选择要导入的工作表。")
        self.sheets = sheets


class ListReader:
    """Streams a list: finds the header in the first rows, then yields one ParsedRow per data
    row without holding the sheet's rows in Python (a 1,000,000-row list stays well under 1 GB).

    The header is searched on every sheet of a workbook: the one sheet that has it is read;
    when several have it, ``sheet`` (a sheet name) says which, else ``SheetChoiceNeeded``.

    Raises TabularError for a file that is not a usable table (also from iteration, when the
    table turns out to have no data rows)."""

    def __init__(
        self, data: bytes, filename: str, *, today: datetime.date | None = None, sheet: str | None = None
    ) -> None:
        table = open_table(data, filename)
        self.sheet_names = table.sheet_names
        if sheet is not None and sheet not in table.sheet_names:
            raise TabularError(f"工作簿中没有名为「{sheet}」的工作表。")
        if sheet is not None:
            index = table.sheet_names.index(sheet)
            self._rows = table.rows(index)
            self._head = list(itertools.islice(self._rows, HEADER_SCAN))
        else:
            index, self._rows, self._head = self._pick_sheet(table)
        self.sheet_index = index
        self.sheet_name = table.sheet_names[index]
        self.today = today or datetime.date.today()
        self.header_index = 0
        self.headers: list[str] = []
        self.mapping: dict[str, int] = {}

    @staticmethod
    def _pick_sheet(table: Any) -> tuple[int, Iterator[list[str]], list[list[str]]]:
        """The one sheet whose first rows hold a header (the first sheet when none does), its
        rows and those first rows: a big sheet is parsed once, not again after the search."""
        found: list[tuple[int, Iterator[list[str]], list[list[str]]]] = []
        first: tuple[int, Iterator[list[str]], list[list[str]]] | None = None
        for index in range(len(table.sheet_names)):
            rows = table.rows(index)
            head = list(itertools.islice(rows, HEADER_SCAN))
            if first is None:
                first = (index, rows, head)
            with contextlib.suppress(TabularError):
                find_header(head)
                found.append((index, rows, head))
        if len(found) > 1:
            raise SheetChoiceNeeded([table.sheet_names[i] for i, _, _ in found])
        chosen = found[0] if found else first
        assert chosen is not None
        return chosen

    @property
    def header_line(self) -> int:
        return self.header_index + 1

    def _find_header(self, saved: dict[str, str] | None = None) -> tuple[int, list[str], dict[str, int]]:
        try:
            return find_header(self._head, saved)
        except TabularError as exc:
            if len(self.sheet_names) > 1:
                names = "、".join(self.sheet_names)
                raise TabularError(f"{exc}（已查找全部 {len(self.sheet_names)} 个工作表：{names}）") from exc
            raise

    def probe_headers(self) -> list[str]:
        """The header texts found by the built-in aliases (to look up a saved mapping)."""
        return self._find_header()[1]

    def locate(self, saved_mapping: dict[str, str] | None = None) -> None:
        self.header_index, self.headers, self.mapping = self._find_header(saved_mapping)
        missing = [LABELS[f] for f in REQUIRED if f not in self.mapping]
        if missing:
            raise TabularError(f"缺少必需的列：{'、'.join(missing)}")

    def __iter__(self) -> Iterator[ParsedRow]:
        if not self.headers:
            self.locate()
        today = self.today
        fields = list(self.mapping.items())
        seen: dict[int, int] = {}  # first 17 digits -> line (an int key is a third of a str's size)
        count = 0
        index = self.header_index
        for row in itertools.chain(self._head[self.header_index + 1 :], self._rows):
            index += 1
            width = len(row)
            cell = {f: row[i] for f, i in fields if i < width}
            line = index + 1
            errors: dict[str, str] = {}
            if not any(cell.values()):
                formulas = [f for f, v in cell.items() if isinstance(v, FormulaCell)]
                if not formulas:
                    continue
                errors.update({LABELS[f]: FORMULA_MESSAGE for f in formulas})
            raw_name = cell.get("head_name", "")
            name = raw_name
            if " " in name or "\u3000" in name:
                name = _SPACE.sub("", name)
            if not name and "户主姓名" not in errors:
                if isinstance(raw_name, FormulaCell):
                    errors["户主姓名"] = FORMULA_MESSAGE
                # A trailing 合计/制表人 line is not a household.
                elif not cell.get("id_number"):
                    continue
                else:
                    errors["户主姓名"] = "姓名为空"
            values: dict[str, Any] = {"head_name": name, "id_number": ""}
            raw_id = cell.get("id_number", "")
            if isinstance(raw_id, NumberCell) or looks_like_excel_number(raw_id):
                errors["身份证号"] = NUMBER_ID_MESSAGE
            elif "身份证号" not in errors:
                try:
                    info = parse_id_number(raw_id, today=today)
                    values["id_number"] = info.number
                    values["sex"] = info.sex
                    values["birth_date"] = info.birth_date
                except IdNumberError as exc:
                    errors["身份证号"] = str(exc)
            for f in TEXT_FIELDS:
                text = cell.get(f, "")
                if isinstance(text, FormulaCell):
                    errors.setdefault(LABELS[f], FORMULA_MESSAGE)
                values[f] = text.translate(_FULLWIDTH) if text and not text.isascii() else str(text)
            for f, limit in MAX_LENGTHS.items():
                if len(values[f]) > limit:
                    errors[LABELS[f]] = f"超过 {limit} 个字（{len(values[f])} 个字）"
            try:
                values["certified_on"] = parse_date(cell.get("certified_on", ""))
            except ValueError as exc:
                errors["认定日期"] = str(exc)
            try:
                values["group"] = parse_group(cell.get("group", ""))
            except ValueError as exc:
                errors["类别"] = str(exc)
            try:
                values["family_size"] = parse_family_size(cell.get("family_size", ""))
            except ValueError as exc:
                errors["家庭人口"] = str(exc)
            number = values["id_number"]
            if number and not errors:
                key = int(number[:17])
                first = seen.setdefault(key, line)
                if first != line:
                    errors["身份证号"] = f"与第 {first} 行重复"
            count += 1
            yield ParsedRow(line=line, values=values, errors=errors)
        if not count:
            raise TabularError("表格中没有数据行。")


def parse_list(
    data: bytes,
    filename: str,
    *,
    saved_mapping: dict[str, str] | None = None,
    today: datetime.date | None = None,
    sheet: str | None = None,
) -> ParsedList:
    """Parse a whole list into memory (small lists, tests); raises TabularError."""
    reader = ListReader(data, filename, today=today, sheet=sheet)
    reader.locate(saved_mapping)
    rows = list(reader)
    return ParsedList(
        header_line=reader.header_line,
        mapping=reader.mapping,
        headers=reader.headers,
        rows=rows,
        sheet_name=reader.sheet_name,
    )
