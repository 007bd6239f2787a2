"""Writes to the region tree. Imports are all-or-nothing and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from anju.audit.models import AuditAction, AuditEvent
from anju.audit.services import audit_record
from anju.core.actors import Actor
from anju.core.context import current_context
from anju.core.scoping import user_scope_prefix
from anju.core.tabular import TabularError, read_rows
from anju.kit.acts import raise_refusal
from anju.regions.acts import IMPORT_BOUNDARIES
from anju.regions.acts import act_refusal as region_acts_refusal
from anju.regions.boundaries import BoundaryFileError, FeatureError, ParsedFeature, load_collection, parse_features
from anju.regions.codes import RegionCodeError, level_of, normalize_code, parent_code_of
from anju.regions.models import Region, RegionBoundary

CODE_HEADERS = {"code", "区划代码", "代码", "统计用区划代码", "行政区划代码"}
NAME_HEADERS = {"name", "名称", "区划名称", "单位名称"}
PARENT_HEADERS = {"parent", "parent_code", "上级代码", "上级区划代码", "上级"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row number in the file, as a spreadsheet shows it
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


@dataclass
class RegionImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
        }


class RegionImportError(Exception):
    def __init__(self, result: RegionImportResult) -> None:
        super().__init__(f"导入失败：{len(result.errors)} 处错误，未写入任何数据。")
        self.result = result


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    name: str


def _locate_header(rows: list[list[str]]) -> tuple[int, int, int, int | None]:
    for index, row in enumerate(rows[:20]):
        cells = [c.strip().lower() for c in row]
        code_col = next((i for i, c in enumerate(cells) if c in CODE_HEADERS), None)
        name_col = next((i for i, c in enumerate(cells) if c in NAME_HEADERS), None)
        if code_col is not None and name_col is not None:
            parent_col = next((i for i, c in enumerate(cells) if c in PARENT_HEADERS), None)
            return index, code_col, name_col, parent_col
    raise TabularError("找不到表头：需要「区划代码」（code）和「名称」（name）两列，可选「上级代码」（parent）。")


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def parse_region_file(data: bytes, filename: str) -> tuple[list[_Row], list[RowError]]:
    rows = list(read_rows(data, filename))
    header_index, code_col, name_col, parent_col = _locate_header(rows)
    parsed: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        line = index + 1
        if not any(cell.strip() for cell in row):
            continue
        code = normalize_code(_cell(row, code_col))
        name = _cell(row, name_col).strip()
        try:
            level_of(code)
        except RegionCodeError as exc:
            errors.append(RowError(line, "区划代码", f"{code or '（空）'}：{exc}"))
            continue
        if not name:
            errors.append(RowError(line, "名称", "名称不能为空"))
            continue
        if len(name) > 100:
            errors.append(RowError(line, "名称", "名称超过 100 个字"))
            continue
        if parent_col is not None and _cell(row, parent_col):
            given = normalize_code(_cell(row, parent_col))
            expected = parent_code_of(code)
            if given != expected:
                errors.append(RowError(line, "上级代码", f"{given} 与区划代码不符，{code} 的上级应为 {expected}"))
                continue
        if code in seen:
            errors.append(RowError(line, "区划代码", f"{code} 重复（与第 {seen[code]} 行相同）"))
            continue
        seen[code] = line
        parsed.append(_Row(line, code, name))
    return parsed, errors


def _fail(acting_user: Actor, filename: str, result: RegionImportResult) -> RegionImportError:
    """Audit the refused import and give the error that carries every row's reason."""
    _audit_import(acting_user, filename, result, failed=True)
    return RegionImportError(result)


def _check_rows(rows: list[_Row], prefix: str, existing: dict[str, Region], result: RegionImportResult) -> None:
    """Every code inside the user's scope, every parent in the file or already in the system."""
    in_file = {r.code for r in rows}
    for r in rows:
        if not r.code.startswith(prefix):
            result.errors.append(RowError(r.line, "区划代码", f"{r.code} 不在您的管辖范围内"))
            continue
        parent = parent_code_of(r.code)
        if parent and parent not in in_file and parent not in existing:
            result.errors.append(RowError(r.line, "上级代码", f"上级区划 {parent} 既不在文件中，也不在系统中"))


