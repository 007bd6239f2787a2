"""Background job of the ledgers app: a ledger export too big to make while the user waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.pages import error_text
from anju.jobs.models import Job
from anju.jobs.registry import job_handler
from anju.jobs.services import JobFailed


@job_handler("ledgers.export")
def ledger_export(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.ledgers.services import ledger_export_job

    try:
        return ledger_export_job(job=job, progress=progress)
    except (ValidationError, PermissionDenied) as exc:
        raise JobFailed(error_text(exc)) from exc
