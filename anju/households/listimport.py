"""Department list import (部门间数据共享): preview what a list would change, then
commit it whole or not at all. Re-importing the same file changes nothing.

Decisions (ADR 0008): households are matched by any member's ID number; a list
ends (出列) the open statuses of its group and department inside the importer's
region for households no longer on it, but only when the list has no invalid
rows, because a bad row may be a household that is still on the list.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anju.audit.models import AuditAction, AuditEvent
from anju.audit.services import audit_record
from anju.core.context import current_context
from anju.core.tabular import TabularError
from anju.households.choices import KEY_GROUP_PRIORITY, Department, KeyGroup, Relation
from anju.households.idcard import parse_id_number
from anju.households.listparse import ParsedList, parse_list
from anju.households.models import (
    ColumnMapping,
    Household,
    HouseholdStatus,
    ListImport,
    ListImportStatus,
    Member,
)
from anju.households.permissions import can_write_statuses
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

Progress = Callable[[int, int, str], None] | None
_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会|社区居民委员会|居民委员会|居委会|社区|村)$")
CHUNK = 900  # stays under SQLite's bound-parameter limit


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _village_key(name: str) -> str:
    return _VILLAGE_SUFFIX.sub("", re.sub(r"\s+", "", name))


def _signature(headers: list[str]) -> str:
    return hashlib.sha256("|".join(h.strip() for h in headers).encode()).hexdigest()


class _Scope:
    def __init__(self, user: Any) -> None:
        if user.region_id is None and not user.is_superuser:
            raise PermissionDenied("您的账号没有所属区划，不能导入名单。")
        self.region: Region | None = user.region
        self.prefix = user.region.prefix if user.region else ""
        villages = Region.objects.filter(code__startswith=self.prefix, level=RegionLevel.VILLAGE)
        self.by_code = {v.code: v for v in villages}
        by_name: dict[str, list[Region]] = {}
        for v in self.by_code.values():
            by_name.setdefault(_village_key(v.name), []).append(v)
        self.by_name = by_name

    def village(self, code: str, name: str) -> tuple[Region | None, str]:
        if code:
            region = self.by_code.get(code.strip())
            return (region, "") if region else (None, f"区划代码 {code} 不是您辖区内的村")
        if not name:
            return None, "新农户须注明所在村（或村区划代码）"
        found = self.by_name.get(_village_key(name), [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"找不到村「{name}」"
        return None, f"「{name}」在辖区内有重名村，请填写村区划代码"


def _members_by_id(numbers: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for chunk in _chunks(numbers):
        for m in Member.objects.select_related("household").filter(id_number__in=chunk):
            found[m.id_number] = m
    return found


def _build_preview(
    parsed: ParsedList, scope: _Scope, department: str, group: str, list_date: datetime.date
) -> dict[str, Any]:
    members = _members_by_id([r.values["id_number"] for r in parsed.valid])
    households = {m.household_id: m.household for m in members.values()}
    open_statuses: dict[tuple[int, str], HouseholdStatus] = {}
    for chunk in _chunks(list(households)):
        for s in HouseholdStatus.objects.filter(household_id__in=chunk, ended_on__isnull=True):
            open_statuses[(s.household_id, s.group)] = s
    with_house: set[int] = set()
    for chunk in _chunks(list(households)):
        with_house.update(Household.objects.filter(pk__in=chunk, houses__isnull=False).values_list("pk", flat=True))

    new: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    no_house: list[dict[str, Any]] = []
    invalid = [{"line": r.line, "name": r.values.get("head_name", ""), "errors": r.errors} for r in parsed.invalid]
    unchanged = 0
    listed_households: set[int] = set()
    groups_in_file: set[str] = set()
    for row in parsed.valid:
        v = row.values
        row_group = v.get("group") or group
        if not row_group:
            invalid.append(
                {
                    "line": row.line,
                    "name": v["head_name"],
                    "errors": {"类别": "缺少类别：请选择名单类别或在表中填写「类别」"},
                }
            )
            continue
        groups_in_file.add(row_group)
        certified = (v.get("certified_on") or list_date).isoformat()
        member = members.get(v["id_number"])
        if member is None:
            village, reason = scope.village(v.get("region_code", ""), v.get("village", ""))
            if village is None:
                invalid.append({"line": row.line, "name": v["head_name"], "errors": {"所在村": reason}})
                continue
            new.append(
                {
                    "line": row.line,
                    "name": v["head_name"],
                    "id": v["id_number"],
                    "village": village.code,
                    "village_name": village.name,
                    "group_name": v.get("group_name", ""),
                    "phone": v.get("phone", ""),
                    "address": v.get("address", ""),
                    "group": row_group,
                    "certified_on": certified,
                }
            )
            no_house.append({"name": v["head_name"], "id": v["id_number"], "household": None})
            continue
        household = member.household
        if not household.region_code.startswith(scope.prefix):
            invalid.append(
                {"line": row.line, "name": v["head_name"], "errors": {"身份证号": "该身份证号已在其他地区登记，请核实"}}
            )
            continue
        listed_households.add(household.pk)
        if (household.pk, row_group) in open_statuses:
            unchanged += 1
        else:
            added.append(
                {
                    "line": row.line,
                    "name": household.head_name,
                    "id": v["id_number"],
                    "household": household.pk,
                    "group": row_group,
                    "certified_on": certified,
                }
            )
        if household.pk not in with_house:
            no_house.append({"name": household.head_name, "id": household.head_id_number, "household": household.pk})

    ended: list[dict[str, Any]] = []
    ending_suppressed = bool(invalid)
    if not ending_suppressed:
        leaving = (
            HouseholdStatus.objects.filter(
                household__region_code__startswith=scope.prefix,
                department=department,
                group__in=groups_in_file,
                ended_on__isnull=True,
            )
            .exclude(household_id__in=listed_households)
            .select_related("household")
        )
        ended = [
            {
                "status": s.pk,
                "household": s.household_id,
                "name": s.household.head_name,
                "id": s.household.head_id_number,
                "group": s.group,
            }
            for s in leaving
        ]
    invalid.sort(key=lambda r: r["line"])
    return {
        "new_households": new,
        "status_added": added,
        "status_ended": ended,
        "no_house": no_house,
        "invalid": invalid,
        "unchanged": unchanged,
        "ending_suppressed": ending_suppressed,
        "header_line": parsed.header_line,
        "mapping": {f: parsed.headers[i] for f, i in parsed.mapping.items()},
    }


def _counts(preview: dict[str, Any], rows: int) -> dict[str, int]:
    return {
        "rows": rows,
        "new_households": len(preview["new_households"]),
        "status_added": len(preview["status_added"]),
        "status_ended": len(preview["status_ended"]),
        "no_house": len(preview["no_house"]),
        "invalid": len(preview["invalid"]),
        "unchanged": preview["unchanged"],
    }


def list_import_preview(
    *,
    acting_user: Any,
    data: bytes,
    filename: str,
    department: str,
    group: str = "",
    list_date: datetime.date | None = None,
    progress: Progress = None,
) -> ListImport:
    """Read a list and record what it would change. Writes no household data."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    if department not in Department.values:
        raise ValidationError({"department": "请选择报送部门。"})
    if group and group not in KeyGroup.values:
        raise ValidationError({"group": "名单类别无效。"})
    scope = _Scope(acting_user)
    list_date = list_date or timezone.localdate()
    record = ListImport(
        department=department,
        group=group,
        list_date=list_date,
        original_name=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        region_code=scope.region.code if scope.region else "",
        created_by=acting_user,
    )
    record.original.save(filename or "list.bin", ContentFile(data), save=False)
    if progress:
        progress(0, 3, "读取文件")
    try:
        headers_probe = parse_list(data, filename)  # mapping by aliases first
        saved = ColumnMapping.objects.filter(
            department=department, header_signature=_signature(headers_probe.headers), region_code=record.region_code
        ).first()
        parsed = parse_list(data, filename, saved_mapping=saved.mapping) if saved else headers_probe
    except TabularError as exc:
        record.status = ListImportStatus.FAILED
        record.error = str(exc)
        record.save()
        audit_record(actor=acting_user, action=AuditAction.IMPORT, obj=record, note=f"无法读取：{exc}")
        return record
    if progress:
        progress(1, 3, f"比对 {len(parsed.rows)} 行")
    record.preview = _build_preview(parsed, scope, department, group, list_date)
    record.mapping = record.preview["mapping"]
    record.counts = _counts(record.preview, len(parsed.rows))
    record.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.IMPORT,
        obj=record,
        note="预览：" + "；".join(f"{k} {v}" for k, v in record.counts.items()),
    )
    ColumnMapping.objects.update_or_create(
        department=department,
        header_signature=_signature(parsed.headers),
        region_code=record.region_code,
        defaults={"mapping": record.mapping},
    )
    if progress:
        progress(3, 3, "预览完成")
    return record


