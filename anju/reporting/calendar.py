"""The reporting calendar: which day of the month each level's report is due, and the annual
plan's phases per year (and, optionally, per region). One named, versioned JSON document per
province (``ReportingCalendar``; versioning in ``anju.kit.versioning``).

Sections:

- ``reports``: per report kind (``monthly_list`` 新增对象月报, ``progress`` 进度月报) its name and
  ``due_day`` per submitting level (village, township, county, city). A level's day may not be
  earlier than the level below it, so each level has its children's reports before its own is due;
- ``remind_days``: how many days before the due date a report shows as a reminder;
- ``return_days``: how many days a returned report has to be corrected and sent again (its new
  due date, ``reporting.timeliness``);
- ``village_list``: the villages' signed lists of suspected C/D only houses (村级疑似危房清单),
  due once a year on ``due`` (``MM-DD``; 鹿鸣乡: 03-30) at the township; optional in versions made
  before it (the national default applies);
- ``plans``: per year (and region prefixes, empty for all) the phases, each with a ``code``,
  ``name``, ``deadline`` (ISO date) and ``overdue`` (what counts as overdue after the deadline:
  ``tasks_unallocated``, ``cases_not_completed`` or ``cases_not_accepted``).

``validate_calendar`` returns the cleaned document or raises ValidationError with one Chinese
message per problem, so a broken draft can never be put in force."""

from __future__ import annotations

import calendar
import copy
import datetime
from typing import Any

from django.core.exceptions import ValidationError

from anju.regions.choices import RegionLevel

# Submitting levels, from the bottom up (the province receives, it does not submit).
LEVELS: dict[str, str] = {"village": "村", "township": "乡镇", "county": "县/区", "city": "市"}
LEVEL_OF_REGION: dict[int, str] = {
    RegionLevel.VILLAGE: "village",
    RegionLevel.TOWNSHIP: "township",
    RegionLevel.COUNTY: "county",
    RegionLevel.CITY: "city",
}
REPORT_KINDS: dict[str, str] = {"monthly_list": "新增对象月报", "progress": "进度月报"}
OVERDUE_KINDS: dict[str, str] = {
    "tasks_unallocated": "任务未分解下达",
    "cases_not_completed": "当年案件未竣工",
    "cases_not_accepted": "当年案件未验收",
}


def _phases(year: int) -> list[dict[str, Any]]:
    return [
        {"code": "planning", "name": "规划部署", "deadline": f"{year}-06-15", "overdue": "tasks_unallocated"},
        {"code": "renovation", "name": "排查与改造", "deadline": f"{year}-11-30", "overdue": "cases_not_completed"},
        {"code": "acceptance", "name": "竣工验收", "deadline": f"{year}-12-31", "overdue": "cases_not_accepted"},
    ]


DEFAULT_CALENDAR: dict[str, Any] = {
    "reports": {
        "monthly_list": {"name": "新增对象月报", "due_day": {"village": 1, "township": 3, "county": 4, "city": 5}},
        "progress": {"name": "进度月报", "due_day": {"village": 15, "township": 17, "county": 18, "city": 20}},
    },
    "remind_days": 3,
    "return_days": 5,
    "village_list": {"name": "村级疑似危房清单", "due": "03-30"},
    "plans": [
        {"year": 2023, "regions": [], "phases": _phases(2023)},
        {"year": 2026, "regions": [], "phases": _phases(2026)},
    ],
}


OPTIONAL_SECTIONS = ("village_list",)


def default_calendar() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_CALENDAR)


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _month_day(value: Any) -> tuple[int, int] | None:
    try:
        month, day = (int(x) for x in str(value).split("-"))
        datetime.date(2023, month, day)  # a year without 29 February: the date exists every year
    except ValueError:
        return None
    return month, day


