"""Password rules beyond Django's: letters and digits both required, no Chinese common
password, no password made of repeated characters or simple runs (ADR 0023)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """A password must mix letters and digits."""

    def validate(self, password: str, user: Any = None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_character_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"


class MinimumLengthValidator:
    """Django's length rule with a Chinese message (its zh-hans catalogue lacks the plural form)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


COMMON_PASSWORDS_ZH = Path(__file__).resolve().parent / "common_passwords_zh.txt"
# Characters people put before or after a weak password to pass a rule ("woaini1314!").
DECORATION = "!@#$%^&*._-+=~?"


@functools.cache
def _common_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _weak_number(digits: str, common: frozenset[str]) -> bool:
    """Numbers people append to a word: short ones, birth years, dates, 520/1314, runs."""
    if len(digits) <= 4 or digits in common:
        return True
    if len(digits) == 8 and digits[:2] in ("19", "20") and "01" <= digits[4:6] <= "12":
        return True  # a date: 19880925
    return _weak_coverage(digits) >= len(digits) - 1


class ChineseCommonPasswordValidator:
    """Refuses a password on the Chinese common-password list (``common_passwords_zh.txt``:
    5201314, woaini1314, qq123456, 1qaz2wsx, pinyin names…) or a listed word with a simple
    number before or after it (zhangwei1988, woaini520, 520woaini). Django's own list of
    20 000 is checked by its ``CommonPasswordValidator`` next to this one."""

    def __init__(self, password_list_path: str | Path = COMMON_PASSWORDS_ZH) -> None:
        self.path = Path(password_list_path)

    def validate(self, password: str, user: Any = None) -> None:
        common = _common_words(self.path)
        plain = password.strip().lower().strip(DECORATION)
        match = re.fullmatch(r"([a-z]+)(\d+)|(\d+)([a-z]+)", plain)
        weak = plain in common
        if not weak and match:
            word = match.group(1) or match.group(4)
            number = match.group(2) or match.group(3)
            weak = word in common and _weak_number(number, common)
        if weak:
            raise ValidationError(
                "这个密码太常见了（如 woaini1314、qq123456、姓名拼音加生日），很容易被猜中，请换一个。",
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return "不能使用常见密码（如 woaini1314、qq123456、姓名拼音加生日）。"


KEYBOARD_LINES = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
KEYBOARD_LINES_BOTH_WAYS = KEYBOARD_LINES + tuple(line[::-1] for line in KEYBOARD_LINES)


def _weak_run_at(text: str, start: int) -> int:
    """The length of the longest weak stretch starting at ``start``: one character repeated
    (aaa), a short unit repeated (abab, 123123), a straight run (abcd, 4321) or a keyboard line
    (qwer, 1qaz2wsx). 0 when there is none."""
    n = len(text)
    best = 0
    # One character, or a unit of two or three, repeated.
    for unit in (1, 2, 3):
        end = start + unit
        while end < n and text[end] == text[end - unit]:
            end += 1
        length = end - start
        if length >= max(3, 2 * unit):
            best = max(best, length)
    # Straight runs up or down: abc, 987.
    for step in (1, -1):
        end = start + 1
        while (
            end < n
            and text[end].isalnum()
            and text[end].isdigit() == text[end - 1].isdigit()
            and ord(text[end]) - ord(text[end - 1]) == step
        ):
            end += 1
        if end - start >= 3:
            best = max(best, end - start)
    # Keyboard lines, either way.
    for length in range(n - start, 3, -1):
        if length <= best:
            break
        chunk = text[start : start + length]
        if any(chunk in line for line in KEYBOARD_LINES_BOTH_WAYS):
            best = length
            break
    return best


def _weak_coverage(text: str) -> int:
    """How many characters of ``text`` fall in weak stretches, reading left to right."""
    text = text.lower()
    covered = i = 0
    while i < len(text):
        run = _weak_run_at(text, i)
        if run:
            covered += run
            i += run
        else:
            i += 1
    return covered


class RepetitionSequenceValidator:
    """Refuses a password made mostly of one repeated character or of simple runs:
    aaaaaaaaaa1, 1111111111a, abcdefgh12, 12345678ab, 1qaz2wsx3edc, abcabcabc1.

    "Mostly": more than half the password is one character, or all but ``max_other``
    characters lie in repeated or straight stretches or keyboard lines."""

    def __init__(self, max_other: int = 2) -> None:
        self.max_other = max_other

    def validate(self, password: str, user: Any = None) -> None:
        if not password:
            return
        top = max(password.lower().count(c) for c in set(password.lower()))
        if top * 2 > len(password):
            raise ValidationError(
                "密码大部分是同一个字符（如 aaaaaaaaaa1、1111111111a），很容易被猜中，请换一个。",
                code="password_repeated",
            )
        if _weak_coverage(password) >= len(password) - self.max_other:
            raise ValidationError(
                "密码主要由连续或重复的字符组成（如 abcdefgh12、12345678ab、1qaz2wsx），很容易被猜中，请换一个。",
                code="password_sequence",
            )

    def get_help_text(self) -> str:
        return "不能主要由重复或连续的字符组成（如 aaaaaaaaaa1、12345678ab）。"
