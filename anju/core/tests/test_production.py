"""Production settings (issue 21): refusing weak settings, no-store on personal data, the admin
for superusers only, and HTTPS seen through the TLS proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from anju.accounts.models import User
from anju.core.management.commands.preflight import problems_and_warnings

GOOD_ENV = {
    "DJANGO_SECRET_KEY": "Vd1q8nZr0X-3mKpLw7sYc2bTfH9jQeA4uGi5oN6yRz_hEvUxWt",
    "DJANGO_ALLOWED_HOSTS": "anju.example.gov.cn",
}


def test_preflight_names_each_missing_setting(settings: Any) -> None:
    settings.DEBUG = False
    problems, _ = problems_and_warnings({})
    assert any("DJANGO_SECRET_KEY" in p for p in problems)
    assert any("DJANGO_ALLOWED_HOSTS" in p for p in problems)
    weak, _ = problems_and_warnings(GOOD_ENV | {"DJANGO_SECRET_KEY": "a" * 60})
    assert weak == ["DJANGO_SECRET_KEY 太弱：至少 50 个字符且不能重复单一字符。"]
    assert problems_and_warnings(GOOD_ENV)[0] == []
    settings.DEBUG = True
    assert any("DJANGO_DEBUG" in p for p in problems_and_warnings(GOOD_ENV)[0])


def test_preflight_warns_about_sqlite_and_plain_http(settings: Any) -> None:
    settings.DEBUG = False
    settings.ANJU_HTTPS = False
    _, warnings = problems_and_warnings(GOOD_ENV)
    assert any("SQLite" in w for w in warnings) == settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert any("ANJU_HTTPS" in w for w in warnings)


def test_preflight_refuses_to_start(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.DEBUG = False
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    with pytest.raises(CommandError, match="无法以生产模式启动"):
        call_command("preflight")


def test_personal_data_is_never_cached(client: Client, tl_county: User) -> None:
    assert not client.get("/healthz").has_header("Cache-Control")  # public, no personal data
    assert client.get("/api/households/")["Cache-Control"] == "no-store"  # even the 403
    client.force_login(tl_county)
    assert client.get("/households/")["Cache-Control"] == "no-store"
    assert client.get("/api/households/")["Cache-Control"] == "no-store"


def test_the_admin_is_for_superusers_only(client: Client, tl_county: User, make_user: Any) -> None:
    tl_county.is_staff = True
    tl_county.save()
    client.force_login(tl_county)
    assert client.get("/django-admin/").status_code == 302  # to the admin's login, not in
    root = make_user("root_operator", None, superuser=True)
    client.force_login(root)
    assert client.get("/django-admin/").status_code == 200


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_tls_proxy_links_are_https(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    links = client.get("/api/", HTTP_X_FORWARDED_PROTO="https").json()
    assert links and all(str(url).startswith("https://") for url in links.values())
