"""API tokens over the API (ADR 0023): issue with a device name, the token works, lists,
revocation by its owner and by an administrator of the owner's region, the Chinese refusals,
axes' lockout on this endpoint, and the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import ApiToken, User
from anju.audit.models import AuditAction, AuditEvent
from conftest import PASSWORD

# What a dead token meets: DRF's 403 with a Chinese detail (the session class comes first).
REFUSED = 403


def issue(username: str, name: str, password: str = PASSWORD) -> Any:
    return APIClient().post(
        reverse("api:token"), {"username": username, "password": password, "name": name}, format="json"
    )


def as_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_it_issues_a_named_expiring_token_that_works(tl_clerk: User) -> None:
    response = issue("tl_clerk", "张三的手机")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["name"] == "张三的手机" and body["username"] == "tl_clerk" and body["expiry"]
    assert body["token"].startswith("anju_")
    assert as_token(body["token"]).get(reverse("api:me")).json()["username"] == "tl_clerk"
    stored = ApiToken.objects.get(pk=body["id"])
    assert body["token"] not in {stored.digest, stored.token_key} and len(stored.digest) == 128


def test_wrong_credentials_get_a_chinese_error_and_no_token(tl_clerk: User) -> None:
    response = issue("tl_clerk", "手机", password="wrong-password-1")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码错误。连续输错多次后账号将被暂时锁定。"]}
    assert issue("nobody", "手机").json() == response.json()
    assert not ApiToken.objects.exists()


def test_a_device_name_is_required(tl_clerk: User) -> None:
    response = APIClient().post(reverse("api:token"), {"username": "tl_clerk", "password": PASSWORD}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    blank = issue("tl_clerk", "   ")
    assert blank.status_code == 400 and "name" in blank.json()


def test_repeated_failures_lock_the_endpoint_with_a_json_answer(tl_clerk: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        issue("tl_clerk", "手机", password="wrong-password-1")
    locked = issue("tl_clerk", "手机")
    assert locked.status_code == 429 and locked["Content-Type"] == "application/json"
    assert "账号已被暂时锁定" in locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_token_of_a_locked_out_user_stops_working(tl_clerk: User) -> None:
    token = issue("tl_clerk", "手机").json()["token"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        issue("tl_clerk", "手机", password="wrong-password-1")
    refused = as_token(token).get(reverse("api:me"))
    assert refused.status_code == REFUSED and "令牌" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, note__contains="账号被锁定").count() == 1


def test_the_same_device_name_replaces_its_token_and_others_stay(tl_clerk: User) -> None:
    first = issue("tl_clerk", "张三的手机").json()["token"]
    tablet = issue("tl_clerk", "办公室平板").json()["token"]
    second = issue("tl_clerk", "张三的手机").json()["token"]
    assert as_token(first).get(reverse("api:me")).status_code == REFUSED
    assert as_token(second).get(reverse("api:me")).status_code == 200
    assert as_token(tablet).get(reverse("api:me")).status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["办公室平板", "张三的手机"]


def test_a_user_lists_and_revokes_their_own_tokens(tl_clerk: User) -> None:
    phone = issue("tl_clerk", "张三的手机").json()
    tablet = issue("tl_clerk", "办公室平板").json()
    client = as_token(phone["token"])
    rows = client.get(reverse("api:apitoken-list")).json()["results"]
    assert {r["name"]: r["current"] for r in rows} == {"张三的手机": True, "办公室平板": False}
    assert all("token" not in r and "digest" not in r for r in rows)
    assert client.delete(reverse("api:apitoken-detail", args=[tablet["id"]])).status_code == 204
    assert as_token(tablet["token"]).get(reverse("api:me")).status_code == REFUSED
    assert client.post(reverse("api:token_logout")).status_code == 204
    assert client.get(reverse("api:me")).status_code == REFUSED
    assert not ApiToken.objects.exists()


def test_an_admin_sees_and_revokes_tokens_in_their_subtree_only(tl_admin: User, tl_clerk: User, ps_admin: User) -> None:
    token = issue("tl_clerk", "张三的手机").json()
    issue("ps_admin", "彭水办公室电脑")
    admin = APIClient()
    admin.force_authenticate(tl_admin)
    names = {r["name"] for r in admin.get(reverse("api:apitoken-list")).json()["results"]}
    assert names == {"张三的手机"}
    sibling = APIClient()
    sibling.force_authenticate(ps_admin)
    missing = sibling.delete(reverse("api:apitoken-detail", args=[token["id"]]))
    assert missing.status_code == 404
    assert admin.delete(reverse("api:apitoken-detail", args=[token["id"]])).status_code == 204
    assert as_token(token["token"]).get(reverse("api:me")).status_code == REFUSED
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, actor=tl_admin, note__contains="管理员吊销").exists()


def test_a_clerk_cannot_see_a_colleagues_tokens(tl_clerk: User, make_user: Callable[..., User]) -> None:
    make_user("tl_clerk2", "140405102201", "village_clerk")
    other = issue("tl_clerk2", "李四的手机").json()
    client = as_token(issue("tl_clerk", "张三的手机").json()["token"])
    assert [r["name"] for r in client.get(reverse("api:apitoken-list")).json()["results"]] == ["张三的手机"]
    assert client.delete(reverse("api:apitoken-detail", args=[other["id"]])).status_code == 404


def test_an_unknown_or_garbled_token_is_refused_in_chinese(db: None) -> None:
    for header in ("Token anju_0000", "Token", "Token a b", "Token anju_zz\xe9"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get(reverse("api:me"))
        assert response.status_code == REFUSED, header
        assert "令牌" in response.json()["detail"], header


def test_the_token_endpoints_are_in_the_schema_without_warnings(db: None) -> None:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    issue_op = paths["/api/auth/token/"]["post"]
    assert set(issue_op["responses"]) >= {"201", "400", "429"}
    assert "token" in schema["components"]["schemas"]["IssuedToken"]["properties"]
    assert "delete" in paths["/api/tokens/{id}/"] and "post" in paths["/api/auth/logout/"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    ours = [w for w in GENERATOR_STATS._warn_cache if "accounts" in w or "oken" in w]
    assert not ours and not GENERATOR_STATS._error_cache


def test_logging_out_without_a_token_says_so(tl_clerk: User) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    response = client.post(reverse("api:token_logout"))
    assert response.status_code == 400 and response.json() == {"detail": "本次请求未使用接口令牌。"}


def test_an_admin_filters_by_user_and_learns_nothing_of_other_regions(
    tl_admin: User, tl_clerk: User, ps_admin: User
) -> None:
    issue("tl_clerk", "张三的手机")
    issue("ps_admin", "彭水办公室电脑")
    admin = APIClient()
    admin.force_authenticate(tl_admin)
    mine = admin.get(reverse("api:apitoken-list"), {"user": tl_clerk.pk}).json()["results"]
    assert [r["name"] for r in mine] == ["张三的手机"]
    sibling = admin.get(reverse("api:apitoken-list"), {"user": ps_admin.pk})
    nobody = admin.get(reverse("api:apitoken-list"), {"user": 999999})
    assert sibling.status_code == nobody.status_code == 200 and sibling.json() == nobody.json()
