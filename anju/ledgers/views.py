"""Ledger pages: the list with filters and download buttons, a paged preview, the download."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.core.pages import error_text, run_action
from anju.core.scoping import get_visible_or_404
from anju.jobs.models import Job
from anju.ledgers import selectors
from anju.ledgers.acts import ReturnAct, act_refusal, available_acts
from anju.ledgers.forms import LedgerFilterForm, ReturnUploadForm
from anju.ledgers.models import LedgerReturn
from anju.ledgers.registry import DATE, INT, LEDGERS, MONEY, Column
from anju.ledgers.returns import returnable_ledgers
from anju.ledgers.services import (
    FORMATS,
    LedgerFile,
    ledger_export,
    ledger_return_commit,
    ledger_return_start,
)


def _filters(request: HttpRequest) -> tuple[LedgerFilterForm, int, object]:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    year, region = form.cleaned()
    return form, year, region


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    form, year, region = _filters(request)
    try:
        entries = selectors.ledger_entries(user=request.user, year=year, region=region)  # type: ignore[arg-type]  # _filters gives the region as object (the form's cleaned() is untyped): a Region or None
    except PermissionDenied as exc:
        raise Http404(str(exc)) from exc
    context = {"form": form, "entries": entries, "year": year, "query": _query(request), "page_title": "台账"}
    return render(request, "ledgers/index.html", context)


def _cells(row: Sequence[Any], columns: Sequence[Column]) -> list[tuple[str, str]]:
    """Each value as the xlsx shows it, with its cell's class (numbers right, long text wraps)."""
    cells = []
    for value, column in zip(row, columns, strict=True):
        if value is None:
            cells.append(("", ""))
        elif column.kind == MONEY:
            cells.append((f"{value:,.2f}", "text-end text-nowrap"))
        elif column.kind == INT:
            cells.append((str(value), "text-end"))
        elif column.kind == DATE:
            cells.append((f"{value:%Y-%m-%d}", "text-nowrap"))
        else:
            text = str(value)
            # Long Chinese text wraps; codes and (masked) ID numbers stay on one line.
            cells.append((text, "wrap" if len(text) > 12 and not text.isascii() else "text-nowrap"))
    return cells


@login_required
def ledger_preview(request: HttpRequest, key: str) -> HttpResponse:
    if key not in LEDGERS:
        raise Http404("没有这个台账。")
    form, year, region = _filters(request)
    try:
        preview = selectors.ledger_preview(
            user=request.user,
            key=key,
            year=year,
            region=region,  # type: ignore[arg-type]  # _filters gives the region as object (the form's cleaned() is untyped): a Region or None
            page=request.GET.get("page"),
        )
    except PermissionDenied as exc:
        raise Http404(str(exc)) from exc
    columns = preview.drawn.ledger.columns
    context = {
        "form": form,
        "preview": preview,
        "page": preview.page,
        "columns": columns,
        "rows": [_cells(row, columns) for row in preview.page.object_list],
        "totals": _cells(preview.totals, columns) if preview.totals else None,
        "query": _query(request),
        "page_title": preview.drawn.ledger.short,
    }
    return render(request, "ledgers/preview.html", context)


@login_required
def ledger_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """The ledger as a file, or, when it is long, a job (the user is taken to its page)."""
    if key not in LEDGERS or fmt not in FORMATS:
        raise Http404("没有这个台账。")
    form, year, region = _filters(request)
    back = f"{reverse('ledgers:index')}?{_query(request)}"
    if form.is_bound and not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        result = ledger_export(acting_user=signed_in_user(request), key=key, fmt=fmt, year=year, region=region)  # type: ignore[arg-type]  # _filters gives the region as object (the form's cleaned() is untyped): a Region or None
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    if isinstance(result, LedgerFile):
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = content_disposition_header(True, result.filename) or ""
        return response
    messages.info(request, "台账较大，已转为后台任务生成，完成后可在本页下载。")
    return redirect("jobs:job_detail", pk=result.pk)


# --- ledgers that come back (ADR 0040) ----------------------------------------------------------


@login_required
def return_upload(request: HttpRequest) -> HttpResponse:
    """上传回传台账: the form, and the user's recent returns."""
    refused = act_refusal(None, request.user, ReturnAct.UPLOAD)
    form = ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not refused and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ret = ledger_return_start(acting_user=signed_in_user(request), data=upload.read(), filename=upload.name)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            if isinstance(ret, Job):
                messages.info(request, "文件较大，已转为后台任务逐格比对，完成后在任务页打开预览。")
                return redirect("jobs:job_detail", pk=ret.pk)
            return redirect("ledgers:return_detail", pk=ret.pk)
    recent = LedgerReturn.objects.visible_to(request.user).select_related("created_by")[:20]
    context = {
        "form": form,
        "refused": refused,
        "recent": recent,
        "page_title": "回传台账",
        "returnable": returnable_ledgers(),
    }
    return render(request, "ledgers/return_upload.html", context)


@login_required
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cell-level preview of a returned ledger, and its commit button."""
    ret = get_visible_or_404(
        LedgerReturn.objects.select_related("export", "created_by", "committed_by"), request.user, pk=pk
    )
    context = {
        "ret": ret,
        "ledger": LEDGERS.get(ret.ledger),
        "acts": available_acts(ret, request.user),
        "page_title": "回传台账预览",
    }
    return render(request, "ledgers/return_detail.html", context)


@login_required
@require_POST
def return_commit(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_visible_or_404(LedgerReturn.objects.select_related("export"), request.user, pk=pk)
    back = reverse("ledgers:return_detail", args=[ret.pk])
    return run_action(
        request,
        lambda: ledger_return_commit(acting_user=signed_in_user(request), ledger_return=ret),
        success=lambda r: (
            f"已写入 {r.counts.get('changed_rows', 0)} 行、{r.counts.get('changed_cells', 0)} 个单元格的修改。"
        ),
        then=lambda r: back,
        otherwise=back,
    )
