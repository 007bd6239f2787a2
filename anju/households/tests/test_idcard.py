import datetime

import pytest

from anju.households.idcard import IdNumberError, check_digit, mask_id_number, mask_phone, parse_id_number

TODAY = datetime.date(2026, 11, 23)


def make_id(prefix: str = "140405", birth: str = "19560312", seq: str = "123") -> str:
    first17 = prefix + birth + seq
    return first17 + check_digit(first17)


def test_a_valid_number_gives_birth_date_sex_and_age() -> None:
    info = parse_id_number(make_id(seq="123"), today=TODAY)
    assert info.birth_date == datetime.date(1956, 3, 12)
    assert info.sex == "M" and info.age_on(TODAY) == 70


def test_lower_case_x_fullwidth_digits_and_spaces_are_tolerated() -> None:
    # 11010519491231002X is the standard's worked example.
    assert parse_id_number(" １１０１０５ 19491231002x ", today=TODAY).number == "11010519491231002X"
    assert parse_id_number("11010519491231002X", today=TODAY).sex == "F"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "不能为空"),
        ("14040519560312123", "应为 18 位"),
        ("1404051956031212A4", "前 17 位应为数字"),
        ("١٤٠٤٠٥١٩٥٦٠٣١٢١٢٣٤", "前 17 位应为数字"),  # other scripts' digits are not ID digits
        (make_id(birth="19560230"), "出生日期 19560230 不存在"),
        (make_id(birth="20300101"), "不合理"),
        (make_id()[:17] + ("0" if make_id()[17] != "0" else "1"), "校验位错误"),
    ],
)
def test_bad_numbers_get_a_chinese_reason(raw: str, message: str) -> None:
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw, today=TODAY)


def test_masking_keeps_only_the_ends() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
