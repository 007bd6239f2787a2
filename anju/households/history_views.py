"""Pages for renovation history from the national system (ADR 0041): upload, preview with the
invalid rows, the error report, commit (confirming the valid rows when some are invalid), cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.audit.services import log_export
from anju.core.filtering import refuse_invalid
from anju.core.pages import error_text, run_action
from anju.core.scoping import get_visible_or_404
from anju.households import selectors
from anju.households.forms import HistoryUploadForm
from anju.households.history import (
    error_report,
    history_import_cancel,
    history_import_commit,
    history_import_start,
)
from anju.households.models import HistoryImport, HistoryImportStatus
from anju.households.permissions import can_write_households
from anju.households.views import _export as export_now
from anju.households.views import _export_later as export_later
from anju.jobs.models import Job
from anju.regions.selectors import region_picker

PREVIEW_ROWS = 200


@login_required
def history_list(request: HttpRequest) -> HttpResponse:
    """导入历史改造记录: the form and the earlier imports."""
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    allowed = can_write_households(request.user)
    if request.method == "POST" and allowed and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = history_import_start(acting_user=signed_in_user(request), data=upload.read(), filename=upload.name)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            if isinstance(result, Job):
                messages.info(request, "文件较大，已转为后台任务预览，完成后在任务页查看结果。")
                return redirect("jobs:job_detail", pk=result.pk)
            return redirect("households:history_detail", pk=result.pk)
    page = Paginator(HistoryImport.objects.visible_to(request.user).select_related("created_by"), 25).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "allowed": allowed, "page": page, "page_title": "历史改造记录导入"}
    return render(request, "households/history_list.html", context)


@login_required
def history_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(HistoryImport.objects.select_related("created_by", "committed_by"), request.user, pk=pk)
    context = {
        "record": record,
        "rows": record.rows[:PREVIEW_ROWS],
        "invalid": record.invalid[:PREVIEW_ROWS],
        "open": record.status == HistoryImportStatus.PREVIEWED and can_write_households(request.user),
        "page_title": "历史改造记录预览",
    }
    return render(request, "households/history_detail.html", context)


@login_required
@require_POST
def history_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(HistoryImport.objects.all(), request.user, pk=pk)
    back = reverse("households:history_detail", args=[pk])
    return run_action(
        request,
        lambda: history_import_commit(
            acting_user=signed_in_user(request),
            history_import=record,
            confirm_partial=bool(request.POST.get("confirm")),
        ),
        success=lambda r: f"已导入 {r.counts.get('written', 0)} 条历史改造记录。",
        then=lambda r: back,
        otherwise=back,
    )


@login_required
@require_POST
def history_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(HistoryImport.objects.all(), request.user, pk=pk)
    back = reverse("households:history_detail", args=[pk])
    return run_action(
        request,
        lambda: history_import_cancel(acting_user=signed_in_user(request), history_import=record),
        success=lambda r: "已取消导入。",
        then=lambda r: back,
        otherwise=back,
    )


@login_required
def history_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The full error report (every invalid row and reason; ID numbers masked), logged."""
    record = get_visible_or_404(HistoryImport.objects.all(), request.user, pk=pk)
    log_export(
        actor=request.user,
        what="households.historyimport.errors",
        filters={"import": pk},
        rows=len(record.invalid),
        fmt="csv",
    )
    response = HttpResponse(error_report(record), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"历史改造记录错误报告-{pk}.csv") or ""
    return response


@login_required
def history_records(request: HttpRequest) -> HttpResponse:
    """历史改造记录: the imported records of the user's region, filtered by village, year,
    改造方式, linked or not, name/address/whole ID number; ID numbers masked by role."""
    filterset = selectors.history_list(viewer=request.user, params=request.GET)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": filterset,
        "query": query.urlencode(),
        "regions": region_picker(viewer=request.user, selected=request.GET.get("region", "")),
        "selected_region": request.GET.get("region", ""),
        "methods": selectors.history_methods(viewer=request.user),
        "page_title": "历史改造记录",
    }
    return render(request, "households/history_records.html", context)


@login_required
def history_records_export(request: HttpRequest) -> HttpResponse:
    filterset = selectors.history_list(viewer=request.user, params=request.GET)
    if refused := refuse_invalid(filterset):
        return refused
    title = "历史改造记录"
    if later := export_later(request, source="households.renovationhistory", title=title, total=filterset.qs.count()):
        return later
    return export_now(
        request,
        what="households.renovationhistory",
        title=title,
        headers=selectors.HISTORY_EXPORT_HEADERS,
        rows=selectors.history_export_rows(queryset=filterset.qs, viewer=request.user),
        widths=selectors.HISTORY_EXPORT_WIDTHS,
    )
