"""Background job: re-evaluate the decisions of many households (after a list import or a new
rule set)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anju.jobs.models import Job
from anju.jobs.registry import job_handler


@job_handler("eligibility.refresh")
def refresh(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.eligibility.services import BATCH, decisions_refresh, households_that_matter

    p = job.params
    ids: list[int] = p.get("household_ids") or households_that_matter(p.get("region_code") or "")
    written = 0
    for start in range(0, len(ids), BATCH):
        progress(start, len(ids), f"已认定 {start} 户")
        written += decisions_refresh(
            household_ids=ids[start : start + BATCH], trigger=p.get("reason", "重新认定"), acting_user=job.created_by
        )
    progress(len(ids), len(ids), "完成")
    return {"households": len(ids), "decisions": written}
