"""Background job: re-evaluate the decisions of many households (after a list import or a new
rule set)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anju.jobs.models import Job
from anju.jobs.registry import job_handler


@job_handler("eligibility.refresh")
def refresh(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    """Set-based (ADR 0042): the facts of 2,000 households at a time, each distinct set of facts
    evaluated once, decisions and audit rows written in bulk."""
    from anju.eligibility.services import decisions_refresh_set, households_that_matter

    p = job.params
    ids: list[int] = p.get("household_ids") or households_that_matter(p.get("region_code") or "")
    progress(0, len(ids), "开始认定")
    written = decisions_refresh_set(
        household_ids=ids,
        trigger=p.get("reason", "重新认定"),
        acting_user=job.created_by,
        progress=lambda done, total: progress(done, total, f"已认定 {done} 户"),
    )
    progress(len(ids), len(ids), "完成")
    return {"households": len(ids), "decisions": written}
