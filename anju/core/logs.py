"""Structured logs (issue 21; ADR 0026): one JSON line per request and per domain event, for an
operator's log shipper, with the request id that also stands in every audit row.

``event(name, **fields)`` writes a domain event (an import committed, a case closed, an
export, a job finished); ``RequestLogMiddleware`` writes the request line. Personal data never
goes into a log: paths without their query strings (a search may carry an ID number), user ids
and usernames, object ids — never names, ID numbers or phones. ``logging_config()`` builds the
LOGGING setting: JSON by default, readable console lines with ``ANJU_LOG_FORMAT=console``."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse

from anju.core.context import current_context

logger = structlog.get_logger("anju")

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": "structlog.stdlib.ProcessorFormatter",
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    renderer,
                ],
                "foreign_pre_chain": _SHARED,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # One line per request is ours; Django's own request logger would repeat it for 4xx/5xx.
        "loggers": {
            "anju": {"level": "INFO"},
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
        },
    }


def event(name: str, **fields: Any) -> None:
    """A domain event: ``event("case.closed", case=12, region="140405…")``."""
    ctx = current_context()
    logger.info(name, request_id=ctx.request_id or None, channel=ctx.channel, **fields)


class RequestLogMiddleware:
    """One line per request: id, user, region, method, path, status, duration. The response
    carries the id as ``X-Request-ID``, so a user's error report finds its line and audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        ctx = current_context()
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        region = getattr(getattr(user, "region", None), "code", None) if signed_in else None
        fields = {
            "request_id": ctx.request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": getattr(user, "pk", None) if signed_in else None,
            "username": getattr(user, "username", None) if signed_in else None,
            "region": region,
            "ip": ctx.ip,
            "channel": ctx.channel,
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(level, "request", **fields)
        if ctx.request_id:
            response["X-Request-ID"] = ctx.request_id
        return response


_ID_LIKE = re.compile(r"\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]|1[3-9]\d{9}")


def scrub_error_report(report: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's ``before_send``: an error report leaves without what users typed (bodies, query
    strings, cookies, tokens) and with ID and phone numbers in messages blanked."""
    request = report.get("request") or {}
    for key in ("data", "query_string", "cookies"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for key in list(headers):
        if key.lower() in ("authorization", "cookie", "x-csrftoken"):
            headers[key] = "[已移除]"
    for exc in (report.get("exception") or {}).get("values", []):
        if isinstance(exc.get("value"), str):
            exc["value"] = _ID_LIKE.sub("[号码已移除]", exc["value"])
    message = report.get("logentry", {}).get("message")
    if isinstance(message, str):
        report["logentry"]["message"] = _ID_LIKE.sub("[号码已移除]", message)
    return report


def init_error_reporting(dsn: str, environment: str) -> None:
    """Optional error reporting (sentry-sdk) when SENTRY_DSN is set; no personal data sent."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        traces_sample_rate=0.0,
        before_send=scrub_error_report,  # type: ignore[arg-type]  # sentry-sdk: its Event TypedDict is a dict here
    )