def list_import_commit(*, acting_user: Any, list_import: ListImport, progress: Progress = None) -> ListImport:
    """Apply a previewed list in one transaction: all of it or nothing."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    with transaction.atomic():
        record = ListImport.objects.select_for_update().get(pk=list_import.pk)
        if record.status != ListImportStatus.PREVIEWED:
            raise ValidationError(f"该名单{record.get_status_display()}，不能再次导入。")
        if record.created_by_id != acting_user.pk:
            raise PermissionDenied("只能由上传人确认导入。")
        p = record.preview
        ctx = current_context()
        now = timezone.now()
        source = f"{record.get_department_display()}名单 {record.original_name}"[:200]
        audit_rows: list[AuditEvent] = []

        def audit(obj: Any, action: str, changes: dict[str, Any], region_code: str) -> None:
            audit_rows.append(
                AuditEvent(
                    actor=acting_user,
                    actor_username=acting_user.username,
                    ip=ctx.ip,
                    channel=ctx.channel,
                    request_id=ctx.request_id,
                    action=action,
                    object_type=obj._meta.label_lower,
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:200],
                    region_code=region_code,
                    changes=changes,
                    note=f"名单导入 {record.pk}",
                )
            )

        villages = {r.code: r for r in Region.objects.filter(code__in={n["village"] for n in p["new_households"]})}
        # Another import may have registered some of these people since the preview.
        taken = set(_members_by_id([n["id"] for n in p["new_households"]]))
        if taken:
            raise ValidationError(f"预览之后有 {len(taken)} 个身份证号已被登记，请重新上传名单生成新的预览。")
        new_households = []
        for n in p["new_households"]:
            info = parse_id_number(n["id"])
            village = villages[n["village"]]
            new_households.append(
                Household(
                    region=village,
                    region_code=village.code,
                    group_name=n["group_name"],
                    address=n.get("address", ""),
                    head_name=n["name"],
                    head_id_number=info.number,
                    head_sex=info.sex,
                    head_birth_date=info.birth_date,
                    phone=n.get("phone", ""),
                    primary_group=n["group"],  # a new household holds exactly this one status
                )
            )
        Household.objects.bulk_create(new_households, batch_size=1000)
        if not new_households or new_households[0].pk is None:  # backends that don't return ids
            ids = {
                h.head_id_number: h
                for h in Household.objects.filter(head_id_number__in=[h.head_id_number for h in new_households])
            }
            new_households = [ids[h.head_id_number] for h in new_households]
        Member.objects.bulk_create(
            [
                Member(
                    household=h,
                    name=h.head_name,
                    id_number=h.head_id_number,
                    relation=Relation.HEAD,
                    sex=h.head_sex,
                    birth_date=h.head_birth_date,
                )
                for h in new_households
            ],
            batch_size=1000,
        )
        if progress:
            progress(1, 3, f"已登记新农户 {len(new_households)} 户")

        statuses = [
            HouseholdStatus(
                household=h,
                group=n["group"],
                department=record.department,
                certified_on=datetime.date.fromisoformat(n["certified_on"]),
                source=source,
                created_at=now,
            )
            for h, n in zip(new_households, p["new_households"], strict=True)
        ] + [
            HouseholdStatus(
                household_id=a["household"],
                group=a["group"],
                department=record.department,
                certified_on=datetime.date.fromisoformat(a["certified_on"]),
                source=source,
                created_at=now,
            )
            for a in p["status_added"]
        ]
        HouseholdStatus.objects.bulk_create(statuses, batch_size=1000)
        ended_ids = [e["status"] for e in p["status_ended"]]
        for chunk in _chunks(ended_ids):
            HouseholdStatus.objects.filter(pk__in=chunk, ended_on__isnull=True).update(ended_on=record.list_date)
        if progress:
            progress(2, 3, "已更新身份")

        touched = (
            {h.pk for h in new_households}
            | {a["household"] for a in p["status_added"]}
            | {e["household"] for e in p["status_ended"]}
        )
        _recompute_primary_groups(
            sorted({a["household"] for a in p["status_added"]} | {e["household"] for e in p["status_ended"]})
        )
        for h in new_households:
            audit(
                h,
                AuditAction.CREATE,
                {
                    "head_name": {"before": None, "after": h.head_name},
                    "head_id_number": {"before": None, "after": h.head_id_number},
                },
                h.region_code,
            )
        region_of: dict[int, str] = {}
        for chunk in _chunks(list(touched)):
            region_of.update(Household.objects.filter(pk__in=chunk).values_list("pk", "region_code"))
        for s in statuses:
            audit(
                s,
                AuditAction.CREATE,
                {
                    "group": {"before": None, "after": s.group},
                    "certified_on": {"before": None, "after": s.certified_on.isoformat()},
                },
                region_of.get(s.household_id, record.region_code),
            )
        for e in p["status_ended"]:
            audit_rows.append(
                AuditEvent(
                    actor=acting_user,
                    actor_username=acting_user.username,
                    ip=ctx.ip,
                    channel=ctx.channel,
                    request_id=ctx.request_id,
                    action=AuditAction.UPDATE,
                    object_type="households.householdstatus",
                    object_id=str(e["status"]),
                    object_repr=f"{e['name']}户 {KeyGroup(e['group']).label}",
                    region_code=region_of.get(e["household"], record.region_code),
                    changes={"ended_on": {"before": None, "after": record.list_date.isoformat()}},
                    note=f"名单导入 {record.pk}：不在新名单中，出列",
                )
            )
        AuditEvent.objects.bulk_create(audit_rows, batch_size=1000)
        record.status = ListImportStatus.COMMITTED
        record.committed_at = timezone.now()
        record.save(update_fields=["status", "committed_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=record,
            note="；".join(f"{k} {v}" for k, v in record.counts.items()),
        )
        if progress:
            progress(3, 3, "导入完成")
    return record


def _recompute_primary_groups(household_ids: list[int]) -> None:
    priority = {g: i for i, g in enumerate(KEY_GROUP_PRIORITY)}
    for chunk in _chunks(household_ids):
        best: dict[int, str] = {pk: "" for pk in chunk}
        for pk, group in HouseholdStatus.objects.filter(household_id__in=chunk, ended_on__isnull=True).values_list(
            "household_id", "group"
        ):
            if not best[pk] or priority[group] < priority[best[pk]]:
                best[pk] = group
        current = dict(Household.objects.filter(pk__in=chunk).values_list("pk", "primary_group"))
        by_group: dict[str, list[int]] = {}
        for pk, group in best.items():
            if current.get(pk) != group:
                by_group.setdefault(group, []).append(pk)
        # One UPDATE per resulting group rather than a CASE per row.
        for group, pks in by_group.items():
            Household.objects.filter(pk__in=pks).update(primary_group=group)


def list_import_cancel(*, acting_user: Any, list_import: ListImport) -> ListImport:
    with transaction.atomic():
        record = ListImport.objects.select_for_update().get(pk=list_import.pk)
        if record.status != ListImportStatus.PREVIEWED:
            raise ValidationError("只有待确认的名单可以取消。")
        record.status = ListImportStatus.CANCELLED
        record.save(update_fields=["status"])
        audit_record(actor=acting_user, action=AuditAction.IMPORT, obj=record, note="取消导入")
    return record
