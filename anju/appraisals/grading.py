"""The house grade from the site and the component grades (requirements §6, guideline 2019).

Site first: a dangerous site makes the house D, with relocation recommended. Otherwise A when
every component is a; else the worst component decides (any d → D, else any c → C, else B)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from anju.appraisals.choices import COMPONENT_GRADES
from anju.inspections.choices import Grade

_HOUSE_GRADE = {"a": Grade.A, "b": Grade.B, "c": Grade.C, "d": Grade.D}


@dataclass(frozen=True)
class GradeResult:
    grade: str
    reason: str
    relocation: bool


def house_grade(*, site_dangerous: bool, component_grades: Mapping[str, str], names: Mapping[str, str]) -> GradeResult:
    """``component_grades`` maps component code → a/b/c/d; ``names`` maps code → its Chinese name."""
    if site_dangerous:
        return GradeResult(Grade.D, "场地危险，直接评定为 D 级，建议异地新建", True)
    if not component_grades:
        raise ValueError("no component grades")
    for grade in component_grades.values():
        if grade not in COMPONENT_GRADES:
            raise ValueError(f"grade {grade!r} outside a–d")
    worst = max(component_grades.values(), key=COMPONENT_GRADES.index)
    if worst == "a":
        return GradeResult(Grade.A, "各组成部分均为 a 级，评定为 A 级", False)
    worst_parts = "、".join(names.get(code, code) for code, g in component_grades.items() if g == worst)
    result = _HOUSE_GRADE[worst]
    return GradeResult(result, f"{worst_parts}为 {worst} 级，按最不利组成部分评定为 {result} 级", False)
