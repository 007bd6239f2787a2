"""Login, lockout, idle timeout and CSRF: what a user sees at the door."""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.accounts.middleware import TOUCHED
from anju.accounts.models import User
from conftest import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


def _login(client: Client, username: str, password: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_login_page_is_in_chinese(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert "登录安居系统" in body and "用户名" in body and "密码" in body


def test_a_correct_login_lands_on_the_role_home(client: Client, tl_clerk: User) -> None:
    response = _login(client, "tl_clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "村信息员工作台" in home.content.decode()


def test_a_wrong_password_gets_a_chinese_error(client: Client, tl_clerk: User) -> None:
    response = _login(client, "tl_clerk", "wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_an_unknown_user_gets_the_same_error_as_a_wrong_password(client: Client, tl_clerk: User) -> None:
    unknown = _login(client, "nobody", "wrong-password-1").content.decode()
    assert "用户名或密码错误" in unknown


def test_repeated_failures_lock_the_account(client: Client, tl_clerk: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "tl_clerk", "wrong-password-1")
    locked = _login(client, "tl_clerk", PASSWORD)
    assert locked.status_code == 429
    assert "账号已被暂时锁定" in locked.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_deactivated_user_cannot_log_in(client: Client, tl_clerk: User) -> None:
    tl_clerk.is_active = False
    tl_clerk.save()
    response = _login(client, "tl_clerk", PASSWORD)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_an_expired_session_says_why_on_the_login_page(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    assert client.get("/").status_code == 200
    # The server forgets the session, as it does after SESSION_COOKIE_AGE of idleness.
    Session.objects.all().delete()
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "登录已超时" in response.content.decode()


def _stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_is_an_idle_timeout_written_at_most_once_a_minute(client: Client, tl_clerk: User) -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    client.force_login(tl_clerk)
    assert client.get("/").status_code == 200
    first = _stored_session(client).expire_date
    # A second request within the minute (a page's photos, say) does not write the session again.
    assert client.get("/").status_code == 200
    assert _stored_session(client).expire_date == first

    # 29 minutes of idleness later (the last write 29 minutes old), a request keeps the session
    # alive for another SESSION_COOKIE_AGE.
    stored = _stored_session(client)
    data = stored.get_decoded()
    data[TOUCHED] = int(time.time()) - 29 * 60
    stored.session_data = SessionStore().encode(data)
    stored.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    stored.save()
    assert client.get("/").status_code == 200
    renewed = _stored_session(client).expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Past the idle timeout the user is back at the login page, told why.
    Session.objects.filter(pk=stored.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "登录已超时" in response.content.decode()


def test_a_post_without_csrf_token_is_refused_in_chinese(tl_clerk: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(tl_clerk)
    response = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD})
    assert response.status_code == 403
    assert "安全校验失败" in response.content.decode()


def test_logout_ends_the_session(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
