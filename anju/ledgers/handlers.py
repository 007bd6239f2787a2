"""Background jobs of the ledgers app: a ledger export too big to make while the user waits, and
the preview of a big returned ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

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


@job_handler("ledgers.return_preview")
def ledger_return_preview(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    """A returned ledger over ``RETURN_DIRECT_BYTES`` (ADR 0040): read and compared here; the job
    page then links the preview (refused or not: its page says why)."""
    from anju.ledgers.services import ledger_return_preview as preview

    progress(0, 1, "正在读取并逐格比对")
    with job.input_file.open("rb") as fh:
        data = fh.read()
    try:
        ret = preview(acting_user=job.created_by, data=data, filename=str(job.params["filename"]))
    except (ValidationError, PermissionDenied) as exc:
        raise JobFailed(error_text(exc)) from exc
    progress(1, 1, "完成")
    counts = {k: v for k, v in ret.counts.items() if k != "rows"}
    return {
        "ledger_return": ret.pk,
        "link": reverse("ledgers:return_detail", args=[ret.pk]),
        "link_label": "查看回传预览" if not ret.problems else "查看拒收原因",
        **counts,
    }
