"""The renovation policy: every number and list requirements §8–§10 calls configurable, as one named,
versioned JSON document per province (``CasePolicy``; versioning in ``anju.kit.versioning``).

Sections (each entry has a ``code`` so a computation can say which entry applied):

- ``notice_days``: public notice length per review level (village, township, county);
- ``methods``: renovation methods (改造方式), which grades each suits and which it is the default
  for (维修加固 for C);
- ``area_rules``: minimum (and optional maximum) floor area by household size;
- ``subsidy_standards``: amount per household by year, region, programme, grade and method;
- ``final_payment_days``: the last instalment is due this many days after passed acceptance;
- ``watch``: how long a renovated house (``renovated_years``) and a household that left the key
  groups (``exited_years``) stay under watch (一改了之、一脱了之), counted in 以人找房; optional
  in versions made before it (``watch_windows`` gives the defaults);
- ``deadlines``: the days an officer's own due dates default to and are shown against
  (``rectification_days``: a failed acceptance's 整改期限 after the acceptance;
  ``supervision_days``: a supervision order's 整改期限 after it is issued); optional in versions
  made before it (``deadline_days`` gives the defaults);
- ``duties``: the 一般户 自行整改 due days and reminder window, and the days within which a
  突发严重困难户's house is appraised (ADR 0034); optional in versions made before it
  (``duty_days`` gives the defaults);
- ``acceptance_items``: the completion acceptance checklist, each item required or not;
- ``archive_documents``: the one-household archive's documents, per method;
- ``archive_number_pattern``: e.g. ``{township}危改字[{year}]{seq:03d}号``.

``validate_policy`` returns the cleaned document or raises ValidationError with one Chinese
message per problem, so a broken draft can never be put in force."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from anju.core.numbers import plain_number

GRADES = ("A", "B", "C", "D", "N")  # N: no house (无房户); A/B: seismic retrofit only
NOTICE_LEVELS = {"village": "村级评议公示", "township": "乡镇审核公示", "county": "县级审批公示"}
PROGRAMMES = ("renovation", "seismic", "disaster_rebuild")
ACCEPTANCE_GROUPS = ("房屋选址", "鉴定认定", "建设质量", "农户满意度", "分项检查")
PATTERN_KEYS = {"township": "某某镇", "county": "某某县", "year": 2023, "seq": 1}

DEFAULT_POLICY: dict[str, Any] = {
    "notice_days": {"village": 7, "township": 7, "county": 5},
    "methods": [
        {"code": "repair", "name": "维修加固", "grades": ["A", "B", "C", "D"], "default_for": ["A", "B", "C"]},
        {"code": "rebuild", "name": "拆除重建", "grades": ["D", "N"], "default_for": ["D"]},
        {"code": "new_site", "name": "选址新建", "grades": ["D", "N"], "default_for": ["N"]},
        {"code": "public_rental", "name": "统建农村集体公租房", "grades": ["C", "D", "N"], "default_for": []},
        {"code": "idle_public", "name": "修缮加固闲置公房", "grades": ["C", "D", "N"], "default_for": []},
        {"code": "lease", "name": "租赁/置换闲置安全农房", "grades": ["C", "D", "N"], "default_for": []},
    ],
    "area_rules": {
        "min_by_size": {"1": 20, "2": 30, "3": 40},
        "min_per_person_above": 13,
        "max_by_size": {},
        "max_per_person_above": None,
    },
    "subsidy_standards": [
        {
            "code": "S-C",
            "label": "C 级危房维修加固",
            "year": None,
            "regions": [],
            "programme": "renovation",
            "grades": ["C"],
            "methods": [],
            "amount": 7500,
        },
        {
            "code": "S-D",
            "label": "D 级危房或无房户",
            "year": None,
            "regions": [],
            "programme": "renovation",
            "grades": ["D", "N"],
            "methods": [],
            "amount": 21000,
        },
        {
            "code": "S-SEISMIC",
            "label": "农房抗震改造",
            "year": None,
            "regions": [],
            "programme": "seismic",
            "grades": [],
            "methods": [],
            "amount": 10000,
        },
    ],
    "final_payment_days": 30,
    "watch": {"renovated_years": 5, "exited_years": 3},
    "deadlines": {"rectification_days": 30, "supervision_days": 30},
    # 一般户 and 突发严重困难户 (issue 18, ADR 0034): a 自行整改 is due this many days after it is
    # decided, reminders are due from ``remind_before_days`` before; a sudden-hardship family's
    # house is to be inspected and appraised within ``hardship_appraisal_days`` of registration.
    "duties": {"self_repair_days": 90, "remind_before_days": 15, "hardship_appraisal_days": 7},
    "acceptance_items": [
        {"code": "siting", "name": "房屋选址安全，避开地质灾害隐患点", "group": "房屋选址", "required": True},
        {"code": "appraisal", "name": "危险等级鉴定认定准确", "group": "鉴定认定", "required": True},
        {"code": "quality", "name": "建设质量符合要求，房屋安全", "group": "建设质量", "required": True},
        {"code": "satisfaction", "name": "农户对改造结果满意", "group": "农户满意度", "required": True},
        {"code": "layout", "name": "功能布局合理（厨卫分离等）", "group": "分项检查", "required": False},
        {"code": "floor_area", "name": "建筑面积符合标准", "group": "分项检查", "required": True},
        {"code": "clear_height", "name": "层高、净高满足要求", "group": "分项检查", "required": False},
        {"code": "foundation", "name": "地基基础", "group": "分项检查", "required": True},
        {"code": "seismic", "name": "抗震构造措施（圈梁、构造柱等）", "group": "分项检查", "required": True},
        {"code": "walls", "name": "墙体", "group": "分项检查", "required": True},
        {"code": "beams_columns", "name": "梁、柱", "group": "分项检查", "required": True},
        {"code": "roof", "name": "屋面（屋架、防水）", "group": "分项检查", "required": True},
        {"code": "floor", "name": "楼地面", "group": "分项检查", "required": False},
        {"code": "light", "name": "采光", "group": "分项检查", "required": False},
        {"code": "ventilation", "name": "通风", "group": "分项检查", "required": False},
        {"code": "utilities", "name": "水电入户", "group": "分项检查", "required": False},
    ],
    "archive_documents": [
        {"code": "id_register", "name": "身份证及户口簿复印件", "methods": []},
        {"code": "application", "name": "农户申请书", "methods": []},
        {"code": "status_certificate", "name": "身份认定证明（民政、乡村振兴等部门）", "methods": []},
        {"code": "appraisal_form", "name": "房屋安全性鉴定表", "methods": [], "skip_no_house": True},
        {"code": "village_review", "name": "村民代表评议记录及公示照片", "methods": []},
        {"code": "approval", "name": "乡镇审核及县级审批表", "methods": []},
        {"code": "agreement", "name": "改造协议", "methods": []},
        {"code": "repair_plan", "name": "维修加固方案", "methods": ["repair", "idle_public"]},
        {"code": "site_approval", "name": "宅基地审批或选址意见", "methods": ["rebuild", "new_site"]},
        {"code": "lease_contract", "name": "租赁或置换协议", "methods": ["lease"]},
        {"code": "photos_before", "name": "改造前照片", "methods": []},
        {"code": "photos_during", "name": "改造中照片", "methods": []},
        {"code": "photos_after", "name": "改造后照片", "methods": []},
        {"code": "acceptance_form", "name": "竣工验收表", "methods": []},
        {"code": "payment_voucher", "name": "补助资金拨付凭证", "methods": []},
        {"code": "pledge", "name": "承诺书", "methods": []},
    ],
    "archive_number_pattern": "{township}危改字[{year}]{seq:03d}号",
}


def default_policy() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_POLICY)


def _codes(entries: list[Any], section: str, errors: list[str]) -> set[str]:
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            errors.append(f"{section}第 {i} 项应为对象。")
            continue
        code = str(entry.get("code") or "").strip()
        if not code:
            errors.append(f"{section}第 {i} 项缺少编号 code。")
        elif code in seen:
            errors.append(f"{section}编号「{code}」重复。")
        seen.add(code)
        if not str(entry.get("name") or entry.get("label") or "").strip():
            errors.append(f"{section}「{code or i}」缺少名称。")
    return seen


def _positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


OPTIONAL_SECTIONS = ("watch", "deadlines", "duties")
DEADLINE_KEYS = {"rectification_days": "验收未通过整改期限", "supervision_days": "督导整改期限"}
DUTY_DAYS = {
    "self_repair_days": ("自行整改期限", 365),
    "remind_before_days": ("自行整改到期前提醒天数", 60),
    "hardship_appraisal_days": ("突发严重困难户鉴定期限", 60),
}


def duty_days(content: dict[str, Any]) -> dict[str, int]:
    """The days of the 一般户 and 突发严重困难户 duties in a policy version; the defaults for a
    version made before the section existed."""
    return {**DEFAULT_POLICY["duties"], **(content.get("duties") or {})}


def watch_windows(content: dict[str, Any]) -> tuple[int, int]:
    """(renovated_years, exited_years) of a policy version; the defaults for an older version."""
    watch = content.get("watch") or DEFAULT_POLICY["watch"]
    return int(watch["renovated_years"]), int(watch["exited_years"])


def deadline_days(content: dict[str, Any], key: str) -> int:
    """Days of one of the policy's ``deadlines`` (the defaults for a version made before them)."""
    deadlines = content.get("deadlines") or DEFAULT_POLICY["deadlines"]
    return int(deadlines.get(key, DEFAULT_POLICY["deadlines"][key]))


