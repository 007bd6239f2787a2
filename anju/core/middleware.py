"""Middleware that records where a request came from, for the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

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
        # A proxy's request id (nginx: $request_id) is kept, so its log and ours line up.
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if given.isascii() and given.replace("-", "").isalnum() and len(given) <= 64 else None
        with request_context(ip=client_ip(request), channel=channel, request_id=request_id):
            return self.get_response(request)


# A character no form field or query parameter ever needs; PostgreSQL refuses it in a string
# literal (a 500 if it reached a query), so it is refused at the door for every page and API.
_FORBIDDEN = ("\x00",)
NUL_MESSAGE = "请求参数中含有不允许的控制字符（空字符），请检查后重试。"


class RejectControlCharactersMiddleware:
    """400 in Chinese for a query string or form field carrying a NUL byte (ADR 0024)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            return any(c in value for values in request.POST.lists() for value in values[1] for c in _FORBIDDEN)
        return False


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API answer and every page a signed-in user gets:
    they carry households' names, ID numbers and phones, which no browser cache on a shared
    office computer and no proxy may keep (issue 21). A response that set its own
    Cache-Control (a public health check, a file that says otherwise) is left alone; static
    files never reach this middleware (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response
