"""Exporting a ledger: small ones as a download at once, big ones as a background job whose
result file appears on the jobs page. Every export (either way) is logged and audited through
``anju.audit.services.log_export``, with its filters and row count."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, log_export, refusals_audited
from anju.core.exporting import XLSX_TYPE
from anju.core.masking import Kind, mask
from anju.core.pages import error_text
from anju.core.scoping import in_scope, user_scope_prefix
from anju.core.tabular import TabularError, open_table
from anju.jobs.models import Job
from anju.jobs.services import job_start
from anju.ledgers.acts import ReturnAct
from anju.ledgers.acts import ensure_act as ensure_return_act
from anju.ledgers.handlers import FULL_IDS_CHECK
from anju.ledgers.models import LedgerExport, LedgerReturn, ReturnStatus
from anju.ledgers.registry import LEDGERS, Ledger, Scope, ledger_full_ids
from anju.ledgers.returns import (
    RETURNABLE,
    CellRefused,
    canonical,
    cell_hash,
    editable_indexes,
    export_token,
    read_row_key,
    read_token,
    row_hashes,
    row_key,
)
from anju.ledgers.writers import FIRST_DATA_ROW, HEADER_ROW, KEY_HEADER, META_SHEET, ReturnStamp, write_pdf, write_xlsx
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


def _make(drawn: Drawn, fmt: str, out: Any, progress: Any = None, user: Any = None) -> int:
    ledger = drawn.ledger
    if fmt == "pdf":
        return write_pdf(ledger.key, ledger.rows(drawn.scope), out, title=drawn.title, subtitle=drawn.subtitle())
    if ledger.key in RETURNABLE and ledger.keyed is not None and user is not None:
        return _make_returnable(drawn, out, progress, user)
    rows = ledger.rows(drawn.scope)
    return write_xlsx(ledger.key, rows, out, title=drawn.title, subtitle=drawn.subtitle(), progress=progress)


def _make_returnable(drawn: Drawn, out: Any, progress: Any, user: Any) -> int:
    """The xlsx of a ledger that may come back (ADR 0040): recorded as an export version, with
    the signed version in a hidden sheet and each row's signed key and cell hashes in a hidden
    column."""
    ledger = drawn.ledger
    assert ledger.keyed is not None
    export = LedgerExport.objects.create(
        ledger=ledger.key,
        region_code=drawn.region.code if drawn.region else "",
        prefix=drawn.scope.prefix,
        year=drawn.year,
        full_ids=drawn.scope.full_ids,
        created_by=user,
    )
    keys: list[int] = []

    def stamped() -> Any:
        for key, row in ledger.keyed(drawn.scope, None):  # type: ignore[misc]  # checked above: not None
            keys.append(key)
            yield (*row, row_key(export.pk, key, row_hashes(ledger, row)))

    names = "、".join(e.header for e in RETURNABLE[ledger.key].editable)
    note = f"本文件由安居系统导出（第 {export.pk} 版）。"
    if names:
        note += f"可修改黄色表头的列（{names}）后，在「台账 → 回传台账」上传。"
        subtitle = f"{drawn.subtitle()}　　黄色表头的列可修改后回传"
    else:
        note += "本表为汇总表，不能回传修改；如有错误请修改对应案件。"
        subtitle = f"{drawn.subtitle()}　　汇总表，不能回传修改"
    stamp = ReturnStamp(token=export_token(ledger, export.pk), editable=editable_indexes(ledger), note=note)
    count = write_xlsx(ledger.key, stamped(), out, title=drawn.title, subtitle=subtitle, progress=progress, stamp=stamp)
    LedgerExport.objects.filter(pk=export.pk).update(keys=keys)
    return count


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
    rows = _make(drawn, fmt, out, user=acting_user)
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
        rows = _make(drawn, fmt, tmp, lambda done: progress(done, total, f"已写入 {done}/{total} 行"), user=user)
        tmp.seek(0)
        job.output_file.save(drawn.filename(fmt), File(tmp), save=False)
    type(job).objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    log_export(actor=user, what=f"ledgers.{drawn.ledger.key}", filters=drawn.filters(), rows=rows, fmt=fmt)
    # Masked for the starter's role now; a file with full ID numbers is checked again at download.
    return {"rows": rows, "file": drawn.filename(fmt), "file_check": FULL_IDS_CHECK if drawn.scope.full_ids else ""}


# --- ledgers that come back (ADR 0040) ----------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a savepoint to roll a trial write back."""


