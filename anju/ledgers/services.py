"""Exporting a ledger: small ones as a download at once, big ones as a background job whose
result file appears on the jobs page. Every export (either way) is logged and audited through
``anju.audit.services.log_export``, with its filters and row count."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.services import log_export
from anju.core.exporting import XLSX_TYPE
from anju.core.scoping import in_scope, user_scope_prefix
from anju.jobs.models import Job
from anju.jobs.services import job_start
from anju.ledgers.handlers import FULL_IDS_CHECK
from anju.ledgers.registry import LEDGERS, Ledger, Scope, ledger_full_ids
from anju.ledgers.writers import write_pdf, write_xlsx
from anju.regions.models import Region

FORMATS = ("xlsx", "pdf")
PDF_TYPE = "application/pdf"
# Up to these many rows the file is made while the user waits (an xlsx of 5,000 rows takes about
# a second; a PDF of 1,000 rows a few seconds); above, it becomes a background job.
DIRECT_LIMIT = {"xlsx": 5000, "pdf": 1000}
# A PDF this long is no longer something anyone prints (ADR 0019).
PDF_MAX_ROWS = 20000
JOB_KIND = "ledgers.export"


@dataclass(frozen=True)
class LedgerFile:
    """A ledger file made at once: its bytes, name, content type and row count."""

    content: bytes
    filename: str
    content_type: str
    rows: int


@dataclass(frozen=True)
class Drawn:
    """What a ledger is drawn for: the ledger, the region (None: everything, for an operator
    above the tree), the year and the scope handed to the selector."""

    ledger: Ledger
    region: Region | None
    year: int
    scope: Scope

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else "全部地区"

    @property
    def title(self) -> str:
        return f"{self.region_name} {self.year} 年{self.ledger.title}"

    def subtitle(self) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        full = self.region.full_name() if self.region else self.region_name
        return f"填报范围：{full}　　导出时间：{stamp}"

    def filename(self, fmt: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.region_name}{self.year}年{self.ledger.short}-{stamp}.{fmt}"

    def filters(self) -> dict[str, Any]:
        return {"ledger": self.ledger.key, "year": self.year, "region": self.region.code if self.region else ""}


def ledger_drawn(*, user: Any, key: str, year: int, region: Region | None = None) -> Drawn:
    """Check a request for a ledger and fix what it is drawn for. Refused with a Chinese message
    for an unknown ledger, a user who sees no region, or a region outside the user's subtree."""
    ledger = LEDGERS.get(key)
    if ledger is None:
        raise ValidationError("没有这个台账。")
    prefix = user_scope_prefix(user)
    if prefix is None:
        raise PermissionDenied("您的账号没有所属区划，不能导出台账。")
    if not 2009 <= year <= 2100:
        raise ValidationError({"year": "年度应为 2009–2100 的四位数字。"})
    if region is None:
        region = user.region
    elif not in_scope(user, region.code):
        raise PermissionDenied("该区划不在您的管辖范围内。")
    scope_prefix = region.prefix if region is not None else prefix
    return Drawn(ledger, region, year, Scope(prefix=scope_prefix, year=year, full_ids=ledger_full_ids(user)))


def _make(drawn: Drawn, fmt: str, out: Any, progress: Any = None) -> int:
    rows = drawn.ledger.rows(drawn.scope)
    if fmt == "pdf":
        return write_pdf(drawn.ledger.key, rows, out, title=drawn.title, subtitle=drawn.subtitle())
    return write_xlsx(drawn.ledger.key, rows, out, title=drawn.title, subtitle=drawn.subtitle(), progress=progress)


def ledger_export(
    *, acting_user: User, key: str, fmt: str, year: int, region: Region | None = None
) -> LedgerFile | Job:
    """Export one ledger for the user's region (or a region inside it) and year, as xlsx or PDF.

    Small exports are made at once and returned as a file; bigger ones are started as a
    background job (returned), whose handler makes the file and logs the export. A PDF of more
    than ``PDF_MAX_ROWS`` rows is refused: the message suggests the xlsx. Logged either way."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": "格式应为 xlsx 或 pdf。"})
    drawn = ledger_drawn(user=acting_user, key=key, year=year, region=region)
    count = drawn.ledger.count(drawn.scope)
    if fmt == "pdf" and count > PDF_MAX_ROWS:
        raise ValidationError(
            f"该台账共 {count} 行，超过 PDF 打印上限 {PDF_MAX_ROWS} 行。请导出 xlsx，或选择一个乡镇分别打印。"
        )
    if count > DIRECT_LIMIT[fmt]:
        return job_start(
            acting_user=acting_user,
            kind=JOB_KIND,
            title=f"导出{drawn.title}（{fmt.upper()}，{count} 行）",
            params={"ledger": key, "fmt": fmt, "year": year, "region": region.code if region else ""},
        )
    out = io.BytesIO()
    rows = _make(drawn, fmt, out)
    log_export(actor=acting_user, what=f"ledgers.{key}", filters=drawn.filters(), rows=rows, fmt=fmt)
    return LedgerFile(
        content=out.getvalue(),
        filename=drawn.filename(fmt),
        content_type=PDF_TYPE if fmt == "pdf" else XLSX_TYPE,
        rows=rows,
    )


def ledger_export_job(*, job: Job, progress: Any) -> dict[str, Any]:
    """The background half of ``ledger_export``: draw the ledger again for the job's starter
    (their region may have changed since: the check is repeated), write the file to the job's
    result, log the export."""
    p = job.params
    user = job.created_by
    region = Region.objects.filter(code=p["region"]).first() if p.get("region") else None
    drawn = ledger_drawn(user=user, key=p["ledger"], year=int(p["year"]), region=region)
    fmt = p["fmt"]
    total = drawn.ledger.count(drawn.scope)
    progress(0, total, "正在生成")
    with tempfile.TemporaryFile() as tmp:
        rows = _make(drawn, fmt, tmp, lambda done: progress(done, total, f"已写入 {done}/{total} 行"))
        tmp.seek(0)
        job.output_file.save(drawn.filename(fmt), File(tmp), save=False)
    type(job).objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    log_export(actor=user, what=f"ledgers.{drawn.ledger.key}", filters=drawn.filters(), rows=rows, fmt=fmt)
    # Masked for the starter's role now; a file with full ID numbers is checked again at download.
    return {"rows": rows, "file": drawn.filename(fmt), "file_check": FULL_IDS_CHECK if drawn.scope.full_ids else ""}
