"""Middleware that records where a request came from, for the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from anju.core.context import request_context


def client_ip(request: HttpRequest) -> str | None:
    # Behind nginx the real address is the last hop the proxy appended; trust
    # X-Forwarded-For only as far as ANJU_PROXY_COUNT proxies (docs/operations.md).
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    addr = request.META.get("REMOTE_ADDR")
    return str(addr) if addr else None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with request_context(ip=client_ip(request), channel=channel):
            return self.get_response(request)
