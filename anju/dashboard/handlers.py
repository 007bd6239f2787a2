"""Background job: refresh the dashboard's summaries (all, or the regions named)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anju.jobs.models import Job
from anju.jobs.registry import job_handler


@job_handler("dashboard.refresh")
def refresh(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.dashboard.services import summaries_refresh

    codes = job.params.get("region_codes") or None
    stages = [0]

    def step(message: str) -> None:
        stages[0] += 1
        progress(stages[0], 7, message)  # a stop asked for meanwhile ends the job here, rolled back

    progress(0, 7, "正在统计")
    rows = summaries_refresh(region_codes=codes, step=step)
    progress(7, 7, "完成")
    return {"rows": rows}
