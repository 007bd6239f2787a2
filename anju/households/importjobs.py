"""Starting list-import jobs, shared by the pages and the API."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.models import User
from anju.households.listimport import list_import_cancel
from anju.households.models import ListImport, ListImportStatus
from anju.households.permissions import can_write_statuses
from anju.jobs.models import Job
from anju.jobs.services import job_start


def start_list_preview(
    *,
    acting_user: User,
    filename: str,
    data: bytes,
    department: str,
    group: str,
    list_date: datetime.date,
    sheet: str | None = None,
) -> Job:
    """Queue the preview of an uploaded list (it runs in the background with a progress bar)."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    if len(data) > settings.ANJU_MAX_IMPORT_BYTES:
        raise ValidationError({"file": f"文件过大（上限 {settings.ANJU_MAX_IMPORT_BYTES // (1024 * 1024)} MB）。"})
    return job_start(
        acting_user=acting_user,
        kind="households.list_preview",
        title=f"名单预览：{filename}",
        params={
            "filename": filename,
            "department": department,
            "group": group,
            "list_date": list_date.isoformat(),
            "sheet": sheet,
        },
        input_name=filename,
        input_data=data,
    )


def start_list_commit(*, acting_user: User, record: ListImport) -> Job:
    if record.status != ListImportStatus.PREVIEWED:
        raise ValidationError(f"该名单{record.get_status_display()}，不能再次导入。")
    if record.created_by_id != acting_user.pk:
        raise PermissionDenied("只能由上传人确认导入。")
    return job_start(
        acting_user=acting_user,
        kind="households.list_commit",
        title=f"名单导入：{record.original_name}",
        params={"list_import": record.pk},
    )


def start_list_reread(*, acting_user: User, record: ListImport, sheet: str | None = None) -> Job:
    """Preview the same original file again: after the user chose its sheet or mapped village
    names. A preview not yet committed is cancelled so that only the new one can be."""
    if record.created_by_id != acting_user.pk:
        raise PermissionDenied("只能由上传人重新预览。")
    if record.status not in (ListImportStatus.PREVIEWED, ListImportStatus.FAILED):
        raise ValidationError(f"该名单{record.get_status_display()}，不能重新预览。")
    with record.original.open("rb") as fh:
        data = fh.read()
    if sheet is None:
        sheet = (record.preview or {}).get("sheet") or None
    job = start_list_preview(
        acting_user=acting_user,
        filename=record.original_name,
        data=data,
        department=record.department,
        group=record.group,
        list_date=record.list_date,
        sheet=sheet,
    )
    if record.status == ListImportStatus.PREVIEWED:
        list_import_cancel(acting_user=acting_user, list_import=record)
    return job
