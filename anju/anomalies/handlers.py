"""Background job: one anomaly run over a region, with progress rule by rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anju.jobs.models import Job
from anju.jobs.registry import job_handler


@job_handler("anomalies.run")
def run(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.accounts.models import User
    from anju.anomalies.services import checks_run
    from anju.regions.models import Region

    region = Region.objects.get(code=job.params["region_code"])
    user = User.objects.get(pk=job.created_by_id)
    result = checks_run(region=region, acting_user=user, progress=progress)
    return {
        "found": result.found,
        "still_open": result.still_open,
        "fixed": result.fixed,
        "summary": f"新发现 {result.found} 项，仍存在 {result.still_open} 项，已纠正 {result.fixed} 项。",
    }
