"""Background jobs of the households app: list preview and commit.

Both run under a memory limit (``ANJU_IMPORT_MEMORY_LIMIT_MB``, ADR 0022): a list that would
need more fails as a job with a Chinese message, and the worker carries on with the next job."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anju.core.memlimit import memory_limit
from anju.households.history import history_import_preview
from anju.households.listimport import list_import_commit, list_import_preview
from anju.households.models import HistoryImportStatus, ListImport, ListImportStatus
from anju.jobs.models import Job
from anju.jobs.registry import job_handler
from anju.jobs.services import JobFailed

# What an import may add to the worker's address space. The 1,000,000-row import peaks at
# ~0.8 GB resident; address space runs higher (allocator arenas, the file held twice).
IMPORT_MEMORY_LIMIT_MB = 4096


def import_memory_limit_mb() -> int:
    return int(getattr(settings, "ANJU_IMPORT_MEMORY_LIMIT_MB", IMPORT_MEMORY_LIMIT_MB))


@contextmanager
def _bounded() -> Iterator[None]:
    limit = import_memory_limit_mb()
    try:
        with memory_limit(limit):
            yield
    except MemoryError as exc:
        raise JobFailed(
            f"名单过大：处理时超过了内存上限（{limit} MB），已停止，未写入任何数据。"
            "请把名单分成几个文件，或只保留名单所在的工作表后再上传。"
        ) from exc


@job_handler("households.list_preview")
def list_preview(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    p = job.params
    with _bounded():
        with job.input_file.open("rb") as fh:
            data = fh.read()
        record = list_import_preview(
            acting_user=job.created_by,
            data=data,
            filename=p["filename"],
            department=p["department"],
            group=p.get("group", ""),
            list_date=datetime.date.fromisoformat(p["list_date"]),
            progress=progress,
            sheet=p.get("sheet"),
        )
        del data
    if record.status == ListImportStatus.FAILED:
        raise JobFailed(record.error, {"list_import": record.pk})
    return {"list_import": record.pk, **record.counts}


@job_handler("households.list_commit")
def list_commit(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    record = ListImport.objects.get(pk=job.params["list_import"])
    try:
        with _bounded():
            record = list_import_commit(acting_user=job.created_by, list_import=record, progress=progress)
    except (ValidationError, PermissionDenied) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise JobFailed(message, {"list_import": record.pk}) from exc
    return {"list_import": record.pk, **record.counts}


@job_handler("households.history_preview")
def history_preview(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    """A large national-system export (ADR 0041), previewed under the same memory limit."""
    progress(0, 1, "正在读取")
    with _bounded():
        with job.input_file.open("rb") as fh:
            data = fh.read()
        record = history_import_preview(acting_user=job.created_by, data=data, filename=job.params["filename"])
        del data
    if record.status == HistoryImportStatus.REFUSED:
        raise JobFailed(record.error, {"history_import": record.pk})
    progress(1, 1, "完成")
    link = reverse("households:history_detail", args=[record.pk])
    return {"history_import": record.pk, "link": link, "link_label": "查看预览并确认导入", **record.counts}
