"""API tokens through the services and the pages: what revokes them, who may revoke which, the
audit rows, and the page under the account menu."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from anju.accounts import services
from anju.accounts.authentication import ApiTokenAuthentication
from anju.accounts.models import ApiToken, User
from anju.audit.models import AuditAction, AuditEvent
from conftest import PASSWORD


def works(plain: str) -> bool:
    request = APIRequestFactory().get("/api/me/", HTTP_AUTHORIZATION=f"Token {plain}")
    try:
        return ApiTokenAuthentication().authenticate(request) is not None
    except exceptions.AuthenticationFailed:
        return False


def test_it_issues_a_hashed_token_and_audits_it(tl_clerk: User) -> None:
    token, plain = services.api_token_issue(user=tl_clerk, name=" 张三的 手机 ")
    assert token.name == "张三的 手机" and works(plain)
    assert plain not in (token.digest, token.token_key)
    assert token.expiry is not None
    assert timezone.now() + datetime.timedelta(days=29) < token.expiry < timezone.now() + datetime.timedelta(days=31)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="accounts.apitoken")
    assert event.actor == tl_clerk and event.region_code == "140405102201" and "签发" in event.note
    assert plain not in str(event.changes)


def test_an_expired_token_is_refused_and_not_listed(tl_clerk: User) -> None:
    token, plain = services.api_token_issue(user=tl_clerk, name="手机")
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    from anju.accounts.selectors import api_token_list

    assert not api_token_list(viewer=tl_clerk, owner=tl_clerk).exists()
    assert not works(plain)


def test_changing_ones_password_revokes_every_token(tl_clerk: User) -> None:
    _, phone = services.api_token_issue(user=tl_clerk, name="手机")
    _, tablet = services.api_token_issue(user=tl_clerk, name="平板")
    services.user_change_own_password(user=tl_clerk, old_password=PASSWORD, new_password="Brand2024newpw")
    assert not works(phone) and not works(tablet) and not ApiToken.objects.exists()
    notes = set(AuditEvent.objects.filter(action=AuditAction.DELETE).values_list("note", flat=True))
    assert notes == {"吊销接口令牌：本人修改密码"}


def test_an_admins_password_reset_revokes_every_token(tl_admin: User, tl_clerk: User) -> None:
    _, plain = services.api_token_issue(user=tl_clerk, name="手机")
    services.user_reset_password(acting_user=tl_admin, user=tl_clerk, password="Reset2024clerk")
    assert not works(plain)
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, actor=tl_admin, note__contains="重置密码").exists()


def test_a_password_changed_outside_the_services_still_kills_the_token(
    tl_clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, plain = services.api_token_issue(user=tl_clerk, name="手机")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Other2024secret")
    call_command("changepassword", "tl_clerk", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ApiToken.objects.exists()  # still in the table, yet refused: its password stamp is stale
    assert not works(plain)


def test_deactivating_a_user_revokes_their_tokens(tl_admin: User, tl_clerk: User) -> None:
    _, plain = services.api_token_issue(user=tl_clerk, name="手机")
    services.user_update(
        acting_user=tl_admin,
        user=tl_clerk,
        region=tl_clerk.region,
        roles=["village_clerk"],
        full_name=tl_clerk.full_name,
        phone="",
        organization="",
        is_active=False,
    )
    assert not works(plain) and not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, note__contains="账号停用").exists()


def test_an_inactive_user_gets_no_token(tl_clerk: User) -> None:
    tl_clerk.is_active = False
    with pytest.raises(PermissionDenied):
        services.api_token_issue(user=tl_clerk, name="手机")


def test_a_user_may_hold_at_most_ten_device_tokens(tl_clerk: User) -> None:
    for n in range(10):
        services.api_token_issue(user=tl_clerk, name=f"设备{n}")
    with pytest.raises(ValidationError, match="吊销不再使用的设备"):
        services.api_token_issue(user=tl_clerk, name="第十一台")
    services.api_token_issue(user=tl_clerk, name="设备3")  # the same device again replaces its token
    assert ApiToken.objects.filter(user=tl_clerk).count() == 10


def test_an_admin_of_another_region_cannot_revoke(tl_clerk: User, ps_admin: User) -> None:
    token, plain = services.api_token_issue(user=tl_clerk, name="手机")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(acting_user=ps_admin, token=token)
    with pytest.raises(PermissionDenied):
        services.api_tokens_revoke_all_by_admin(acting_user=ps_admin, user=tl_clerk)
    assert works(plain)


def test_the_tokens_page_lists_and_revokes_ones_own(
    client: Client, tl_clerk: User, make_user: Callable[..., User]
) -> None:
    services.api_token_issue(user=tl_clerk, name="张三的手机")
    tablet, _ = services.api_token_issue(user=tl_clerk, name="办公室平板")
    colleague = make_user("tl_clerk2", "140405102201", "village_clerk")
    theirs, _ = services.api_token_issue(user=colleague, name="李四的手机")
    client.force_login(tl_clerk)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert "张三的手机" in page and "办公室平板" in page and "李四的手机" not in page
    assert reverse("accounts:token_list") in client.get("/").content.decode()  # in the menu
    assert client.post(reverse("accounts:token_list"), {"token": theirs.pk}).status_code == 404
    assert client.post(reverse("accounts:token_list"), {"token": "x"}).status_code == 404
    response = client.post(reverse("accounts:token_list"), {"token": tablet.pk}, follow=True)
    assert "已吊销「办公室平板」的接口令牌" in response.content.decode()
    assert list(ApiToken.objects.order_by("name").values_list("name", flat=True)) == ["张三的手机", "李四的手机"]


def test_an_admin_revokes_a_users_tokens_on_the_user_page(client: Client, tl_admin: User, tl_clerk: User) -> None:
    phone, _ = services.api_token_issue(user=tl_clerk, name="张三的手机")
    services.api_token_issue(user=tl_clerk, name="办公室平板")
    client.force_login(tl_admin)
    url = reverse("accounts:user_detail", args=[tl_clerk.pk])
    assert "张三的手机" in client.get(url).content.decode()
    client.post(url, {"token": phone.pk})
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["办公室平板"]
    response = client.post(url, {"all_tokens": "1"}, follow=True)
    assert "全部接口令牌（1 个）" in response.content.decode() and not ApiToken.objects.exists()


def test_an_admin_of_another_region_gets_a_404_on_the_user_page(client: Client, ps_admin: User, tl_clerk: User) -> None:
    token, _ = services.api_token_issue(user=tl_clerk, name="手机")
    client.force_login(ps_admin)
    url = reverse("accounts:user_detail", args=[tl_clerk.pk])
    assert client.post(url, {"token": token.pk}).status_code == 404
    assert client.post(url, {"all_tokens": "1"}).status_code == 404
    assert ApiToken.objects.exists()


def test_the_migration_drops_drf_plain_text_tokens(transactional_db: None) -> None:
    """A deployment that ran with DRF's authtoken: its table, migration records, content type and
    permissions go; the migration also runs where they never existed (a new database)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    drop = importlib.import_module("anju.accounts.migrations.0003_drop_drf_authtoken").drop_drf_tokens
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', '2026-01-01', 1)")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', '2026-01-01')"
        )
    old = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=old, codename="view_token", name="Can view token")
    for _ in range(2):
        with connection.schema_editor() as editor:
            drop(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_token").exists()
