"""Checking an appraisal template's content before it is saved (a province's edit must not
leave a structure type without components or a criterion without text)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from anju.appraisals.choices import COMPONENT_GRADES
from anju.households.choices import StructureType

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MAX_COMPONENTS = 30
MAX_TEXT = 300


def validate_content(content: Any) -> dict[str, Any]:
    """Return the cleaned content or raise ValidationError listing every problem in Chinese."""
    if not isinstance(content, dict):
        raise ValidationError("模板内容应为一个对象（JSON 对象）。")
    components = content.get("components")
    errors: list[str] = []
    if not isinstance(components, list) or not components:
        raise ValidationError("模板至少要有一个组成部分。")
    if len(components) > MAX_COMPONENTS:
        errors.append(f"组成部分最多 {MAX_COMPONENTS} 个。")
    seen: set[str] = set()
    covered: set[str] = set()
    cleaned: list[dict[str, Any]] = []
    for index, component in enumerate(components, start=1):
        where = f"第 {index} 个组成部分"
        if not isinstance(component, dict):
            errors.append(f"{where}格式不正确。")
            continue
        code = str(component.get("code", "")).strip()
        name = str(component.get("name", "")).strip()
        if not CODE_RE.match(code):
            errors.append(f"{where}的代码「{code}」应为小写英文字母、数字或下划线（2–40 位），以字母开头。")
        elif code in seen:
            errors.append(f"{where}的代码「{code}」重复。")
        seen.add(code)
        if not name or len(name) > 50:
            errors.append(f"{where}缺少名称（或超过 50 字）。")
        where = f"「{name or code}」"
        criteria = component.get("criteria")
        if not isinstance(criteria, dict):
            errors.append(f"{where}缺少 a–d 各级标准。")
            criteria = {}
        texts = {}
        for grade in COMPONENT_GRADES:
            text = str(criteria.get(grade, "")).strip()
            if not text:
                errors.append(f"{where}缺少 {grade} 级标准的文字。")
            elif len(text) > MAX_TEXT:
                errors.append(f"{where}的 {grade} 级标准超过 {MAX_TEXT} 字。")
            texts[grade] = text
        extra = set(criteria) - set(COMPONENT_GRADES)
        if extra:
            errors.append(f"{where}只能有 a、b、c、d 四级，不能有「{'、'.join(sorted(map(str, extra)))}」。")
        structures = component.get("structures")
        if not isinstance(structures, list) or not structures:
            errors.append(f"{where}至少适用于一种结构类型。")
            structures = []
        unknown = [s for s in structures if s not in StructureType.values]
        if unknown:
            errors.append(f"{where}的结构类型「{'、'.join(map(str, unknown))}」不存在。")
        covered.update(s for s in structures if s in StructureType.values)
        cleaned.append({"code": code, "name": name, "structures": list(dict.fromkeys(structures)), "criteria": texts})
    missing = [StructureType(s).label for s in StructureType.values if s not in covered]
    if missing:
        errors.append(f"以下结构类型没有任何组成部分可评定：{'、'.join(missing)}。")
    if errors:
        raise ValidationError(errors)
    return {**content, "components": cleaned}