def validate_policy(content: Any) -> dict[str, Any]:
    """The cleaned policy, or ValidationError listing every problem in Chinese."""
    if not isinstance(content, dict):
        raise ValidationError("改造政策应为一个 JSON 对象。")
    errors: list[str] = []
    missing = [key for key in DEFAULT_POLICY if key not in content and key not in OPTIONAL_SECTIONS]
    if missing:
        raise ValidationError(f"缺少以下部分：{'、'.join(missing)}。")
    unknown = sorted(set(content) - set(DEFAULT_POLICY))
    if unknown:
        errors.append(f"不认识的部分：{'、'.join(unknown)}。")

    days = content["notice_days"]
    if not isinstance(days, dict) or set(days) != set(NOTICE_LEVELS):
        errors.append("公示天数 notice_days 须含 village、township、county 三级。")
    else:
        for level, label in NOTICE_LEVELS.items():
            if not isinstance(days[level], int) or isinstance(days[level], bool) or not 1 <= days[level] <= 30:
                errors.append(f"{label}天数应为 1–30 的整数。")

    methods = content["methods"] if isinstance(content["methods"], list) else []
    if not methods:
        errors.append("改造方式 methods 至少要有一项。")
    method_codes = _codes(methods, "改造方式", errors)
    defaults: dict[str, str] = {}
    for m in methods:
        if not isinstance(m, dict):
            continue
        grades, default_for = m.get("grades", []), m.get("default_for", [])
        if not isinstance(grades, list) or not grades or any(g not in GRADES for g in grades):
            errors.append(f"改造方式「{m.get('code')}」的适用等级 grades 只能取 A、B、C、D、N（无房），且不能为空。")
            continue
        for g in default_for if isinstance(default_for, list) else []:
            if g not in grades:
                errors.append(f"改造方式「{m.get('code')}」是 {g} 的默认方式，但不适用于 {g}。")
            elif g in defaults:
                errors.append(f"{g} 的默认改造方式重复（{defaults[g]}、{m.get('code')}）。")
            else:
                defaults[g] = str(m.get("code"))

    area = content["area_rules"]
    if not isinstance(area, dict):
        errors.append("面积标准 area_rules 应为对象。")
    else:
        for key in ("min_by_size", "max_by_size"):
            table = area.get(key, {})
            if not isinstance(table, dict) or any(
                not str(k).isdigit() or not _positive_number(v) for k, v in table.items()
            ):
                errors.append(f"面积标准 {key} 应为“人数: 平方米”的对应表，面积为正数。")
        for key in ("min_per_person_above", "max_per_person_above"):
            value = area.get(key)
            if value is not None and not _positive_number(value):
                errors.append(f"面积标准 {key} 应为正数或 null。")
        mins, maxes = area.get("min_by_size") or {}, area.get("max_by_size") or {}
        if isinstance(mins, dict) and isinstance(maxes, dict):
            for size, cap in maxes.items():
                floor = mins.get(size)
                if _positive_number(cap) and _positive_number(floor) and cap < floor:
                    errors.append(f"{size} 人户的面积上限 {cap} m² 小于下限 {floor} m²。")

    standards = content["subsidy_standards"] if isinstance(content["subsidy_standards"], list) else []
    if not standards:
        errors.append("补助标准 subsidy_standards 至少要有一项。")
    _codes(standards, "补助标准", errors)
    for s in standards:
        if not isinstance(s, dict):
            continue
        code = s.get("code")
        if s.get("programme") not in PROGRAMMES:
            errors.append(
                f"补助标准「{code}」的项目 programme 只能是 renovation（危房改造）、seismic（抗震改造）"
                "或 disaster_rebuild（灾后重建）。"
            )
        if not _positive_number(s.get("amount")) or s.get("amount", 0) > 200000:
            errors.append(f"补助标准「{code}」的金额 amount 应为 0–200000 元之间的正数（单位：元/户）。")
        year = s.get("year")
        if year is not None and (not isinstance(year, int) or not 2009 <= year <= 2100):
            errors.append(f"补助标准「{code}」的年度 year 应为四位年份或 null（不限年度）。")
        if any(g not in GRADES for g in s.get("grades", [])):
            errors.append(f"补助标准「{code}」的等级 grades 只能取 A、B、C、D、N。")
        if any(m not in method_codes for m in s.get("methods", [])):
            errors.append(f"补助标准「{code}」用了未定义的改造方式。")
        if any(not str(r).isdigit() for r in s.get("regions", [])):
            errors.append(f"补助标准「{code}」的适用区划 regions 应为区划代码（或其前缀）。")

    watch = content.get("watch", DEFAULT_POLICY["watch"])
    if not isinstance(watch, dict) or set(watch) != set(DEFAULT_POLICY["watch"]):
        errors.append("跟踪监测期限 watch 须含 renovated_years、exited_years 两项。")
    else:
        for key, label, top in (("renovated_years", "已改造房屋", 30), ("exited_years", "出列农户", 10)):
            value = watch[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                errors.append(f"{label}跟踪监测年限 {key} 应为 1–{top} 的整数（年）。")

    deadlines = content.get("deadlines", DEFAULT_POLICY["deadlines"])
    if not isinstance(deadlines, dict) or set(deadlines) != set(DEADLINE_KEYS):
        errors.append("整改期限 deadlines 须含 rectification_days、supervision_days 两项。")
    else:
        for key, label in DEADLINE_KEYS.items():
            value = deadlines[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 365:
                errors.append(f"{label} {key} 应为 1–365 的整数（天）。")
    duties = content.get("duties", DEFAULT_POLICY["duties"])
    if not isinstance(duties, dict) or set(duties) != set(DUTY_DAYS):
        errors.append("期限 duties 须含 self_repair_days、remind_before_days、hardship_appraisal_days 三项。")
    else:
        for key, (label, top) in DUTY_DAYS.items():
            value = duties[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                errors.append(f"{label} {key} 应为 1–{top} 的整数（天）。")

    final_days = content["final_payment_days"]
    if not isinstance(final_days, int) or isinstance(final_days, bool) or not 1 <= final_days <= 365:
        errors.append("尾款期限 final_payment_days 应为 1–365 的整数（天）。")

    items = content["acceptance_items"] if isinstance(content["acceptance_items"], list) else []
    if not items:
        errors.append("验收清单 acceptance_items 至少要有一项。")
    _codes(items, "验收项目", errors)
    for item in items:
        if isinstance(item, dict):
            if item.get("group") not in ACCEPTANCE_GROUPS:
                errors.append(f"验收项目「{item.get('code')}」的分组应为：{'、'.join(ACCEPTANCE_GROUPS)}。")
            if not isinstance(item.get("required"), bool):
                errors.append(f"验收项目「{item.get('code')}」须标明 required（是否必须通过）为 true 或 false。")
    if items and not any(isinstance(i, dict) and i.get("required") for i in items):
        errors.append("验收清单至少要有一项必须通过的项目。")

    docs = content["archive_documents"] if isinstance(content["archive_documents"], list) else []
    if not docs:
        errors.append("档案清单 archive_documents 至少要有一项。")
    _codes(docs, "档案材料", errors)
    for doc in docs:
        if isinstance(doc, dict) and any(m not in method_codes for m in doc.get("methods", [])):
            errors.append(f"档案材料「{doc.get('code')}」用了未定义的改造方式。")

    pattern = content["archive_number_pattern"]
    try:
        if not isinstance(pattern, str) or "{seq" not in pattern:
            raise KeyError("seq")
        pattern.format(**PATTERN_KEYS)
    except (KeyError, IndexError, ValueError):
        errors.append("档案编号格式须含 {seq}，只能用 {township}、{county}、{year}、{seq} 四个占位符。")

    if errors:
        raise ValidationError(errors)
    return content


# --- reading a policy ------------------------------------------------------------------------------


def method_name(policy: dict[str, Any], code: str) -> str:
    for m in policy["methods"]:
        if m["code"] == code:
            return str(m["name"])
    return code


def methods_for(policy: dict[str, Any], grade: str) -> list[tuple[str, str]]:
    return [(m["code"], m["name"]) for m in policy["methods"] if grade in m["grades"]]


def default_method(policy: dict[str, Any], grade: str) -> str:
    for m in policy["methods"]:
        if grade in m.get("default_for", []):
            return str(m["code"])
    return ""


@dataclass(frozen=True)
class AreaCheck:
    minimum: Decimal
    maximum: Decimal | None
    problem: str  # "" when the area is within the rules

    @property
    def range_text(self) -> str:
        return f"≥ {plain_number(self.minimum)} m²" + (
            f"，≤ {plain_number(self.maximum)} m²" if self.maximum is not None else ""
        )


def area_check(policy: dict[str, Any], *, household_size: int, area: Decimal | None) -> AreaCheck:
    """The floor-area range for a household of ``household_size`` and whether ``area`` is in it."""
    rules = policy["area_rules"]
    size = max(household_size, 1)
    mins = {int(k): Decimal(str(v)) for k, v in (rules.get("min_by_size") or {}).items()}
    maxes = {int(k): Decimal(str(v)) for k, v in (rules.get("max_by_size") or {}).items()}
    per_min, per_max = rules.get("min_per_person_above"), rules.get("max_per_person_above")
    largest = max(mins) if mins else 0
    if size in mins:
        minimum = mins[size]
    elif per_min is not None and size > largest:
        minimum = Decimal(str(per_min)) * size
    else:
        minimum = mins.get(largest, Decimal(0))
    maximum: Decimal | None = maxes.get(size)
    if maximum is None and per_max is not None and size > (max(maxes) if maxes else 0):
        maximum = Decimal(str(per_max)) * size
    problem = ""
    if area is not None:
        if area < minimum:
            problem = f"{size} 人户面积应不小于 {plain_number(minimum)} m²，现为 {plain_number(area)} m²。"
        elif maximum is not None and area > maximum:
            problem = f"{size} 人户面积应不大于 {plain_number(maximum)} m²，现为 {plain_number(area)} m²。"
    return AreaCheck(minimum, maximum, problem)


@dataclass(frozen=True)
class Subsidy:
    amount: Decimal
    code: str
    explanation: str


def subsidy_for(
    policy: dict[str, Any], *, year: int, region_code: str, programme: str, grade: str, method: str
) -> Subsidy | None:
    """The standard that applies, the most specific first: a region entry over a general one
    (longer prefix wins), then one naming the method, the grade, the year."""
    best: tuple[tuple[int, int, int, int], dict[str, Any]] | None = None
    for s in policy["subsidy_standards"]:
        if s["programme"] != programme:
            continue
        if s.get("year") is not None and s["year"] != year:
            continue
        if s.get("grades") and grade not in s["grades"]:
            continue
        if s.get("methods") and method not in s["methods"]:
            continue
        regions = [str(r) for r in s.get("regions") or []]
        matched = [len(r) for r in regions if region_code.startswith(r)]
        if regions and not matched:
            continue
        rank = (max(matched, default=0), bool(s.get("methods")), bool(s.get("grades")), s.get("year") is not None)
        key = tuple(int(x) for x in rank)
        if best is None or key > best[0]:
            best = ((key[0], key[1], key[2], key[3]), s)
    if best is None:
        if programme == "disaster_rebuild":
            # 灾后重建 has its own standard only where the policy has one (ADR 0035).
            fallback = subsidy_for(
                policy, year=year, region_code=region_code, programme="renovation", grade=grade, method=method
            )
            if fallback is not None:
                note = "（本政策未设灾后重建专项标准，按危房改造标准）"
                return Subsidy(fallback.amount, fallback.code, fallback.explanation + note)
        return None
    s = best[1]
    scope = []
    if s.get("year") is not None:
        scope.append(f"{s['year']} 年")
    if s.get("regions"):
        scope.append("区划 " + "、".join(str(r) for r in s["regions"]))
    amount = Decimal(str(s["amount"]))
    text = f"按补助标准 {s['code']}「{s['label']}」：{amount:,.0f} 元/户" + (f"（{'，'.join(scope)}）" if scope else "")
    return Subsidy(amount, str(s["code"]), text)


def acceptance_items(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return list(policy["acceptance_items"])


def archive_documents(policy: dict[str, Any], *, method: str, no_house: bool) -> list[dict[str, Any]]:
    """The documents a case's archive must hold, given its method."""
    return [
        d
        for d in policy["archive_documents"]
        if (not d.get("methods") or method in d["methods"]) and not (no_house and d.get("skip_no_house"))
    ]


def archive_number(policy: dict[str, Any], *, township: str, county: str, year: int, seq: int) -> str:
    return str(policy["archive_number_pattern"]).format(township=township, county=county, year=year, seq=seq)


def notice_until(start: datetime.date, days: int) -> datetime.date:
    """The last day of a notice that starts on ``start`` and runs ``days`` days."""
    return start + datetime.timedelta(days=days - 1)
