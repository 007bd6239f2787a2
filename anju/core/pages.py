"""Small helpers the list and form pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.db import models
from django.db.models import F, Func, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PAGE_SIZE = 25
MAX_KEY = 2**63 - 1


def keyset_page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    """``paginate`` for a list whose order ends with its key and runs one way (all ascending or
    all descending): the 下一页 link carries the last row's key (``after``), and that page is
    read as the rows after that row in the list's order — ``(a, b, id) > (…)``, which PostgreSQL
    answers from an index on the order instead of counting past every earlier row (ADR 0048).
    The page number is shown as before; without ``after`` (or with one that names no row of
    this list, filters and scope included) it is an ordinary numbered page."""
    query = request.GET.copy()
    for name in ("page", "after"):
        query.pop(name, None)
    paginator = Paginator(qs, size)
    page = _after_page(request, qs, paginator) or paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    page.object_list = rows
    page.next_after = rows[-1].pk if rows and page.has_next() else None  # type: ignore[attr-defined]  # the template's 下一页 link
    return page, query.urlencode()


def _after_page(request: HttpRequest, qs: Any, paginator: Paginator[Any]) -> Page[Any] | None:
    after, number = request.GET.get("after", ""), request.GET.get("page", "")
    order = [str(f) for f in qs.query.order_by]
    descending = {f.startswith("-") for f in order}
    if not (after.isdigit() and int(after) <= MAX_KEY and number.isdigit() and order and len(descending) == 1):
        return None
    if order[-1].lstrip("-") not in ("pk", "id"):
        return None
    fields = [f.lstrip("-") for f in order]
    anchor = qs.filter(pk=int(after)).values_list(*fields).first()
    if anchor is None:
        return None
    try:
        number_ = paginator.validate_number(number)
    except (EmptyPage, InvalidPage):
        return None
    row = Func(*(F(f) for f in fields), function="", output_field=models.Field())
    mark = Func(*(Value(v) for v in anchor), function="", output_field=models.Field())
    lookup = "lt" if descending == {True} else "gt"
    rows = qs.alias(_row=row).filter(**{f"_row__{lookup}": mark})[: paginator.per_page]
    return Page(list(rows), number_, paginator)


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
