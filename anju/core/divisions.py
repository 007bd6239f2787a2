"""Statistical division codes (统计用区划代码) and their levels: the vocabulary every region-scoped
read rests on, so it lives in the foundation's kit (``anju.regions`` re-exports it)."""

from __future__ import annotations

from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县/区"
    TOWNSHIP = 4, "乡镇/街道"
    VILLAGE = 5, "村/社区"
    GROUP = 6, "组"


# Significant digits of a code at each level: 12-digit statistical codes
# (2 province, 2 city, 2 county, 3 township, 3 village) plus 3 for a group.
PREFIX_LENGTH: dict[int, int] = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}


class RegionCodeError(ValueError):
    """A code that is not a valid 12-digit division code (or 15-digit group code)."""


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def normalize_code(raw: object) -> str:
    """Digits only: tolerate full-width digits, spaces and a float from Excel."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).translate(_FULLWIDTH).strip().replace(" ", "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def level_of(code: str) -> RegionLevel:
    """The level a code denotes, from where its trailing zeros begin."""
    if not code.isdigit():
        raise RegionCodeError("区划代码只能由数字组成")
    if len(code) == 15:
        if code[12:] == "000":
            raise RegionCodeError("组代码的最后三位不能全为 0")
        if code[9:12] == "000":
            raise RegionCodeError("组代码的前 12 位必须是村级代码")
        return RegionLevel.GROUP
    if len(code) != 12:
        raise RegionCodeError(f"区划代码应为 12 位数字（组为 15 位），实际为 {len(code)} 位")
    if code[:2] == "00":
        raise RegionCodeError("省级代码不能为 00")
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        if code[2:4] == "00":
            raise RegionCodeError("县级代码缺少市级部分")
        return RegionLevel.COUNTY
    if code[9:] == "000":
        if code[4:6] == "00":
            raise RegionCodeError("乡镇代码缺少县级部分")
        return RegionLevel.TOWNSHIP
    if code[6:9] == "000":
        raise RegionCodeError("村级代码缺少乡镇部分")
    return RegionLevel.VILLAGE


def prefix_of(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[level]]


def parent_code_of(code: str) -> str | None:
    """The code of the parent division, or None for a province."""
    level = level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    if level == RegionLevel.GROUP:
        return code[:12]
    keep = PREFIX_LENGTH[RegionLevel(level - 1)]
    return code[:keep].ljust(12, "0")
