"""Starting jobs and running them in the worker."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from anju.core import logs
from anju.core.actors import Actor
from anju.core.context import current_context
from anju.jobs import metrics
from anju.jobs.models import Job, JobStatus, WorkerBeat
from anju.jobs.registry import handler_for

logger = logging.getLogger(__name__)

INTERRUPTED = "后台进程停止，任务已中断，未完成的部分没有保存；请重新提交。"
ABANDONED = "后台进程在处理中意外退出（服务器或进程重启），任务未完成；请重新提交。"

# Set when the worker is asked to stop (SIGTERM): the running job stops at its next progress
# report instead of holding the stop for as long as it runs (a province-wide refresh: minutes).
_stop = threading.Event()


def request_stop() -> None:
    _stop.set()


def stop_requested() -> bool:
    return _stop.is_set()


def reset_stop() -> None:
    _stop.clear()


class JobInterrupted(BaseException):
    """Raised inside a handler's progress report when the worker is stopping. A BaseException, so
    that a handler's own ``except Exception`` does not swallow the stop."""


WORKER_ID_ENV = "ANJU_WORKER_ID"


def worker_identity() -> str:
    """The worker process that beats: ``host:pid``, or the identity a parent worker handed down
    in ``ANJU_WORKER_ID`` — RQ runs each job in a forked work horse whose pid nobody beats for,
    so without it the parent's reaper would fail a long job as abandoned while it runs."""
    return os.environ.get(WORKER_ID_ENV) or f"{socket.gethostname()}:{os.getpid()}"


def heartbeat_seconds() -> int:
    return int(getattr(settings, "ANJU_JOB_HEARTBEAT_SECONDS", 15))


def stale_after() -> timedelta:
    """A worker or job silent for this long is taken as dead (four missed beats)."""
    return timedelta(seconds=4 * heartbeat_seconds())


class JobFailed(Exception):
    """A handler's way to fail a job with a message and a result for the user."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


def job_start(
    *,
    acting_user: Actor,
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
            # By id: the foundation cannot name the user model (ADR 0025); the actor is one.
            created_by_id=acting_user.pk,
            region_code=acting_user.region.code if acting_user.region is not None else "",
        )
        if input_data is not None:
            job.input_file.save(input_name or "upload.bin", ContentFile(input_data), save=False)
        job.save()
        transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def _finish(job: Job, status: str, message: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, message=message[:300], finished_at=timezone.now(), **fields)
    _finished(job, status)


def _finished(job: Job, status: str) -> None:
    """The job's end as a log event and a metric (how long imports and exports take)."""
    seconds = (timezone.now() - job.started_at).total_seconds() if job.started_at else 0.0
    logs.event("job.finished", job=str(job.pk), kind=job.kind, status=status, seconds=round(seconds, 1))
    metrics.job_finished(job.kind, status, seconds)


def job_execute(job_id: str) -> None:
    """Run one job: the worker's entry point. Never raises for handler errors."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=now, worker_id=worker_identity(), heartbeat_at=now
    )

    def progress(done: int, total: int, message: str = "") -> None:
        if stop_requested():
            raise JobInterrupted
        Job.objects.filter(pk=job.pk).update(done=done, total=total, message=message[:300], heartbeat_at=timezone.now())

    try:
        result = handler_for(job.kind)(job, progress)
    except JobInterrupted:
        logger.warning("job %s interrupted by a worker stop", job.pk)
        _finish(job, JobStatus.FAILED, INTERRUPTED)
        return
    except JobFailed as exc:
        _finish(job, JobStatus.FAILED, str(exc), result=exc.result)
        return
    except Exception as exc:  # a bug: keep the worker alive, tell the user, log it
        logger.exception("job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, f"任务异常终止：{type(exc).__name__}")
        return
    job.refresh_from_db()
    _finish(job, JobStatus.SUCCEEDED, "", result=result, done=max(job.done, job.total))


def jobs_reap() -> int:
    """Fail the jobs left "running" by a worker that died (kill -9, a power cut, an OOM kill):
    their worker has not beaten for ``stale_after()``. The user sees why on the job's page.
    Returns how many were failed. Safe to run from several processes at once."""
    cutoff = timezone.now() - stale_after()
    WorkerBeat.objects.filter(seen_at__lt=cutoff - timedelta(days=1)).delete()  # long-gone processes
    alive = WorkerBeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    stuck = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).exclude(worker_id__in=alive)
    never_beat = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__isnull=True, started_at__lt=cutoff)
    ids = list(stuck.values_list("pk", flat=True)) + list(never_beat.values_list("pk", flat=True))
    if not ids:
        return 0
    count = Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, message=ABANDONED, finished_at=timezone.now()
    )
    logger.warning("reaped %d job(s) abandoned by a dead worker", count)
    return count


def worker_beat(worker_id: str) -> None:
    """The worker says it is alive, and so does the job it is running."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "seen_at": now},
    )
    Job.objects.filter(status=JobStatus.RUNNING, worker_id=worker_id).update(heartbeat_at=now)


def worker_alive() -> bool:
    return WorkerBeat.objects.filter(seen_at__gte=timezone.now() - stale_after()).exists()


class Heartbeat(threading.Thread):
    """Beats every ``heartbeat_seconds()`` for the worker and its running job, and reaps the
    jobs of dead workers, until stopped. Runs beside the worker's loop (its own connection)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="anju-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                close_old_connections()
                worker_beat(self.worker_id)
                jobs_reap()
            except Exception:  # the database away for a moment: beat again later
                logger.exception("worker heartbeat failed")
            self.halt.wait(heartbeat_seconds())
        connection.close()
