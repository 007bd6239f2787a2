"""API errors in Chinese, with the same 404 for "missing" and "not yours"."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def anju_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("对象不存在或不在您的管辖范围内。")
    return exception_handler(exc, context)