def _apply_row(
    r: _Row, by_code: dict[str, Region], result: RegionImportResult
) -> tuple[Region, str, dict[str, Any]] | None:
    """Create the division or rename it; what changed (for the audit), or None when nothing did."""
    current = by_code.get(r.code)
    if current is None:
        parent_code = parent_code_of(r.code)
        region = Region.objects.create(
            code=r.code,
            name=r.name,
            level=level_of(r.code),
            parent=by_code[parent_code] if parent_code else None,
        )
        by_code[r.code] = region
        result.created += 1
        return (
            region,
            AuditAction.CREATE,
            {"code": {"before": None, "after": r.code}, "name": {"before": None, "after": r.name}},
        )
    if current.name != r.name:
        old = current.name
        current.name = r.name
        current.save(update_fields=["name"])
        result.updated += 1
        return current, AuditAction.UPDATE, {"name": {"before": old, "after": r.name}}
    result.unchanged += 1
    return None


def region_import(
    *,
    data: bytes,
    filename: str,
    acting_user: Actor,
    progress: Callable[[int, int], None] | None = None,
) -> RegionImportResult:
    """Import divisions from CSV/xlsx (code, name[, parent]).

    Every row is checked first; any error means nothing is written and
    ``RegionImportError`` carries the per-row reasons. Existing codes with the
    same name are left alone, so re-importing a file changes nothing.
    """
    result = RegionImportResult()
    try:
        rows, errors = parse_region_file(data, filename)
    except TabularError as exc:
        result.errors.append(RowError(0, "文件", str(exc)))
        raise _fail(acting_user, filename, result) from exc
    result.total = len(rows) + len(errors)
    result.errors.extend(errors)
    prefix = user_scope_prefix(acting_user)
    if prefix is None:
        result.errors.append(RowError(0, "权限", "当前用户无权导入区划。"))
        raise _fail(acting_user, filename, result)
    codes = {r.code for r in rows} | ({parent_code_of(r.code) for r in rows} - {None})
    existing = {r.code: r for r in Region.objects.filter(code__in=codes)}
    _check_rows(rows, prefix, existing, result)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        raise _fail(acting_user, filename, result)
    ordered = sorted(rows, key=lambda r: (len(r.code), level_of(r.code), r.code))
    with transaction.atomic():
        by_code: dict[str, Region] = dict(existing)
        audit_rows: list[AuditEvent] = []
        ctx = current_context()
        for done, r in enumerate(ordered, start=1):
            changed = _apply_row(r, by_code, result)
            if changed is not None:
                region, action, changes = changed
                audit_rows.append(_audit_row(acting_user, ctx, region, action, changes, filename))
            if progress and (done % 200 == 0 or done == len(ordered)):
                progress(done, len(ordered))
        AuditEvent.objects.bulk_create(audit_rows, batch_size=1000)
        _audit_import(acting_user, filename, result, failed=False)
    return result


def _audit_import(actor: Any, filename: str, result: RegionImportResult, *, failed: bool) -> None:
    """One summary row per import attempt, successful or not."""
    region = getattr(actor, "region", None)
    summary = f"共 {result.total} 行，新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
    if failed:
        summary = f"导入失败，未写入任何数据：{len(result.errors)} 处错误（首个：{result.errors[0]}）"
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="regions.region",
        object_id="",
        object_repr=f"行政区划文件 {filename}"[:200],
        region_code=region.code if region else "",
        note=summary[:1000],
    )


def _audit_row(actor: Any, ctx: Any, region: Region, action: str, changes: dict[str, Any], filename: str) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_username=getattr(actor, "username", "") or "",
        ip=ctx.ip,
        channel=ctx.channel,
        request_id=ctx.request_id,
        action=action,
        object_type="regions.region",
        object_id=str(region.pk),
        object_repr=region.name,
        region_code=region.code,
        changes=changes,
        note=f"导入文件 {filename}",
    )


