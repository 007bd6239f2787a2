"""Background job of the regions app: importing a divisions file too big to read while the
user waits. Registered by RegionsConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anju.jobs.models import Job
from anju.jobs.registry import job_handler
from anju.jobs.services import JobFailed


@job_handler("regions.import")
def regions_import(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    from anju.regions.services import RegionImportError, region_import

    with job.input_file.open("rb") as fh:
        data = fh.read()
    try:
        result = region_import(
            data=data,
            filename=job.params.get("filename", ""),
            acting_user=job.created_by,
            progress=lambda done, total: progress(done, total, f"已处理 {done}/{total} 行"),
        )
    except RegionImportError as exc:
        raise JobFailed(str(exc), exc.result.as_dict()) from exc
    return result.as_dict()
