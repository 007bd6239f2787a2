"""A county's annual work plan (年度工作方案, issue 18 item 5, ADR 0037): the document the county
housing office issues each year (屯建发〔2023〕86号 is one), kept as one JSON document per version
(``WorkPlan``). Sections:

- ``title``, ``document_no`` (文号), ``issued_on`` (ISO date), ``goal`` (工作目标, text);
- ``annual_until``: the day the year's 年度任务 list is set; a case of the county opened on or
  before it is marked 年度任务, after it 动态新增 (``task_kind_for``);
- ``targets``: per township and programme the households to renovate (``annual``, and the
  ``dynamic`` expected, both whole numbers ≥ 0);
- ``phases``: ``code``, ``name``, ``starts``/``ends`` (ISO dates inside the plan's year, not
  overlapping, in order), ``overdue`` (what counts as behind once ``ends`` has passed: the
  calendar's ``OVERDUE_KINDS``), ``work`` (what is done in it) and ``units`` (who is responsible);
- ``units``: the responsible units (``name``, ``duty``);
- ``contacts``: ``unit``, ``name``, ``phone`` — the office contacts printed on the plan (a
  public document: office telephone numbers, not a household's personal data).

``validate_plan`` returns the cleaned document or raises ValidationError with one Chinese
message per problem; the phases feed the annual plan's overdue lists in place of the province
calendar's (``phases_of``)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError

from anju.eligibility.choices import Programme
from anju.reporting.calendar import OVERDUE_KINDS

SECTIONS = ("title", "document_no", "issued_on", "goal", "annual_until", "targets", "phases", "units", "contacts")
PHONE = re.compile(r"^[0-9+\- ()（）转]{5,30}$")


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100000


def blank_plan(year: int, county_name: str, calendar_phases: list[dict[str, Any]]) -> dict[str, Any]:
    """A new plan's starting point: the province calendar's phases for ``year`` (policy data,
    each from the day after the previous one's deadline), the first phase's end as the 年度任务
    day; targets, units and contacts for the county to fill in."""
    phases: list[dict[str, Any]] = []
    starts = datetime.date(year, 1, 1)
    for p in calendar_phases:
        ends = datetime.date.fromisoformat(p["deadline"])
        phases.append(
            {
                "code": p["code"],
                "name": p["name"],
                "starts": starts.isoformat(),
                "ends": ends.isoformat(),
                "overdue": p["overdue"],
                "work": "",
                "units": "",
            }
        )
        starts = ends + datetime.timedelta(days=1)
    return {
        "title": f"{county_name}{year}年巩固提升农村住房安全保障成果工作方案",
        "document_no": "",
        "issued_on": f"{year}-01-01",
        "goal": "",
        "annual_until": phases[0]["ends"] if phases else f"{year}-01-01",
        "targets": [],
        "phases": phases,
        "units": [],
        "contacts": [],
    }


def validate_plan(content: Any, *, year: int, townships: dict[str, str]) -> dict[str, Any]:
    """The cleaned plan for ``year`` (``townships``: code → name of the county's townships), or
    ValidationError listing every problem in Chinese."""
    if not isinstance(content, dict):
        raise ValidationError("工作方案应为一个 JSON 对象。")
    missing = [key for key in SECTIONS if key not in content]
    if missing:
        raise ValidationError(f"缺少以下部分：{'、'.join(missing)}。")
    errors: list[str] = []
    unknown = sorted(set(content) - set(SECTIONS))
    if unknown:
        errors.append(f"不认识的部分：{'、'.join(unknown)}。")
    if not str(content["title"] or "").strip():
        errors.append("请填写方案名称 title。")
    issued = _date(content["issued_on"])
    if issued is None or issued.year not in (year - 1, year):
        errors.append(f"印发日期 issued_on 应写作 YYYY-MM-DD，在 {year - 1} 或 {year} 年。")
    annual_until = _date(content["annual_until"])
    if annual_until is None or annual_until.year != year:
        errors.append(f"年度任务认定截止日 annual_until 应写作 YYYY-MM-DD，在 {year} 年内。")

    targets = content["targets"] if isinstance(content["targets"], list) else None
    if targets is None:
        errors.append("任务目标 targets 应为列表。")
        targets = []
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(targets, start=1):
        if not isinstance(t, dict):
            errors.append(f"任务目标第 {i} 项应为对象。")
            continue
        code, programme = str(t.get("township") or ""), t.get("programme")
        name = townships.get(code)
        label = name or f"第 {i} 项"
        if name is None:
            errors.append(f"任务目标第 {i} 项的乡镇「{code}」不是本县的乡镇。")
        if programme not in Programme.values:
            errors.append(f"任务目标「{label}」的项目 programme 只能是：{'、'.join(Programme.values)}。")
        elif (code, programme) in seen:
            errors.append(f"任务目标「{label}」的{Programme(programme).label}重复。")
        seen.add((code, str(programme)))
        for key, what in (("annual", "年度任务"), ("dynamic", "动态新增预计")):
            if not _count(t.get(key, 0)):
                errors.append(f"任务目标「{label}」的{what} {key} 应为 0 或正整数（户）。")

    phases = content["phases"] if isinstance(content["phases"], list) else []
    if not phases:
        errors.append("实施步骤 phases 至少要有一个阶段。")
    codes: set[str] = set()
    previous: tuple[str, datetime.date] | None = None
    for j, phase in enumerate(phases, start=1):
        if not isinstance(phase, dict):
            errors.append(f"第 {j} 个阶段应为对象。")
            continue
        code = str(phase.get("code") or "").strip()
        name = str(phase.get("name") or "").strip() or code or f"第 {j} 个阶段"
        if not code:
            errors.append(f"「{name}」缺少编号 code。")
        elif code in codes:
            errors.append(f"阶段编号「{code}」重复。")
        codes.add(code)
        starts, ends = _date(phase.get("starts")), _date(phase.get("ends"))
        if starts is None or ends is None:
            errors.append(f"「{name}」的起止日期 starts、ends 应写作 YYYY-MM-DD。")
        elif starts > ends:
            errors.append(f"「{name}」的结束日期 {ends} 早于开始日期 {starts}。")
        elif starts.year != year or ends.year != year:
            errors.append(f"「{name}」（{starts} 至 {ends}）超出了 {year} 年，年度方案的阶段须在本年内。")
        else:
            if previous is not None and starts <= previous[1]:
                errors.append(f"「{name}」（{starts} 起）与「{previous[0]}」（{previous[1]} 止）重叠或顺序颠倒。")
            previous = (name, ends)
        if phase.get("overdue") not in OVERDUE_KINDS:
            kinds = "、".join(f"{k}（{v}）" for k, v in OVERDUE_KINDS.items())
            errors.append(f"「{name}」的逾期口径 overdue 只能是：{kinds}。")

    for section, fields, what in (("units", ("name",), "责任单位"), ("contacts", ("unit", "name", "phone"), "联系人")):
        entries = content[section]
        if not isinstance(entries, list):
            errors.append(f"{what} {section} 应为列表。")
            continue
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or any(not str(entry.get(f) or "").strip() for f in fields):
                errors.append(f"{what}第 {i} 项须填写 {'、'.join(fields)}。")
            elif section == "contacts" and not PHONE.match(str(entry["phone"]).strip()):
                errors.append(f"联系人「{entry['name']}」的电话「{entry['phone']}」不像电话号码。")
    if errors:
        raise ValidationError(errors)
    return content


# --- reading a plan ------------------------------------------------------------------------------------


def phases_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The phases in the calendar's shape (``deadline`` = the phase's end) for the overdue lists."""
    return [p | {"deadline": p["ends"]} for p in content["phases"]]


def task_kind_for(content: dict[str, Any], opened_on: datetime.date) -> str:
    """年度任务 (``annual``) for a case opened by ``annual_until``, else 动态新增 (``dynamic``)."""
    return "annual" if opened_on <= datetime.date.fromisoformat(content["annual_until"]) else "dynamic"


def targets_total(content: dict[str, Any]) -> dict[str, int]:
    return {
        "annual": sum(int(t.get("annual", 0)) for t in content["targets"]),
        "dynamic": sum(int(t.get("dynamic", 0)) for t in content["targets"]),
    }


def open_phases_passed(before: dict[str, Any], after: dict[str, Any], today: datetime.date) -> list[str]:
    """Phases still open in the plan in force (ending today or later) that ``after`` would end in
    the past: refused, so no township is behind overnight by an edit."""
    old = {p["code"]: datetime.date.fromisoformat(p["ends"]) for p in before["phases"]}
    problems = []
    for p in after["phases"]:
        ends = datetime.date.fromisoformat(p["ends"])
        if p["code"] in old and old[p["code"]] >= today > ends:
            problems.append(
                f"「{p['name']}」的结束日期将从 {old[p['code']]:%Y-%m-%d} 提前到 {ends:%Y-%m-%d}，已经过去，"
                "正在进行的阶段会立即逾期。"
            )
    return problems
