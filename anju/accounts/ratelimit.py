"""How many failed logins one network address may make (issue 21, 等保三级 login limits).

django-axes locks an account after repeated failures (ADR 0002: by username, because a
township office shares one NAT address). That does not stop one address from trying many
usernames, a few guesses each. This counts failed logins per address — on the login page and
at the API's token issue alike — and refuses further attempts from that address for the rest
of the window, with a Chinese message. The numbers are settings (``ANJU_LOGIN_IP_FAILURES``
per ``ANJU_LOGIN_IP_WINDOW_MINUTES``), high enough for a busy office on one address.
The counts live in Django's cache: per process with the default cache, shared with Redis
(``ANJU_REDIS_URL``, docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

from anju.core.context import current_context


def _key(ip: str) -> str:
    return f"anju:login-failures:{ip}"


def _window_seconds() -> int:
    return int(settings.ANJU_LOGIN_IP_WINDOW_MINUTES) * 60


def address_blocked(ip: str | None) -> bool:
    return bool(ip) and int(cache.get(_key(str(ip)), 0)) >= int(settings.ANJU_LOGIN_IP_FAILURES)


def blocked_message() -> str:
    return (
        f"该网络地址登录失败次数过多，已暂停登录，请 {settings.ANJU_LOGIN_IP_WINDOW_MINUTES} 分钟后再试；"
        "如确需立即登录，请联系系统管理员。"
    )


def count_failure(ip: str | None) -> None:
    if not ip:
        return
    key = _key(ip)
    if cache.add(key, 1, _window_seconds()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _window_seconds())


@receiver(user_login_failed)
def _count(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    count_failure(current_context().ip)
