"""The request facts that audit rows need but services are not handed.

Services take the acting user explicitly; the client IP and a request id are
carried in a context variable set by ``RequestContextMiddleware`` so that a
service called from a view, the API, the CLI or a background job records the
right origin without every caller threading it through.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    request_id: str
    channel: str  # "web", "api", "cli", "job"


_current: ContextVar[RequestContext | None] = ContextVar("anju_request_context", default=None)


def current_context() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(ip=None, request_id="", channel="cli")
    return ctx


@contextlib.contextmanager
def request_context(*, ip: str | None, channel: str, request_id: str | None = None) -> Iterator[None]:
    token = _current.set(RequestContext(ip=ip, request_id=request_id or uuid.uuid4().hex, channel=channel))
    try:
        yield
    finally:
        _current.reset(token)
