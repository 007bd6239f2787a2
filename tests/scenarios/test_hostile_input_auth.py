"""Hostile files and requests (issue 15), the authentication half (ADR 0023): each probe that got
through — a token that outlived a password change, a lockout and a deactivation, that never
expired, came back the same when asked again, sat in plain text, was issued unaudited, and the
password ``aaaaaaaaaa1`` — replayed over HTTP, and what the attacker now meets."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anju.accounts.models import ApiToken
from anju.audit.models import AuditAction, AuditEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


# What a dead token meets: DRF's 403 with a Chinese detail (the session class comes first).
REFUSED = 403


def ask_token(username: str, device: str, password: str = PASSWORD) -> Any:
    return APIClient().post(
        reverse("api:token"), {"username": username, "password": password, "name": device}, format="json"
    )


def me_with(token: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api:me"))


def test_a_token_stops_working_once_its_owner_changes_the_password(client, tl_clerk) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    assert me_with(token).status_code == 200
    # The clerk suspects the phone was copied and changes the password on the web page.
    client.force_login(tl_clerk)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "password1": "Brand2024newpw", "password2": "Brand2024newpw"},
    )
    refused = me_with(token)
    assert refused.status_code == REFUSED and "令牌" in refused.json()["detail"]
    assert ask_token("tl_clerk", "张三的手机", password="Brand2024newpw").status_code == 201


def test_a_token_stops_working_when_someone_locks_the_account_by_guessing(tl_clerk) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    answers = [ask_token("tl_clerk", "猜密码", password=f"guess-2024-{n}").status_code for n in range(5)]
    assert settings.AXES_FAILURE_LIMIT == 5 and answers == [400, 400, 400, 400, 429]  # locked at the fifth
    assert me_with(token).status_code == REFUSED
    locked = ask_token("tl_clerk", "张三的手机")
    assert locked.status_code == 429 and "账号已被暂时锁定" in locked.json()["detail"]
    # The login page is locked too: the same django-axes counter.
    page = APIClient().post(reverse("accounts:login"), {"username": "tl_clerk", "password": PASSWORD})
    assert page.status_code == 429


def test_a_token_stops_working_when_the_admin_deactivates_the_user(client, tl_admin, tl_clerk) -> None:
    token = ask_token("tl_clerk", "张三的手机").json()["token"]
    client.force_login(tl_admin)
    client.post(
        reverse("accounts:user_edit", args=[tl_clerk.pk]),
        {
            "full_name": tl_clerk.full_name,
            "region": tl_clerk.region_id,
            "roles": ["village_clerk"],
            "phone": "",
            "organization": "",
        },  # "启用" unticked
    )
    tl_clerk.refresh_from_db()
    assert not tl_clerk.is_active
    assert me_with(token).status_code == REFUSED
    assert ask_token("tl_clerk", "张三的手机").status_code == 400


def test_a_token_expires(tl_clerk) -> None:
    body = ask_token("tl_clerk", "张三的手机").json()
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert datetime.timedelta(days=29) < expiry - timezone.now() <= datetime.timedelta(days=30)
    # Thirty days on: move the expiry into the past instead of waiting.
    ApiToken.objects.filter(pk=body["id"]).update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    assert me_with(body["token"]).status_code == REFUSED
    assert not ApiToken.objects.filter(pk=body["id"]).exists()  # knox drops it on sight


def test_two_devices_two_tokens_one_revoked_by_the_user_one_by_the_admin(tl_admin, tl_clerk) -> None:
    phone = ask_token("tl_clerk", "张三的手机").json()
    tablet = ask_token("tl_clerk", "村委会平板").json()
    assert phone["token"] != tablet["token"]
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Token {phone['token']}")
    listed = owner.get(reverse("api:apitoken-list")).json()["results"]
    assert sorted(r["name"] for r in listed) == ["张三的手机", "村委会平板"]
    assert owner.delete(reverse("api:apitoken-detail", args=[tablet["id"]])).status_code == 204
    assert me_with(tablet["token"]).status_code == REFUSED and me_with(phone["token"]).status_code == 200
    admin = APIClient()
    admin.force_authenticate(tl_admin)
    assert admin.delete(reverse("api:apitoken-detail", args=[phone["id"]])).status_code == 204
    assert me_with(phone["token"]).status_code == REFUSED
    notes = list(AuditEvent.objects.filter(action=AuditAction.DELETE).order_by("id").values_list("note", flat=True))
    assert notes == ["吊销接口令牌：本人吊销", "吊销接口令牌：管理员吊销"]


def test_the_token_is_not_stored_and_issuing_it_is_audited(tl_clerk) -> None:
    body = ask_token("tl_clerk", "张三的手机").json()
    row = ApiToken.objects.get(pk=body["id"])
    stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=row.pk).values().first().values())
    assert body["token"] not in stored
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="accounts.apitoken")
    assert event.actor == tl_clerk and event.channel == "api" and "张三的手机" in event.object_repr
    assert body["token"] not in str(event.changes)


def test_weak_passwords_are_refused_in_chinese(client, tl_admin, tl_clerk) -> None:
    client.force_login(tl_admin)
    for password, message in (("aaaaaaaaaa1", "密码大部分是同一个字符"), ("woaini1314", "这个密码太常见了")):
        response = client.post(
            reverse("accounts:user_reset_password", args=[tl_clerk.pk]), {"password1": password, "password2": password}
        )
        assert message in response.content.decode()
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password(PASSWORD)
