"""The django-tasks entry point; the work itself is in services.job_execute."""

from __future__ import annotations

from django_tasks import task

from anju.core.context import request_context
from anju.jobs.services import job_execute


@task()
def run_job(job_id: str) -> None:
    from anju.jobs.models import Job

    params = Job.objects.filter(pk=job_id).values_list("params", flat=True).first() or {}
    ip = params.get("_ip") if isinstance(params, dict) else None
    with request_context(ip=ip, channel="job"):
        job_execute(job_id)
