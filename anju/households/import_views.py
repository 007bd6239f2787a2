"""Pages for department list imports: upload, preview, commit, cancel."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import Role
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.masking import mask_id_number, mask_phone, may_see_all
from anju.core.scoping import get_visible_or_404
from anju.core.tabular import TabularError, open_table
from anju.households.forms import ListUploadForm, SheetChoiceForm, VillageMapForm
from anju.households.importjobs import start_list_commit, start_list_preview, start_list_reread
from anju.households.listimport import list_import_cancel, plan_rows, village_alias_save
from anju.households.models import ListImport, ListImportStatus
from anju.households.permissions import can_write_statuses
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

PREVIEW_ROWS = 200
# ID numbers (15/18 digits), bank accounts (16-19) and mobile numbers, wherever they sit in a cell.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{14,}[0-9Xx]|1[0-9]{10})(?![0-9])")


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
    user = signed_in_user(request)
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
    can_reread = (
        record.status in (ListImportStatus.PREVIEWED, ListImportStatus.FAILED)
        and record.created_by_id == request.user.pk
        and can_write_statuses(request.user)
    )
    unmatched = p.get("unmatched_villages") or []
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
            "original_whole": may_see_all(request.user),
            "can_commit": record.status == ListImportStatus.PREVIEWED and record.created_by_id == request.user.pk,
            "can_reread": can_reread,
            "unmatched": unmatched,
            "all_villages": _village_options(request.user) if unmatched and can_reread else [],
            "page_title": str(record),
        },
    )


def _village_options(user: Any) -> list[tuple[int, str]]:
    """Every village the user may choose in the mapping step, with its 乡镇."""
    villages = (
        Region.objects.visible_to(user)
        .filter(level=RegionLevel.VILLAGE)
        .select_related("parent")
        .order_by("code")[:5000]
    )
    return [(v.pk, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages]


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    try:
        job = start_list_commit(acting_user=signed_in_user(request), record=record)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("households:import_detail", pk=record.pk)
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    try:
        list_import_cancel(acting_user=signed_in_user(request), list_import=record)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已取消，未写入任何数据。")
    return redirect("households:import_detail", pk=record.pk)


def _mask_cell(value: str) -> str:
    return _PERSONAL_NUMBER.sub(
        lambda m: mask_phone(m[0]) if len(m[0]) == 11 and m[0].startswith("1") else mask_id_number(m[0]), value
    )


@login_required
def import_original(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The uploaded file: as uploaded for roles that see every kind of personal data whole
    (``anju.core.masking.may_see_all``); for the others a
    copy of the sheet that was read with every ID number, phone and account number masked.
    Either way an audited export (the file carries a whole list of people)."""
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    ext = record.original_name.rsplit(".", 1)[-1].lower() if "." in record.original_name else "file"
    if may_see_all(request.user):
        log_export(
            actor=request.user,
            what="households.listimport.original",
            filters={"list_import": pk, "copy": "原件"},
            rows=int((record.counts or {}).get("rows", 0)),
            fmt=ext,
        )
        return FileResponse(record.original.open("rb"), as_attachment=True, filename=record.original_name)
    if record.status == ListImportStatus.FAILED:
        raise PermissionDenied("原始文件含完整的身份证号，您的角色只能下载脱敏副本；该文件无法读取，不能生成脱敏副本。")
    with record.original.open("rb") as fh:
        data = fh.read()
    refused = "原始文件含完整的身份证号，您的角色只能下载脱敏副本；无法生成："
    try:
        table = open_table(data, record.original_name)
        sheet = (record.preview or {}).get("sheet") or ""
        rows = table.rows(table.sheet_names.index(sheet) if sheet in table.sheet_names else 0)
        head = [_mask_cell(c) for c in next(rows, [])]
    except TabularError as exc:
        raise PermissionDenied(f"{refused}{exc}") from exc

    def masked() -> Iterator[list[str]]:  # streamed: a 1,000,000-row list is not held as lists
        for row in rows:
            yield [_mask_cell(c) for c in row]

    try:
        response, count = table_response(
            fmt="xlsx",
            title=f"脱敏-{record.original_name.rsplit('.', 1)[0]}"[:60],
            headers=head or ["（空）"],
            rows=masked(),
        )
    except TabularError as exc:
        raise PermissionDenied(f"{refused}{exc}") from exc
    log_export(
        actor=request.user,
        what="households.listimport.original",
        filters={"list_import": pk, "copy": "脱敏副本"},
        rows=count,
        fmt="xlsx",
    )
    return response


@login_required
@require_POST
def import_reread(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the uploaded file again: with the sheet the user chose, or after mapping villages."""
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    if not can_write_statuses(request.user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    form = SheetChoiceForm(request.POST)
    sheet = form.cleaned_data["sheet"] if form.is_valid() else None
    try:
        job = start_list_reread(acting_user=signed_in_user(request), record=record, sheet=sheet)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("households:import_detail", pk=record.pk)
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
@require_POST
def import_village_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping step: remember which division a written village name means (per county)."""
    record = get_visible_or_404(ListImport.objects.all(), request.user, pk=pk)
    form = VillageMapForm(request.POST, viewer=request.user)
    if not form.is_valid():
        messages.error(request, "请选择对应的村（社区）。")
        return redirect("households:import_detail", pk=record.pk)
    try:
        alias = village_alias_save(
            acting_user=signed_in_user(request),
            township=form.cleaned_data["township"],
            name=form.cleaned_data["name"],
            village=form.cleaned_data["village"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(
            request,
            f"已记住：名单中的「{alias.written}」即 {alias.village.full_name()}，本县以后的名单自动沿用。"
            "全部选好后请点「按新的对应重新预览」。",
        )
    return redirect("households:import_detail", pk=record.pk)


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