@dataclass
class _Reading:
    """What a returned file says, cell by cell."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    added: int = 0


def _refuse_file(ret: LedgerReturn, problems: list[str]) -> LedgerReturn:
    ret.status = ReturnStatus.REFUSED
    ret.problems = problems
    return ret


def _label(ledger: Ledger, row: Sequence[Any]) -> str:
    """「北渔泽村委会 甲」: the village and the head's name, as the officer finds the row."""
    headers = ledger.headers
    place = "村" if "村" in headers else "乡镇"  # the summary table names a township
    village = row[headers.index(place)] if place in headers else ""
    name = row[headers.index("户主姓名")] if "户主姓名" in headers else ""
    return f"{village} {name}".strip()


def _stale_by(export: LedgerExport) -> LedgerReturn | None:
    """A return of the same ledger over an overlapping region committed after this export: the
    file predates corrections someone already sent back."""
    later = LedgerReturn.objects.filter(
        ledger=export.ledger, status=ReturnStatus.COMMITTED, committed_at__gt=export.created_at
    ).select_related("committed_by", "export")
    for other in later:
        theirs = other.export.prefix if other.export else other.region_code
        if theirs.startswith(export.prefix) or export.prefix.startswith(theirs):
            return other
    return None


def _stale_text(export: LedgerExport, other: LedgerReturn) -> str:
    when = timezone.localtime(other.committed_at).strftime("%Y-%m-%d %H:%M") if other.committed_at else ""
    who = other.committed_by.full_name if other.committed_by else ""
    return (
        f"此文件是 {timezone.localtime(export.created_at):%Y-%m-%d %H:%M} 导出的（第 {export.pk} 版），"
        f"之后 {who} 已于 {when} 回传并写入过该台账。请重新导出最新台账后再修改。"
    )


FOREIGN = "这不是安居导出的可回传台账，或文件中隐藏的版本信息被改动。请从「台账」页面导出后再修改上传。"


def _find_export(ret: LedgerReturn, table: Any, user: User) -> LedgerExport | None:
    """The export version the file names, when it is a returnable ledger of the user's county
    and no return committed since has made it stale; else the return is refused."""
    if META_SHEET not in table.sheet_names:
        _refuse_file(ret, [FOREIGN])
        return None
    meta = next(iter(table.rows(table.sheet_names.index(META_SHEET))), [""])
    token = read_token(meta[0] if meta else "")
    export = (
        LedgerExport.objects.filter(pk=token["e"], ledger=token["l"]).first()
        if token and isinstance(token.get("e"), int)
        else None
    )
    mine = user_scope_prefix(user) or ""
    # A county's file may be corrected by one of its townships (each row is then checked
    # against the township's region by the service); a file of another county is foreign.
    if export is None or not (export.prefix.startswith(mine) or mine.startswith(export.prefix)):
        _refuse_file(ret, [FOREIGN])
        return None
    ret.export, ret.ledger = export, export.ledger
    if export.prefix.startswith(mine):
        ret.region_code = export.region_code
    if export.ledger not in RETURNABLE:
        _refuse_file(ret, ["该台账没有可在表格中修改的列，不接受回传。"])
        return None
    other = _stale_by(export)
    if other is not None:
        _refuse_file(ret, [_stale_text(export, other)])
        return None
    return export


def _layout_problems(ledger: Ledger, merged: Sequence[tuple[int, int, int, int]], rows: list[list[str]]) -> list[str]:
    """Merged cells among the rows, a header not as exported, columns added on the right."""
    problems = [
        f"第 {top + 1} 行起有合并单元格（{_cell_name(top, left)}:{_cell_name(bottom, right)}），"
        "回传台账不能合并单元格，请取消合并后再上传。"
        for top, left, bottom, right in merged
        if bottom >= FIRST_DATA_ROW
    ]
    header = rows[HEADER_ROW] if len(rows) > HEADER_ROW else []
    expected = [*ledger.headers, KEY_HEADER]
    found = [*header, *[""] * (len(expected) - len(header))]
    for index, name in enumerate(expected):
        if found[index] != name:
            problems.append(
                f"表头被修改：第 {index + 1} 列（{_cell_name(HEADER_ROW, index)}）应为「{name}」，文件中为「{found[index]}」。"
                "回传台账不能增删、移动或改名列。"
            )
            break
    if any(found[len(expected) :]):
        problems.append("表格右侧增加了列，回传台账不能增加列。")
    return problems


