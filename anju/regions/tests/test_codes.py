import pytest

from anju.regions.choices import RegionLevel
from anju.regions.codes import RegionCodeError, level_of, normalize_code, parent_code_of


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("140000000000", RegionLevel.PROVINCE, None),
        ("140400000000", RegionLevel.CITY, "140000000000"),
        ("140405000000", RegionLevel.COUNTY, "140400000000"),
        ("140405102000", RegionLevel.TOWNSHIP, "140405000000"),
        ("140405102201", RegionLevel.VILLAGE, "140405102000"),
        ("140405102201003", RegionLevel.GROUP, "140405102201"),
        ("500243202201", RegionLevel.VILLAGE, "500243202000"),
    ],
)
def test_it_derives_level_and_parent(code: str, level: int, parent: str | None) -> None:
    assert level_of(code) == level
    assert parent_code_of(code) == parent


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("14040510220", "应为 12 位"),
        ("1404051022011", "应为 12 位"),
        ("14040510220A", "只能由数字"),
        ("000000000000", "省级代码不能为 00"),
        ("140405000201", "缺少乡镇部分"),
        ("140405102201000", "最后三位不能全为 0"),
    ],
)
def test_it_rejects_malformed_codes_in_chinese(code: str, message: str) -> None:
    with pytest.raises(RegionCodeError, match=message):
        level_of(code)


def test_it_tolerates_fullwidth_digits_spaces_and_excel_floats() -> None:
    assert normalize_code("１４０４０５ ０００ ０００") == "140405000000"
    assert normalize_code(140405102201.0) == "140405102201"
    assert normalize_code("140405102201.0") == "140405102201"
