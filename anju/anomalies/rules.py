"""The anomaly checks as named configuration (``CheckSet``, versioned like the eligibility rule
sets in ``anju.kit.versioning``): each rule has an id, a Chinese name, an explanation an auditor
reads, a severity and its parameters (days, metres, ages). The code that finds the rows is in
``checks.py``, one function per id; every number it uses comes from the rule's ``params``.

``validate_checks`` returns the cleaned document or raises ValidationError with one Chinese
message per problem, so a broken draft can never be put in force."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from anju.anomalies.choices import Severity

DEFAULT_CHECKS: dict[str, Any] = {
    "note": "按 issue 20 与审计、纪检常查事项编写的默认异常核查规则；天数、距离、年龄为可修改的参数（ADR 0032）。",
    "rules": [
        {
            "id": "A01-person-twice",
            "name": "同一人重复享受改造补助",
            "explanation": "同一身份证号的人员在两个改造案件中受助（跨年度、跨项目或跨农户），且后一案件未按再次纳入规则关联原改造。",
            "severity": Severity.HIGH,
            "params": {},
        },
        {
            "id": "A02-house-twice",
            "name": "同一房屋重复改造",
            "explanation": "同一房屋有两个未终止的改造案件，且后一案件未关联原改造。",
            "severity": Severity.HIGH,
            "params": {},
        },
        {
            "id": "A03-safe-house-opened",
            "name": "A/B 级房屋纳入危房改造",
            "explanation": "危房改造案件建案时房屋为 A 级或 B 级（建案登记的等级，或建案日前最近一次鉴定的等级）；抗震改造除外。",
            "severity": Severity.HIGH,
            "params": {},
        },
        {
            "id": "A04-paid-above-standard",
            "name": "拨付金额超过补助标准",
            "explanation": "案件累计拨付金额超过其补助标准金额（允许的误差见参数）。",
            "severity": Severity.HIGH,
            "params": {"tolerance_yuan": 0},
        },
        {
            "id": "A05-final-before-acceptance",
            "name": "验收通过前拨清补助",
            "explanation": "案件已拨足补助标准金额，但最后一笔拨付早于竣工验收通过（或至今未通过验收）；尾款应在验收通过后拨付。",
            "severity": Severity.MEDIUM,
            "params": {},
        },
        {
            "id": "A06-builder-without-consent",
            "name": "拨付给施工方未记录农户同意",
            "explanation": "补助拨付给施工方，但没有记录农户同意情况或同意日期，或同意日期晚于拨付日期。",
            "severity": Severity.HIGH,
            "params": {},
        },
        {
            "id": "A07-key-household-no-case",
            "name": "重点对象住 C/D 级危房超期未建案",
            "explanation": "重点对象农户的房屋现为 C 级或 D 级危房，定级已超过规定天数，仍没有进行中的改造案件。",
            "severity": Severity.HIGH,
            "params": {"days": 90},
        },
        {
            "id": "A08-closed-with-gaps",
            "name": "档案不全已销号",
            "explanation": "案件已销号，但一户一档缺少应有材料，或民政、乡村振兴部门未审定同意。",
            "severity": Severity.MEDIUM,
            "params": {},
        },
        {
            "id": "A09-accepted-before-start",
            "name": "验收日期早于开工日期",
            "explanation": "竣工验收的日期早于案件登记的开工日期，或案件未登记开工日期却已验收。",
            "severity": Severity.HIGH,
            "params": {},
        },
        {
            "id": "A10-member-two-households",
            "name": "同一人登记在两户",
            "explanation": "同一身份证号（不分大小写）既是一户的成员，又登记为另一户的户主或成员。",
            "severity": Severity.MEDIUM,
            "params": {},
        },
        {
            "id": "A11-photo-far-from-house",
            "name": "排查照片拍摄地点远离房屋",
            "explanation": "排查照片自带的拍摄位置与房屋登记位置的距离超过参数规定的米数。",
            "severity": Severity.MEDIUM,
            "params": {"max_distance_m": 1000},
        },
        {
            "id": "A12-elderly-no-control",
            "name": "全老年户住 C/D 级危房无管控措施",
            "explanation": "家庭成员均已满规定年龄，住在 C 级或 D 级危房中，定级后没有采取任何管控措施。",
            "severity": Severity.HIGH,
            "params": {"age": 60},
        },
    ],
}

# Which parameters each rule takes, with the range a province may set.
PARAM_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "A04-paid-above-standard": {"tolerance_yuan": (0, 10000)},
    "A07-key-household-no-case": {"days": (1, 3650)},
    "A11-photo-far-from-house": {"max_distance_m": (50, 100000)},
    "A12-elderly-no-control": {"age": (50, 100)},
}


@dataclass(frozen=True)
class Rule:
    """One check as configured in a version: what the board and each finding name."""

    id: str
    name: str
    explanation: str
    severity: str
    params: dict[str, Any]
    enabled: bool = True


def default_checks() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_CHECKS)


def validate_checks(content: Any) -> dict[str, Any]:
    """The cleaned document, or ValidationError naming every problem in Chinese."""
    from anju.anomalies.checks import CHECKS

    errors: list[str] = []
    rules = content.get("rules") if isinstance(content, dict) else None
    if not isinstance(rules, list):
        raise ValidationError("异常核查规则须有 rules 列表。")
    for n, rule in enumerate(rules, start=1):
        rid = rule.get("id") if isinstance(rule, dict) else None
        if rid not in CHECKS:
            errors.append(f"第 {n} 条规则的编号 {rid!r} 不是已知的核查。")
            continue
        if not str(rule.get("name", "")).strip():
            errors.append(f"规则 {rid} 缺少中文名称。")
        if rule.get("severity") not in Severity.values:
            errors.append(f"规则 {rid} 的严重程度须为 high、medium 或 low。")
        for key, (low, high) in PARAM_RANGES.get(rid, {}).items():
            value = (rule.get("params") or {}).get(key)
            if not isinstance(value, int) or not low <= value <= high:
                errors.append(f"规则 {rid} 的参数 {key} 须为 {low}–{high} 之间的整数。")
    if errors:
        raise ValidationError(errors)
    return dict(content)


def rules_of(content: dict[str, Any]) -> list[Rule]:
    return [
        Rule(
            id=r["id"],
            name=r["name"],
            explanation=r.get("explanation", ""),
            severity=r["severity"],
            params=dict(r.get("params") or {}),
            enabled=bool(r.get("enabled", True)),
        )
        for r in content.get("rules", [])
    ]
