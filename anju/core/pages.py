"""Small helpers the list and form pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connections, models
from django.db.models import F, Func, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property

PAGE_SIZE = 25
MAX_KEY = 2**63 - 1


class CountedPaginator(Paginator):  # type: ignore[type-arg]  # django-stubs: Paginator is generic over the rows; any list's rows pass through
    """A paginator whose count stops at ``ANJU_LIST_COUNT_CAP`` rows (ADR 0051). Counting a
    province's filtered households exactly is a scan of every match (0.4 s at 1,000,000), paid
    on every page; counting up to the cap costs at most the cap's rows. Below the cap nothing
    changes; above it the list says 「共 2000+ 条」, numbers its pages as far as the cap and
    goes on past it with 下一页, each page knowing whether another follows by reading one row
    more than it shows."""

    def __init__(self, object_list: Any, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = settings.ANJU_LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: count at most cap + 1 rows, unordered
            keys = rows.order_by().values_list("pk")[: self.cap + 1]
            try:
                sql, params = keys.query.get_compiler(using=keys.db).as_sql()
            except EmptyResultSet:
                return 0
            # COUNT(*) over the keys' own SQL: the ORM's count() of a sliced query built the same
            # subquery through its aggregation machinery, ~1 ms of a list page (ADR 0054).
            with connections[keys.db].cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)
                return int(cursor.fetchone()[0])
        return len(rows)

    @cached_property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is a floor."""
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("页码不是整数") from exc
        if value < 1:
            raise EmptyPage("页码小于 1")
        return value  # past the counted pages: the page says itself whether it is the last

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("该页没有数据")
        return counted_page(rows, number, self)

    def get_page(self, number: Any) -> Page[Any]:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(1 if self.capped else self.num_pages)


class CountedPage(Page):  # type: ignore[type-arg]  # django-stubs: generic over the rows, as above
    """A page of a capped list: whether another page follows is what its extra row said."""

    more = False
    paginator: CountedPaginator

    def has_next(self) -> bool:
        return self.more if self.paginator.capped else super().has_next()


def counted_page(rows: list[Any], number: int, paginator: CountedPaginator) -> Page[Any]:
    """The page of ``rows`` read one beyond its size: the extra row only says there is more."""
    page = CountedPage(rows[: paginator.per_page], number, paginator)
    page.more = len(rows) > paginator.per_page
    return page


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
    paginator = CountedPaginator(qs, size)
    page = _after_page(request, qs, paginator) or paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    page.object_list = rows
    page.next_after = rows[-1].pk if rows and page.has_next() else None  # type: ignore[attr-defined]  # the template's 下一页 link
    return page, query.urlencode()


def _after_page(request: HttpRequest, qs: Any, paginator: CountedPaginator) -> Page[Any] | None:
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
    rows = qs.alias(_row=row).filter(**{f"_row__{lookup}": mark})[: paginator.per_page + 1]
    return counted_page(list(rows), number_, paginator)


def paginate(request: HttpRequest, qs: Any, size: int = PAGE_SIZE, *, exact: bool = False) -> tuple[Page[Any], str]:
    """The requested page and the query string without ``page`` (for the pager's links). The
    count stops at the cap (``CountedPaginator``) unless ``exact``: a page whose count is itself
    the figure a user acts on (the houses still lived in, the key households still in C/D houses)
    counts them all."""
    query = request.GET.copy()
    query.pop("page", None)
    paginator = Paginator(qs, size) if exact else CountedPaginator(qs, size)
    return paginator.get_page(request.GET.get("page")), query.urlencode()


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