def _read_return(ret: LedgerReturn, data: bytes, user: User) -> LedgerExport | None:
    """Check the file as a whole (a returnable ledger of anju, this version, its header, no
    merged cells in the rows); on a problem the return is refused and None returned."""
    if not ret.original_name.lower().endswith(".xlsx"):
        _refuse_file(
            ret, ["请上传从安居导出的台账 .xlsx 文件（WPS、LibreOffice 保存时请选择 Excel 2007-365 (.xlsx) 格式）。"]
        )
        return None
    try:
        table = open_table(data, ret.original_name)
    except TabularError as exc:
        _refuse_file(ret, [str(exc)])
        return None
    export = _find_export(ret, table, user)
    if export is None:
        return None
    markup = table.markup(0)
    rows = list(table.rows(0))
    problems = _layout_problems(LEDGERS[export.ledger], markup.merged, rows)
    if problems:
        _refuse_file(ret, problems)
        return None
    ret.preview = {"rows": rows[FIRST_DATA_ROW:], "formulas": sorted(markup.formulas)}
    return export


def _cell_name(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


Candidate = tuple[int, int, list[str], list[str]]  # (row number, key, exported hashes, cells)


def _keyed_rows(ret: LedgerReturn, export: LedgerExport, reading: _Reading) -> tuple[list[Candidate], set[int]]:
    """The file's rows with a valid key of this export; added, altered and copied rows are
    refused whole. Returns the rows to compare and the keys seen."""
    ledger = LEDGERS[export.ledger]
    noun = RETURNABLE[ledger.key].noun
    ncols = len(ledger.columns)
    seen: dict[int, int] = {}
    candidates: list[Candidate] = []
    for offset, cells in enumerate(ret.preview["rows"]):
        number = FIRST_DATA_ROW + offset + 1
        cells = [*cells, *[""] * (ncols + 1 - len(cells))]
        if not any(cells) or (str(cells[0]).startswith("合计") and not cells[ncols]):
            continue  # an empty row, the totals row
        reading.rows += 1
        parsed = read_row_key(export.pk, cells[ncols], ncols) if cells[ncols] else None
        reason = ""
        if not cells[ncols]:
            reading.added += 1
            reason = f"新增的行：回传台账只能修改已有的行，新的{noun}请在系统中登记。"
        elif parsed is None:
            reason = "行标识被改动或来自其他文件，该行不能回传。"
        elif parsed[0] in seen:
            reason = f"与第 {seen[parsed[0]]} 行是同一{noun}（复制的行），该行不能回传。"
        if reason or parsed is None:
            reading.refused.append({"row": number, "column": "整行", "value": _label(ledger, cells), "reason": reason})
            continue
        seen[parsed[0]] = number
        candidates.append((number, parsed[0], parsed[1], cells[:ncols]))
    return candidates, set(seen)


def _cell_refusal(ledger: Ledger, index: int, exported: str, now: Sequence[Any] | None, formula: bool) -> str | None:
    """Why an edited cell cannot be written ("" or None when it can): formula, read-only column,
    the row gone from the ledger, or the row changed in anju since the export."""
    column = ledger.columns[index]
    config = RETURNABLE[ledger.key]
    if formula:
        return "单元格是公式：回传台账只接受填写的值。"
    if column.header not in {e.header for e in config.editable}:
        return config.refusal(column.header)
    if now is None:
        return f"该{config.noun}已不在本台账中（导出后情况已变化），修改不能写入。"
    if cell_hash(column, now[index]) != exported:
        return f"该行导出后已在系统中修改（现为「{canonical(column, now[index])}」），请重新导出后再改。"
    return None


def _judge_row(
    ledger: Ledger, candidate: Candidate, now: Sequence[Any] | None, formulas: set[Any], reading: _Reading
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The service arguments and changed cells of one row; its refused cells go to ``reading``."""
    number, _, hashes, cells = candidate
    editable = {e.header: e for e in RETURNABLE[ledger.key].editable}
    fields: dict[str, Any] = {}
    changed: list[dict[str, Any]] = []
    for index, (column, value) in enumerate(zip(ledger.columns, cells, strict=True)):
        if cell_hash(column, value) == hashes[index]:
            continue
        shown = canonical(column, value)
        # The file may hold whole ID numbers (a county officer's export); the preview is seen
        # by everyone of the region, so an ID number edited in the file is kept masked.
        refuse = {
            "row": number,
            "column": column.header,
            "value": mask(shown, Kind.ID) if "身份证" in column.header else shown,
        }
        reason = _cell_refusal(ledger, index, hashes[index], now, (number - 1, index) in formulas)
        if reason is None and now is not None:
            try:
                fields[editable[column.header].field] = editable[column.header].parse(shown)
            except CellRefused as exc:
                reason = str(exc)
            else:
                changed.append({"column": column.header, "old": canonical(column, now[index]), "new": shown})
                continue
        reading.refused.append(refuse | {"reason": reason or ""})
    return fields, changed


def _compare(ret: LedgerReturn, export: LedgerExport, user: User) -> _Reading:
    """Each row of a file that passed ``_read_return``: changed cells, refused cells with the
    reason, added and deleted rows. Accepted changes are tried through the service and rolled
    back, so the preview refuses what the commit would."""
    ledger = LEDGERS[export.ledger]
    assert ledger.keyed is not None
    config = RETURNABLE[ledger.key]
    formulas = {tuple(f) for f in ret.preview["formulas"]}
    reading = _Reading()
    candidates, seen = _keyed_rows(ret, export, reading)
    current = dict(ledger.keyed(export.scope(), [c[1] for c in candidates]))
    for candidate in candidates:
        number, key, hashes, cells = candidate
        now = current.get(key)
        fields, changed = _judge_row(ledger, candidate, now, formulas, reading)
        if not fields:
            continue
        refusal = _try(config.apply, user, key, fields)
        if refusal is not None:
            reading.refused += [
                {"row": number, "column": c["column"], "value": c["new"], "reason": refusal} for c in changed
            ]
            continue
        base = {e.header: hashes[ledger.headers.index(e.header)] for e in config.editable}
        reading.changes.append(
            {"row": number, "key": key, "label": _label(ledger, now or cells), "cells": changed, "fields": fields,
             "base": base}
        )  # fmt: skip
    missing = [k for k in export.keys if k not in seen]
    if missing:
        names = dict(ledger.keyed(export.scope(), missing[:200]))
        reading.deleted = [
            {"key": k, "label": _label(ledger, names[k]) if k in names else f"{config.noun} {k}"} for k in missing
        ]
    return reading


def _try(apply: Any, user: User, key: int, fields: dict[str, Any]) -> str | None:
    """The service's answer to these fields, written and rolled back: None, or its refusal."""
    try:
        with transaction.atomic():
            apply(user, key, fields)
            raise _DryRun
    except _DryRun:
        return None
    except ValidationError as exc:
        return error_text(exc)
    except (PermissionDenied, Http404) as exc:
        return str(exc) or "该行不在您的管辖范围内。"


# A returned file up to this size is previewed while the user waits (~2 s for a county's few
# thousand rows); a bigger one (a county's whole ledger) is previewed as a background job.
RETURN_DIRECT_BYTES = 2 << 20
RETURN_JOB_KIND = "ledgers.return_preview"


def ledger_return_start(*, acting_user: User, data: bytes, filename: str) -> LedgerReturn | Job:
    """Preview a returned ledger: at once when the file is small, else as a background job whose
    page shows the progress and then links the preview (as the history import does)."""
    ensure_return_act(None, acting_user, ReturnAct.UPLOAD)
    if len(data) <= RETURN_DIRECT_BYTES:
        return ledger_return_preview(acting_user=acting_user, data=data, filename=filename)
    name = (filename or "回传台账.xlsx")[-200:]
    return job_start(
        acting_user=acting_user,
        kind=RETURN_JOB_KIND,
        title=f"回传台账预览：{name}",
        params={"filename": name},
        input_name=name,
        input_data=data,
    )


def ledger_return_preview(*, acting_user: User, data: bytes, filename: str) -> LedgerReturn:
    """Read a ledger file that came back from Excel, WPS or LibreOffice and record what it would
    change: each changed cell (old → new), each refused cell with the reason (read-only column,
    invalid value, formula, row changed in anju since the export, added or copied row), the rows
    deleted from the file (nothing is deleted in anju). A foreign file, a stale export version, a
    changed header or merged cells refuse the whole file. Nothing is written to the records."""
    ensure_return_act(None, acting_user, ReturnAct.UPLOAD)
    region = acting_user.region
    ret = LedgerReturn(
        region_code=region.code if region else "",
        original_name=(filename or "回传台账.xlsx")[-200:],
        created_by=acting_user,
    )
    export = _read_return(ret, data, acting_user)
    if export is not None:
        reading = _compare(ret, export, acting_user)
        ret.preview = {"changes": reading.changes, "refused": reading.refused, "deleted": reading.deleted}
        ret.counts = {
            "rows": reading.rows,
            "changed_rows": len(reading.changes),
            "changed_cells": sum(len(c["cells"]) for c in reading.changes),
            "refused_cells": len(reading.refused),
            "added_rows": reading.added,
            "deleted_rows": len(reading.deleted),
        }
    else:
        ret.preview = {}
    with transaction.atomic():
        ret.original.save(ret.original_name, ContentFile(data), save=False)
        ret.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=ret,
            changes={"counts": {"before": None, "after": ret.counts}, "status": {"before": None, "after": ret.status}},
            note="回传台账预览" + (f"（拒收：{'；'.join(ret.problems)}）" if ret.problems else ""),
        )
    return ret


@refusals_audited("写入回传台账", obj_kwarg="ledger_return")
def ledger_return_commit(*, acting_user: User, ledger_return: LedgerReturn) -> LedgerReturn:
    """Write the accepted changes of a previewed return through the pages' services, all or
    nothing: if the file's version went stale, a changed row was edited in anju since the
    preview, or any service refuses a row, nothing is written and the reason is returned."""
    ensure_return_act(ledger_return, acting_user, ReturnAct.COMMIT)
    export = ledger_return.export
    assert export is not None
    ledger = LEDGERS[export.ledger]
    config = RETURNABLE[ledger.key]
    with transaction.atomic():
        locked = LedgerReturn.objects.select_for_update().get(pk=ledger_return.pk)
        ensure_return_act(locked, acting_user, ReturnAct.COMMIT)
        other = _stale_by(export)
        if other is not None:
            raise ValidationError(_stale_text(export, other))
        changes = locked.preview["changes"]
        assert ledger.keyed is not None
        current = dict(ledger.keyed(export.scope(), [c["key"] for c in changes]))
        for change in changes:
            now = current.get(change["key"])
            for header, exported in change["base"].items():
                index = ledger.headers.index(header)
                if now is None or cell_hash(ledger.columns[index], now[index]) != exported:
                    raise ValidationError(
                        f"第 {change['row']} 行（{change['label']}）在预览之后已在系统中修改，未写入任何修改。请重新上传。"
                    )
        for change in changes:
            try:
                config.apply(acting_user, change["key"], change["fields"])
            except (ValidationError, PermissionDenied) as exc:
                raise ValidationError(
                    f"第 {change['row']} 行（{change['label']}）不能写入：{error_text(exc)}。未写入任何修改。"
                ) from exc
            except Http404 as exc:
                raise ValidationError(
                    f"第 {change['row']} 行（{change['label']}）不在您的管辖范围内，未写入任何修改。"
                ) from exc
        locked.status = ReturnStatus.COMMITTED
        locked.committed_by = acting_user
        locked.committed_at = timezone.now()
        locked.save(update_fields=["status", "committed_by", "committed_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"status": {"before": ReturnStatus.PREVIEWED, "after": ReturnStatus.COMMITTED}},
            note=f"回传台账写入：{locked.counts.get('changed_rows', 0)} 行 {locked.counts.get('changed_cells', 0)} 个单元格",
        )
    return locked
