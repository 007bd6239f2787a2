"""API errors in Chinese, with the same 404 for "missing" and "not yours".

A number too large for the database (an id of 10^30 in a body or a filter) or a string the
database refuses (a NUL byte in JSON) is the client's mistake: a 400 in Chinese, never a 500.
The view's transaction is marked for rollback, as DRF does for its own errors (ADR 0024).

A service's refusal (Django's ValidationError or PermissionDenied, in Chinese) is answered here
once for the whole API — 400 with the messages per field, or 403 with the service's reason — so
no view catches and translates them itself (issue 16: one error mapper for the API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

OUT_OF_RANGE = "请求中的数值超出范围，或含有不允许的字符；请检查后重试。"


def _is_bad_value(exc: Exception) -> bool:
    if isinstance(exc, OverflowError | DataError):
        return True
    # PostgreSQL's driver refuses NUL in a string before it reaches the server.
    return isinstance(exc, ValueError) and "NUL" in str(exc)


def service_errors(exc: Exception) -> exceptions.APIException:
    """A service's refusal as the API's answer: PermissionDenied → 403, ValidationError → 400
    with the same Chinese messages as the pages (per field where the service named one)."""
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    assert isinstance(exc, DjangoValidationError)
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


def anju_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError | DjangoPermissionDenied):
        exc = service_errors(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("对象不存在或不在您的管辖范围内。")
    elif _is_bad_value(exc):
        set_rollback()
        return Response({"detail": OUT_OF_RANGE}, status=400)
    return exception_handler(exc, context)
