"""The township duties' numbers and lists, as versioned province data (``DutyPolicy``, the
shared ``kit.versioning``): the nearest active version above a region applies. Nothing here is a
constant in code except the national version 1 the migration creates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from anju.kit.versioning import config_ensure_national, config_for
from anju.township.choices import ProtectionGrade
from anju.township.models import DutyPolicy

NATIONAL: dict[str, Any] = {
    # A project with no progress report for this many days is listed as 未按期报告进度.
    "report_every_days": 30,
    # A traditional house not checked for this many days is listed as 待巡查.
    "house_check_every_days": 90,
    # Photos per progress report, training, publicity activity or house.
    "max_photos": 12,
    # What each protection grade adds to the acceptance checklist of a case on a traditional house
    # (《重庆市"十四五"期间传统村落保护发展行动方案》: repair keeps the old form, material and craft).
    "protection_items": {
        ProtectionGrade.KEY: [
            {"code": "TH1", "name": "保持原有建筑形制、高度和体量", "required": True},
            {"code": "TH2", "name": "沿用原有主要材料和传统工艺（木构、青瓦、石基）", "required": True},
            {"code": "TH3", "name": "保留有价值的构件与装饰（门窗、雕花、柱础）", "required": True},
            {"code": "TH4", "name": "修缮方案经传统村落保护主管部门同意", "required": True},
        ],
        ProtectionGrade.GENERAL: [
            {"code": "TH1", "name": "保持原有建筑形制、高度和体量", "required": True},
            {"code": "TH2", "name": "外立面材料和色彩与传统风貌一致", "required": True},
        ],
        ProtectionGrade.HARMONY: [
            {"code": "TH5", "name": "屋顶形式、外墙色彩与村落风貌协调", "required": True},
        ],
    },
}


def ensure_national_policy() -> DutyPolicy:
    return config_ensure_national(
        DutyPolicy, name="全国默认乡镇职责规则", note="按2023年巩固农村住房安全保障成果实施方案设定", body=NATIONAL
    )


def _item_problems(label: str, entries: Any) -> list[str]:
    """A grade's acceptance items: each with a code and a name, ``required`` true or false."""
    if not isinstance(entries, list):
        return [f"{label}的验收项目应为列表。"]
    problems = []
    for n, item in enumerate(entries, 1):
        ok = (
            isinstance(item, dict)
            and all(isinstance(item.get(k), str) and item[k].strip() for k in ("code", "name"))
            and isinstance(item.get("required", True), bool)
        )
        if not ok:
            problems.append(f"{label}的第 {n} 项应有编号（code）和名称（name），required 为 true 或 false。")
    return problems


def validate_policy(content: Any) -> dict[str, Any]:
    """The policy checked: positive whole numbers, an item list per protection grade."""
    errors: list[str] = []
    if not isinstance(content, dict):
        raise ValidationError("规则内容应为 JSON 对象。")
    for key in ("report_every_days", "house_check_every_days", "max_photos"):
        value = content.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            errors.append(f"{key} 应为正整数。")
    unknown = sorted(set(content) - set(NATIONAL))
    if unknown:
        errors.append(f"不认识的项目：{'、'.join(unknown)}。")
    items = content.get("protection_items")
    if not isinstance(items, dict) or set(items) - set(ProtectionGrade.values):
        errors.append("protection_items 应按保护等级（key/general/harmony）列出验收项目。")
    else:
        for grade, entries in items.items():
            errors += _item_problems(ProtectionGrade(grade).label, entries)
    if errors:
        raise ValidationError(errors)
    return content


@dataclass(frozen=True)
class Duties:
    """The policy in force for one region."""

    label: str
    report_every_days: int
    house_check_every_days: int
    max_photos: int
    protection_items: dict[str, list[dict[str, Any]]]


def duties_for(region_code: str) -> Duties:
    policy = config_for(DutyPolicy, region_code, ensure_national_policy)
    content = {**NATIONAL, **(policy.content or {})}
    return Duties(
        label=policy.label,
        report_every_days=int(content["report_every_days"]),
        house_check_every_days=int(content["house_check_every_days"]),
        max_photos=int(content["max_photos"]),
        protection_items=dict(content["protection_items"]),
    )