def region_rename(*, region: Region, name: str, acting_user: Actor) -> Region:
    """Rename one division (e.g. after a 撤乡设镇)."""
    name = name.strip()
    if not name:
        raise ValueError("名称不能为空")
    with transaction.atomic():
        old = region.name
        if old == name:
            return region
        region.name = name
        region.save(update_fields=["name"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=region,
            changes={"name": {"before": old, "after": name}},
        )
    return region


# Boundary files (ADR 0028) ------------------------------------------------------------------


@dataclass
class BoundaryImportResult:
    imported: int = 0
    removed: int = 0  # outlines of the county that the new file no longer carries
    errors: list[FeatureError] = field(default_factory=list)


class BoundaryImportError(Exception):
    def __init__(self, errors: list[FeatureError]) -> None:
        super().__init__(f"边界文件未导入：{len(errors)} 处错误，未写入任何数据。")
        self.errors = errors


def _match_codes(features: list[ParsedFeature], county: Region, errors: list[FeatureError]) -> dict[str, Region]:
    """The divisions the features name; a code outside the county or unknown is an error."""
    known = {r.code: r for r in Region.objects.filter(code__in=[f.code for f in features])}
    for f in features:
        if not f.code.startswith(county.prefix):
            errors.append(FeatureError(f.index, f.code, f"不在{county.name}范围内，只能导入本区/县的边界"))
        elif f.code not in known:
            errors.append(FeatureError(f.index, f.code, "系统中没有这个区划代码（请先导入行政区划）"))
    return known


def boundary_import(*, data: bytes, filename: str, county: Region, acting_user: Actor) -> BoundaryImportResult:
    """Replace a county's outlines (its own, its townships', its villages') with a GeoJSON file.

    Every feature is checked first; any error means nothing is written, the attempt is audited
    and ``BoundaryImportError`` lists each feature's reason. A successful import replaces all
    of the county's outlines, so a division the new file leaves out has none afterwards."""
    raise_refusal(region_acts_refusal(county, acting_user, IMPORT_BOUNDARIES))
    errors: list[FeatureError] = []
    features: list[ParsedFeature] = []
    if len(data) > settings.ANJU_MAX_BOUNDARY_BYTES:
        limit = settings.ANJU_MAX_BOUNDARY_BYTES // (1024 * 1024)
        errors.append(
            FeatureError(0, "", f"文件过大（{len(data) / 1024 / 1024:.1f} MB），边界文件不能超过 {limit} MB。")
        )
    else:
        try:
            features, errors = parse_features(load_collection(data))
        except BoundaryFileError as exc:
            errors.append(FeatureError(0, "", str(exc)))
    known = _match_codes(features, county, errors)
    if errors:
        errors.sort(key=lambda e: e.index)
        with transaction.atomic():
            audit_record(
                actor=acting_user,
                action=AuditAction.REFUSED,
                obj=county,
                note=f"导入边界文件 {filename}：{len(errors)} 处错误，未写入（{errors[0]}）"[:500],
            )
        raise BoundaryImportError(errors)
    with transaction.atomic():
        old = RegionBoundary.objects.filter(region_code__subtree=county.prefix)
        removed = old.exclude(region_code__in=[f.code for f in features]).count()
        before = old.count()
        old.delete()
        RegionBoundary.objects.bulk_create(
            RegionBoundary(
                region=known[f.code],
                region_code=f.code,
                geometry=json.dumps(f.geometry, separators=(",", ":")),
                label_lng=f.label[0],
                label_lat=f.label[1],
                source=filename[:200],
            )
            for f in features
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=county,
            changes={"边界": {"before": before, "after": len(features)}},
            note=f"导入边界文件 {filename}：{len(features)} 个区划的边界（替换原有 {before} 个）",
        )
    return BoundaryImportResult(imported=len(features), removed=removed)
