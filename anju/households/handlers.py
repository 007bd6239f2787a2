"""Background jobs of the households app: list preview and commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.households.listimport import list_import_commit, list_import_preview
from anju.households.models import ListImport, ListImportStatus
from anju.jobs.models import Job
from anju.jobs.registry import job_handler
from anju.jobs.services import JobFailed


@job_handler("households.list_preview")
def list_preview(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    import datetime

    with job.input_file.open("rb") as fh:
        data = fh.read()
    p = job.params
    record = list_import_preview(
        acting_user=job.created_by,
        data=data,
        filename=p["filename"],
        department=p["department"],
        group=p.get("group", ""),
        list_date=datetime.date.fromisoformat(p["list_date"]),
        progress=progress,
    )
    if record.status == ListImportStatus.FAILED:
        raise JobFailed(record.error, {"list_import": record.pk})
    return {"list_import": record.pk, **record.counts}


@job_handler("households.list_commit")
def list_commit(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    record = ListImport.objects.get(pk=job.params["list_import"])
    try:
        record = list_import_commit(acting_user=job.created_by, list_import=record, progress=progress)
    except (ValidationError, PermissionDenied) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise JobFailed(message, {"list_import": record.pk}) from exc
    return {"list_import": record.pk, **record.counts}
