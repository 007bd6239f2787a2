"""The django-tasks entry point; the work itself is in services.job_execute."""

from __future__ import annotations

from django_tasks import task

from anju.core.context import request_context
from anju.jobs.services import job_execute


@task()
def run_job(job_id: str) -> None:
    with request_context(ip=None, channel="job"):
        job_execute(job_id)