def validate_calendar(content: Any) -> dict[str, Any]:
    """The cleaned calendar, or ValidationError listing every problem in Chinese."""
    if not isinstance(content, dict):
        raise ValidationError("报送日历应为一个 JSON 对象。")
    missing = [key for key in DEFAULT_CALENDAR if key not in content and key not in OPTIONAL_SECTIONS]
    if missing:
        raise ValidationError(f"缺少以下部分：{'、'.join(missing)}。")
    errors: list[str] = []
    unknown = sorted(set(content) - set(DEFAULT_CALENDAR))
    if unknown:
        errors.append(f"不认识的部分：{'、'.join(unknown)}。")

    reports = content["reports"]
    if not isinstance(reports, dict) or set(reports) != set(REPORT_KINDS):
        errors.append("报送种类 reports 须含 monthly_list（新增对象月报）和 progress（进度月报）。")
    else:
        for kind, label in REPORT_KINDS.items():
            entry = reports[kind]
            if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
                errors.append(f"{label}须有名称 name。")
                continue
            days = entry.get("due_day")
            if not isinstance(days, dict) or set(days) != set(LEVELS):
                errors.append(f"{label}的截止日 due_day 须含 village、township、county、city 四级。")
                continue
            bad = [LEVELS[lv] for lv in LEVELS if not _int_in(days[lv], 1, 31)]
            if bad:
                errors.append(f"{label}的截止日应为 1–31 的整数（{'、'.join(bad)}级不对）。")
                continue
            ordered = [days[lv] for lv in LEVELS]
            if ordered != sorted(ordered):
                errors.append(f"{label}的截止日须由村到市逐级不早于下级（上级要在下级报送之后汇总）。")

    if not _int_in(content["remind_days"], 0, 15):
        errors.append("提前提醒天数 remind_days 应为 0–15 的整数。")
    if not _int_in(content["return_days"], 1, 30):
        errors.append("退回后重报期限 return_days 应为 1–30 的整数（天）。")

    vlist = content.get("village_list", DEFAULT_CALENDAR["village_list"])
    if not isinstance(vlist, dict) or not str(vlist.get("name") or "").strip():
        errors.append("村级清单 village_list 须有名称 name。")
    elif _month_day(vlist.get("due")) is None:
        errors.append("村级清单的报送期限 due 应写作 MM-DD（如 03-30），且是一年中真实的日子。")

    plans = content["plans"]
    if not isinstance(plans, list):
        errors.append("年度计划 plans 应为列表。")
        plans = []
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for i, plan in enumerate(plans, start=1):
        if not isinstance(plan, dict):
            errors.append(f"年度计划第 {i} 项应为对象。")
            continue
        if not _int_in(plan.get("year"), 2009, 2100):
            errors.append(f"年度计划第 {i} 项的年度 year 应为四位年份。")
            continue
        year = int(plan["year"])
        regions = plan.get("regions", [])
        if not isinstance(regions, list) or any(not str(r).isdigit() for r in regions):
            errors.append(f"{year} 年计划的适用区划 regions 应为区划代码（或其前缀）列表。")
            continue
        key = (year, tuple(sorted(str(r) for r in regions)))
        if key in seen:
            errors.append(f"{year} 年计划对同一区划重复。")
        seen.add(key)
        phases = plan.get("phases")
        if not isinstance(phases, list) or not phases:
            errors.append(f"{year} 年计划至少要有一个阶段 phases。")
            continue
        codes: set[str] = set()
        last: datetime.date | None = None
        for j, phase in enumerate(phases, start=1):
            if not isinstance(phase, dict):
                errors.append(f"{year} 年计划第 {j} 个阶段应为对象。")
                continue
            code = str(phase.get("code") or "").strip()
            name = str(phase.get("name") or "").strip()
            label = name or code or str(j)
            if not code:
                errors.append(f"{year} 年计划第 {j} 个阶段缺少编号 code。")
            elif code in codes:
                errors.append(f"{year} 年计划的阶段编号「{code}」重复。")
            codes.add(code)
            if not name:
                errors.append(f"{year} 年计划的阶段「{code or j}」缺少名称 name。")
            deadline = _date(phase.get("deadline"))
            if deadline is None:
                errors.append(f"{year} 年「{label}」的截止日期 deadline 应写作 YYYY-MM-DD。")
            elif deadline.year not in (year, year + 1):
                errors.append(f"{year} 年「{label}」的截止日期应在 {year} 年（最迟次年）。")
            elif last is not None and deadline < last:
                errors.append(f"{year} 年「{label}」的截止日期早于上一阶段。")
            else:
                last = deadline
            if phase.get("overdue") not in OVERDUE_KINDS:
                kinds = "、".join(f"{k}（{v}）" for k, v in OVERDUE_KINDS.items())
                errors.append(f"{year} 年「{label}」的逾期口径 overdue 只能是：{kinds}。")

    if errors:
        raise ValidationError(errors)
    return content


