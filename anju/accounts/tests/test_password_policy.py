"""The password policy: repeated characters, simple runs and Chinese common passwords are
refused, in Chinese, on every page that sets a password (ADR 0023)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.accounts.validators import (
    COMMON_PASSWORDS_ZH,
    ChineseCommonPasswordValidator,
    RepetitionSequenceValidator,
)
from conftest import PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaa1",
        "1111111111a",
        "abcdefgh12",
        "12345678ab",
        "1qaz2wsx3edc",
        "abcabcabc1",
        "zyxwvuts98",
        "qwertyuiop1",
    ],
)
def test_repeated_and_sequential_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RepetitionSequenceValidator().validate(password)
    assert "很容易被猜中" in caught.value.messages[0]


@pytest.mark.parametrize(
    "password",
    [
        "woaini1314",
        "5201314",
        "qq123456",
        "1qaz2wsx",
        "zxcvbnm",
        "zhangwei1988",
        "Wangfang19880925",
        "woaini520!",
        "520woaini",
    ],
)
def test_chinese_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ChineseCommonPasswordValidator().validate(password)
    assert "这个密码太常见了" in caught.value.messages[0]


@pytest.mark.parametrize(
    "password", [PASSWORD, "Village2023clerk", "Brand2024newpw", "Tunliu2025Zhen", "Xq7mP2kL9zRt", "Shanxi2024nong"]
)
def test_ordinary_strong_passwords_pass_every_rule(password: str) -> None:
    validate_password(password)


def test_the_list_is_a_few_hundred_lowercase_entries() -> None:
    entries = [line for line in COMMON_PASSWORDS_ZH.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert 300 <= len(entries) == len(set(entries))
    assert all(e == e.lower().strip() for e in entries)
    assert {"5201314", "woaini1314", "qq123456", "a123456", "zxcvbnm", "1qaz2wsx"} <= set(entries)


def test_every_message_is_chinese() -> None:
    for password in ("aaaaaaaaaa1", "woaini1314", "password", "12345678901", "abc"):
        with pytest.raises(ValidationError) as caught:
            validate_password(password)
        for message in caught.value.messages:
            assert any("\u4e00" <= c <= "\u9fff" for c in message), message


def test_the_change_password_page_shows_the_refusal(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "password1": "aaaaaaaaaa1", "password2": "aaaaaaaaaa1"},
    )
    assert response.status_code == 200 and "密码大部分是同一个字符" in response.content.decode()
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password(PASSWORD)


def test_the_admin_pages_show_the_refusal(client: Client, tl_admin: User, tl_clerk: User) -> None:
    client.force_login(tl_admin)
    reset = client.post(
        reverse("accounts:user_reset_password", args=[tl_clerk.pk]),
        {"password1": "woaini1314", "password2": "woaini1314"},
    )
    assert "这个密码太常见了" in reset.content.decode()
    created = client.post(
        reverse("accounts:user_create"),
        {
            "username": "tl_new",
            "full_name": "新用户",
            "region": tl_clerk.region_id,
            "roles": ["village_clerk"],
            "password1": "12345678ab",
            "password2": "12345678ab",
        },
    )
    body = created.content.decode()
    assert "密码主要由连续或重复的字符组成" in body and "不能是常见密码" in body  # the refusal and the help text
