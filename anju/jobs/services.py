"""Starting jobs and running them in the worker."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anju.core.context import current_context
from anju.jobs.models import Job, JobStatus
from anju.jobs.registry import handler_for

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """A handler's way to fail a job with a message and a result for the user."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


def job_start(
    *,
    acting_user: Any,
    kind: str,
    title: str,
    params: dict[str, Any] | None = None,
    input_name: str | None = None,
    input_data: bytes | None = None,
) -> Job:
    """Record a job and queue it for the worker once the transaction commits."""
    from anju.jobs.tasks import run_job

    handler_for(kind)  # unknown kinds fail here, not in the worker
    with transaction.atomic():
        job = Job(
            kind=kind,
            title=title,
            # The worker records the uploader's address in the audit rows it writes.
            params=(params or {}) | {"_ip": current_context().ip},
            created_by=acting_user,
            region_code=acting_user.region.code if acting_user.region_id else "",
        )
        if input_data is not None:
            job.input_file.save(input_name or "upload.bin", ContentFile(input_data), save=False)
        job.save()
        transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def job_execute(job_id: str) -> None:
    """Run one job: the worker's entry point. Never raises for handler errors."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, message=message[:300])

    try:
        result = handler_for(job.kind)(job, progress)
    except JobFailed as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=str(exc)[:300], result=exc.result, finished_at=timezone.now()
        )
        return
    except Exception as exc:  # a bug: keep the worker alive, tell the user, log it
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=f"任务异常终止：{type(exc).__name__}",
            finished_at=timezone.now(),
        )
        return
    job.refresh_from_db()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        result=result,
        done=max(job.done, job.total),
        message="",
        finished_at=timezone.now(),
    )
