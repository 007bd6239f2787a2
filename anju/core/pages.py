"""Small helpers the list and form pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PAGE_SIZE = 25


def paginate(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    """The requested page and the query string without ``page`` (for the pager's links)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), query.urlencode()


def error_text(exc: ValidationError | PermissionDenied) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def form_error_text(form: Any) -> str:
    """A refused form's errors as one line for a flash message, each named by its field's label
    (「核查日期：日期格式应为 2026-12-05…」), for forms posted from a page that shows no form errors."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def run_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: Callable[[Any], str],
    then: Callable[[Any], str],
    otherwise: str,
) -> HttpResponse:
    """Run a POST action's service: on success flash ``success(result)`` and go to
    ``then(result)``; a refusal (ValidationError, PermissionDenied) is flashed in Chinese and
    goes back to ``otherwise``."""
    try:
        result = action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(otherwise)
    messages.success(request, success(result))
    return redirect(then(result))
