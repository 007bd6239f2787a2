"""Pages for department list imports: upload, preview, commit, cancel."""

from __future__ import annotations

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
from anju.core.scoping import get_visible_or_404
from anju.households.forms import ListUploadForm
from anju.households.listimport import list_import_cancel
from anju.households.models import ListImport, ListImportStatus
from anju.households.permissions import can_write_statuses, sees_personal_data
from anju.jobs.services import job_start

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
            form.add_error("file", "文件过大。")
        else:
            job = job_start(
                acting_user=user,
                kind="households.list_preview",
                title=f"名单预览：{upload.name}",
                params={
                    "filename": upload.name,
                    "department": form.cleaned_data["department"],
                    "group": form.cleaned_data["group"],
                    "list_date": form.cleaned_data["list_date"].isoformat(),
                },
                input_name=upload.name,
                input_data=upload.read(),
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
                (key, title, hint, (p.get(key) or [])[:PREVIEW_ROWS], len(p.get(key) or []))
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
    if record.status != ListImportStatus.PREVIEWED:
        messages.error(request, f"该名单{record.get_status_display()}，不能再次导入。")
        return redirect("households:import_detail", pk=record.pk)
    job = job_start(
        acting_user=request.user,
        kind="households.list_commit",
        title=f"名单导入：{record.original_name}",
        params={"list_import": record.pk},
    )
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
