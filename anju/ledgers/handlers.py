"""Background job of the ledgers app: a ledger export too big to make while the user waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.pages import error_text
from anju.jobs.models import Job
from anju.jobs.registry import file_check, job_handler
from anju.jobs.services import JobFailed

FULL_IDS_CHECK = "ledgers.full_ids"


@file_check(FULL_IDS_CHECK)
def file_with_full_ids(user: Any) -> bool:
    """A ledger file with full ID numbers is handed only to a user who may still see them."""
    from anju.ledgers.registry import ledger_full_ids

    return ledger_full_ids(user)


@job_handler("ledgers.export")
def ledger_export(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.ledgers.services import ledger_export_job

    try:
        return ledger_export_job(job=job, progress=progress)
    except (ValidationError, PermissionDenied) as exc:
        raise JobFailed(error_text(exc)) from exc