# --- reading a calendar ---------------------------------------------------------------------------------


def due_day(content: dict[str, Any], kind: str, level: str) -> int:
    return int(content["reports"][kind]["due_day"][level])


def due_on(content: dict[str, Any], kind: str, level: str, year: int, month: int) -> datetime.date:
    """The date a level's report of ``kind`` for (year, month) is due: the configured day, or the
    month's last day when the month is shorter (a 31 in February is the 28th or 29th)."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(due_day(content, kind, level), last))


def resubmit_due_on(content: dict[str, Any], returned_on: datetime.date) -> datetime.date:
    """The new due date a return gives: ``return_days`` after the day of the return."""
    return returned_on + datetime.timedelta(days=int(content["return_days"]))


def village_list_section(content: dict[str, Any]) -> dict[str, Any]:
    return dict(content.get("village_list") or DEFAULT_CALENDAR["village_list"])


def village_list_due(content: dict[str, Any], year: int) -> datetime.date:
    """The day a year's village lists are due at the township."""
    md = _month_day(village_list_section(content)["due"])
    assert md is not None  # validated before the version was put in force
    return datetime.date(year, *md)


def open_deadlines_passed(
    before: dict[str, Any], after: dict[str, Any], region_code: str, today: datetime.date
) -> list[str]:
    """The deadlines still open under ``before`` (today or later) that ``after`` would put in the
    past: a change that makes a region late overnight is refused (issue 18, ADR 0036)."""
    problems: list[str] = []
    for kind in REPORT_KINDS:
        for level, label in LEVELS.items():
            old = due_on(before, kind, level, today.year, today.month)
            new = due_on(after, kind, level, today.year, today.month)
            if old >= today > new:
                problems.append(
                    f"本月{report_name(after, kind)}的{label}级截止日将从 {old:%m-%d} 提前到 {new:%m-%d}，"
                    "已经过去，尚未报送的单位会立即逾期。"
                )
    old_list, new_list = village_list_due(before, today.year), village_list_due(after, today.year)
    if old_list >= today > new_list:
        problems.append(f"{today.year} 年村级清单的报送期限将从 {old_list:%m-%d} 提前到 {new_list:%m-%d}，已经过去。")
    for year in {today.year, today.year - 1}:
        old_plan, new_plan = plan_for(before, year, region_code), plan_for(after, year, region_code)
        if not old_plan or not new_plan:
            continue
        old_by_code = {p["code"]: datetime.date.fromisoformat(p["deadline"]) for p in old_plan["phases"]}
        for p in new_plan["phases"]:
            new_deadline = datetime.date.fromisoformat(p["deadline"])
            old_deadline = old_by_code.get(p["code"])
            if old_deadline is not None and old_deadline >= today > new_deadline:
                problems.append(
                    f"{year} 年「{p['name']}」阶段的截止日期将从 {old_deadline:%Y-%m-%d} 提前到 "
                    f"{new_deadline:%Y-%m-%d}，已经过去。"
                )
    return problems


def report_name(content: dict[str, Any], kind: str) -> str:
    return str(content["reports"][kind]["name"])


def plan_for(content: dict[str, Any], year: int, region_code: str) -> dict[str, Any] | None:
    """The year's plan that applies to a region: one naming the region (longest prefix) over a
    general one."""
    best: tuple[int, dict[str, Any]] | None = None
    for plan in content["plans"]:
        if plan["year"] != year:
            continue
        regions = [str(r) for r in plan.get("regions") or []]
        matched = [len(r) for r in regions if region_code.startswith(r)]
        if regions and not matched:
            continue
        rank = max(matched, default=0)
        if best is None or rank > best[0]:
            best = (rank, plan)
    return best[1] if best else None


def plan_years(content: dict[str, Any]) -> list[int]:
    return sorted({int(p["year"]) for p in content["plans"]})
