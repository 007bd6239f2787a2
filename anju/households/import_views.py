"""Pages for department list imports: upload, preview, commit, cancel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.core.exporting import log_export, table_response
from anju.core.scoping import get_visible_or_404
from anju.households.forms import ListUploadForm
from anju.households.importjobs import start_list_commit, start_list_preview
from anju.households.listimport import list_import_cancel, plan_rows
from anju.households.models import ListImport, ListImportStatus
from anju.households.permissions import can_write_statuses, sees_personal_data

PREVIEW_ROWS = 200


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    qs = ListImport.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "households/import_list.html",
        {"page": page, "can_import": can_write_statuses(request.user), "page_title": "名单导入"},
    )


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not can_write_statuses(user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    department = (
        "rural_revitalization"
        if user.has_role(Role.RURAL_REVITALIZATION) and not user.has_role(Role.CIVIL_AFFAIRS)
        else "civil_affairs"
    )
    form = ListUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": department, "list_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ANJU_MAX_IMPORT_BYTES:
            form.add_error("file", f"文件过大（上限 {settings.ANJU_MAX_IMPORT_BYTES // (1024 * 1024)} MB）。")
        else:
            job = start_list_preview(
                acting_user=user,
                filename=upload.name,
                data=upload.read(),
                department=form.cleaned_data["department"],
                group=form.cleaned_data["group"],
                list_date=form.cleaned_data["list_date"],
            )
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "households/import_new.html", {"form": form, "page_title": "导入部门名单"})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(ListImport.objects.select_related("created_by"), request.user, pk=pk)
    p = record.preview or {}
    sections = [
        ("new_households", "新增农户", "将登记为新农户并认定身份"),
        ("status_added", "新增身份", "已在册农户，将新增该类身份"),
        ("status_ended", "出列", "在册但不在本名单中，将以名单日期出列"),
        ("no_house", "无房屋记录（以人找房待办）", "导入后须排查其住房"),
    ]
    return render(
        request,
        "households/import_detail.html",
        {
            "record": record,
            "sections": [
                (key, title, hint, (p.get(key) or [])[:PREVIEW_ROWS], (record.counts or {}).get(key, 0))
                for key, title, hint in sections
            ],
            "invalid": (p.get("invalid") or [])[:PREVIEW_ROWS],
            "preview_rows": PREVIEW_ROWS,
            "show_pii": sees_personal_data(request.user),
            "can_commit": record.status == ListImportStatus.PREVIEWED and record.created_by_id == request.user.pk,
            "page_title": str(record),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    try:
        job = start_list_commit(acting_user=request.user, record=record)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("households:import_detail", pk=record.pk)
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    try:
        list_import_cancel(acting_user=request.user, list_import=record)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已取消，未写入任何数据。")
    return redirect("households:import_detail", pk=record.pk)


@login_required
def import_original(request: HttpRequest, pk: int) -> FileResponse:
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    return FileResponse(record.original.open("rb"), as_attachment=True, filename=record.original_name)


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every invalid row of a list with the reason per cell, to fix the file and upload it again."""
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)

    def rows() -> Iterator[list[Any]]:
        for r in plan_rows(record, kinds="X"):
            for column, reason in json.loads(r["errors"]).items():
                yield [int(r["line"]), r["name"], column, reason]

    response, count = table_response(
        fmt="xlsx",
        title=f"无效行-{record.original_name.rsplit('.', 1)[0]}"[:60],
        headers=["行号", "姓名", "列", "问题"],
        rows=rows(),
        widths=[8, 12, 12, 60],
    )
    log_export(
        actor=request.user, what="households.listimport.errors", filters={"list_import": pk}, rows=count, fmt="xlsx"
    )
    return response
