"""Login limits and API throttles (issue 21): one address trying many usernames is stopped on
the page and at the token issue alike; the API answers 429 in Chinese past its rate; token use
is audited like a page login."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from anju.accounts.models import ApiToken, User
from anju.audit.models import AuditAction, AuditEvent
from conftest import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_counts(settings: Any) -> Iterator[None]:
    settings.ANJU_LOGIN_IP_FAILURES = 5
    cache.clear()
    yield
    cache.clear()


def test_one_address_trying_many_usernames_is_stopped(client: Client, tl_county: User) -> None:
    for i in range(5):
        response = client.post("/accounts/login/", {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 200  # wrong password, the form again
    blocked = client.post("/accounts/login/", {"username": "tl_county", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429
    assert "该网络地址登录失败次数过多" in blocked.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password waits
    # Another address — a colleague in another office — is not affected.
    other = client.post("/accounts/login/", {"username": "tl_county", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert other.status_code == 302


def test_the_token_issue_shares_the_count(tl_county: User) -> None:
    api = APIClient(REMOTE_ADDR="10.0.0.9")
    for i in range(5):
        api.post("/api/auth/token/", {"username": f"guess{i}", "password": "x", "name": "手机"}, format="json")
    response = api.post(
        "/api/auth/token/", {"username": "tl_county", "password": PASSWORD, "name": "手机"}, format="json"
    )
    assert response.status_code == 429
    assert "该网络地址登录失败次数过多" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def _rates(monkeypatch: pytest.MonkeyPatch, **rates: str) -> None:
    # DRF reads the rates once, at import; a deployment sets them by environment (settings.py).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", SimpleRateThrottle.THROTTLE_RATES | rates)


def test_the_token_issue_has_its_own_rate(monkeypatch: pytest.MonkeyPatch, tl_county: User) -> None:
    _rates(monkeypatch, token_issue="2/min")
    api = APIClient(REMOTE_ADDR="10.0.0.11")
    body = {"username": "tl_county", "password": PASSWORD, "name": "手机"}
    codes = [api.post("/api/auth/token/", body | {"name": f"手机{i}"}, format="json").status_code for i in range(3)]
    assert codes == [201, 201, 429]


def test_a_signed_in_user_past_the_rate_gets_a_chinese_429(monkeypatch: pytest.MonkeyPatch, tl_county: User) -> None:
    _rates(monkeypatch, user="3/min")
    api = APIClient()
    api.force_login(tl_county)
    codes = [api.get("/api/households/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "请求" in api.get("/api/households/").json()["detail"]


def test_token_use_is_audited_like_a_login(tl_county: User) -> None:
    api = APIClient()
    issued = api.post(
        "/api/auth/token/", {"username": "tl_county", "password": PASSWORD, "name": "乡镇平板"}, format="json"
    ).json()
    before = AuditEvent.objects.filter(action=AuditAction.LOGIN, note__contains="乡镇平板").count()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    api.get("/api/households/")
    api.get("/api/households/")  # within five minutes: no second row
    rows = AuditEvent.objects.filter(action=AuditAction.LOGIN, note__contains="乡镇平板")
    assert rows.count() == before + 1
    assert rows.last() is not None and rows.last().channel == "api"  # type: ignore[union-attr]  # checked on the left
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=6))
    api.get("/api/households/")
    assert rows.count() == before + 2


def test_with_redis_every_web_process_shares_the_count(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two web processes = two cache clients; with ANJU_REDIS_URL they see one count."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/7"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"no Redis server answers at 127.0.0.1:6379 ({exc.__class__.__name__})")
    from django.core.cache.backends.redis import RedisCache

    from anju.accounts import ratelimit

    one, two = (RedisCache(url, {}) for _ in range(2))
    one.clear()
    settings.ANJU_LOGIN_IP_FAILURES = 3
    try:
        for client in (one, two, one):
            monkeypatch.setattr(ratelimit, "cache", client)  # one process, then another
            ratelimit.count_failure("10.9.9.9")
        monkeypatch.setattr(ratelimit, "cache", two)
        assert ratelimit.address_blocked("10.9.9.9")
        monkeypatch.setattr(ratelimit, "cache", RedisCache("redis://127.0.0.1:6379/8", {}))
        assert not ratelimit.address_blocked("10.9.9.9")  # a different store knows nothing
    finally:
        one.clear()
