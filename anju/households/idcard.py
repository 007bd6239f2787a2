"""Resident ID numbers (居民身份证号码, GB 11643-1999): 18 characters, the last a
checksum digit or X. Birth date and sex are read from the number."""

from __future__ import annotations

import datetime
import functools
import operator
from dataclasses import dataclass

from anju.core.masking import mask_account, mask_id_number, mask_phone

__all__ = ["IdInfo", "IdNumberError", "mask_account", "mask_id_number", "mask_phone", "parse_id_number"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


class IdNumberError(ValueError):
    """An ID number that fails GB 11643; the message is for the user."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"

    def age_on(self, day: datetime.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def normalize_id_number(raw: object) -> str:
    """Upper-case X, half-width digits, no spaces; tolerate an Excel float."""
    if raw is None:
        return ""
    text = str(raw).translate(_FULLWIDTH).strip().replace(" ", "").replace("\u3000", "")
    return text.upper()


_WEIGHT_OF_ZEROS = 48 * sum(_WEIGHTS)  # each ASCII digit's byte is 48 + its value


def check_digit(first17: str) -> str:
    """The GB 11643 check character of 17 ASCII digits (bytes times weights, in C via map)."""
    return _CHECK[(sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _WEIGHT_OF_ZEROS) % 11]


@functools.lru_cache(maxsize=65536)  # a list repeats birth dates a great deal
def _birth_date(yyyymmdd: str) -> datetime.date:
    return datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))


def parse_id_number(raw: object, *, today: datetime.date | None = None) -> IdInfo:
    """Validate and decode an 18-digit ID number, or raise IdNumberError."""
    if isinstance(raw, str) and len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
        number = raw.upper()  # the common case, already clean
    else:
        number = normalize_id_number(raw)
    if not number:
        raise IdNumberError("身份证号不能为空")
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为 18 位，实际为 {len(number)} 位")
    if not (number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise IdNumberError("身份证号前 17 位应为数字，最后一位为数字或 X")
    try:
        birth = _birth_date(number[6:14])
    except ValueError as exc:
        raise IdNumberError(f"身份证号中的出生日期 {number[6:14]} 不存在") from exc
    today = today or datetime.date.today()
    if birth > today or birth.year < 1890:
        raise IdNumberError(f"身份证号中的出生日期 {birth:%Y-%m-%d} 不合理")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"身份证号校验位错误（最后一位应为 {expected}），请核对号码")
    return IdInfo(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")
