"""List exports too big to make while the user waits (ADR 0031).

An app registers each list it exports as a source (``export_source``): given the user and the
list's query parameters, it answers the table — the rows read through the same FilterSet and
the same masking as the page. A page whose filtered list has more rows than
``ANJU_EXPORT_INLINE_ROWS`` (an operational setting) starts ``export_start`` instead of writing
the file in the request: the job page shows the progress bar and, when done, the download
link. The file is its starter's alone (``Job.objects.visible_to``); what it holds whole is
checked again at download (``registry.file_check``), and both its making and its download are
audited as exports."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.conf import settings
from django.core.files import File

from anju.audit.services import log_export
from anju.core.actors import Actor
from anju.core.exporting import table_filename, write_table
from anju.core.masking import Kind, may_see
from anju.core.replica import replica_reads
from anju.jobs.models import Job
from anju.jobs.registry import file_check, job_handler
from anju.jobs.services import JobFailed, job_start

# Rows a page still exports while the user waits (about a second); above it, a job.
EXPORT_INLINE_ROWS = 5000
PROGRESS_EVERY = 1000


def inline_limit() -> int:
    return int(getattr(settings, "ANJU_EXPORT_INLINE_ROWS", EXPORT_INLINE_ROWS))


@dataclass(frozen=True)
class ExportTable:
    """What a source answers: the table, its row count, and the audit's name for it."""

    what: str  # the audited object type, e.g. "households.household"
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int
    widths: Sequence[int] | None = None
    error: str = ""  # an invalid filter, in Chinese: the job fails with it


Source = Callable[[Any, dict[str, str]], ExportTable]
_SOURCES: dict[str, Source] = {}


def export_source(name: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        _SOURCES[name] = fn
        return fn

    return register


# A file holds whole what its starter could see whole when it was made; at download the starter
# must still see each of those kinds (a role lost since refuses the file). One rule per set.
def _personal_rule(kinds: tuple[Kind, ...]) -> str:
    return "personal:" + ",".join(kind.value for kind in kinds)


def _sees_all(kinds: tuple[Kind, ...]) -> Callable[[Any], bool]:
    def check(user: Any) -> bool:
        return all(may_see(user, kind) for kind in kinds)

    return check


for _size in range(1, len(Kind) + 1):
    for _kinds in combinations(tuple(Kind), _size):
        file_check(_personal_rule(_kinds))(_sees_all(_kinds))


def personal_rule(user: Any) -> str:
    """The rule a file made for ``user`` now must pass at download ("" if all of it is masked)."""
    kinds = tuple(kind for kind in Kind if may_see(user, kind))
    return _personal_rule(kinds) if kinds else ""


def export_start(*, acting_user: Actor, source: str, params: dict[str, str], fmt: str, title: str) -> Job:
    """Queue the export of a list as a background job."""
    if source not in _SOURCES:
        raise KeyError(source)
    return job_start(
        acting_user=acting_user,
        kind="jobs.export",
        title=f"导出{title}",
        params={"source": source, "filters": params, "fmt": "csv" if fmt == "csv" else "xlsx"},
    )


@job_handler("jobs.export")
def run_export(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    user = job.created_by
    fmt = str(job.params.get("fmt") or "xlsx")
    filters = {str(k): str(v) for k, v in dict(job.params.get("filters") or {}).items()}
    with replica_reads():  # the rows may come from a read replica (ADR 0043)
        table = _SOURCES[str(job.params["source"])](user, filters)
    if table.error:
        raise JobFailed(table.error)
    progress(0, table.total, "正在导出")
    name = table_filename(table.title, fmt)
    with tempfile.TemporaryFile() as tmp, replica_reads():
        count = write_table(
            tmp,
            fmt=fmt,
            title=table.title,
            headers=table.headers,
            rows=table.rows,
            widths=table.widths,
            every=PROGRESS_EVERY,
            progress=lambda done: progress(done, max(table.total, done), f"已导出 {done} 行"),
        )
        tmp.seek(0)
        job.output_file.save(name, File(tmp), save=False)
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    log_export(actor=user, what=table.what, filters=filters | {"job": str(job.pk)}, rows=count, fmt=fmt)
    return {"rows": count, "total": count, "file": name, "file_check": personal_rule(user)}
