"""Department list import (部门间数据共享): preview what a list would change, then
commit it whole or not at all. Re-importing the same file changes nothing.

Decisions (ADR 0008): households are matched by any member's ID number; a list
ends (出列) the open statuses of its group and department inside the importer's
region for households no longer on it, but only when the list has no invalid
rows, because a bad row may be a household that is still on the list.

How it scales (ADR 0009): the preview streams the file and compares it with the
database a batch at a time; the full result goes to a CSV *plan* file (one line
per change or invalid row) and only counts and samples stay in ``preview``. The
commit loads the plan into a temporary table (PostgreSQL ``COPY``, SQLite
``executemany``) and applies it with a handful of set-based statements, audit
rows included, inside one transaction.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction, AuditEvent
from anju.audit.services import audit_record
from anju.core.context import current_context
from anju.core.tabular import TabularError
from anju.households.choices import KEY_GROUP_PRIORITY, Department, KeyGroup, Relation
from anju.households.listparse import ListReader, ParsedRow, SheetChoiceNeeded
from anju.households.models import (
    ColumnMapping,
    House,
    Household,
    HouseholdStatus,
    ListImport,
    ListImportStatus,
    Member,
    VillageAlias,
)
from anju.households.permissions import can_write_statuses
from anju.households.signals import facts_changed, statuses_confirmed
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

Progress = Callable[[int, int, str], None] | None
_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会|村委|社区居民委员会|社区居委会|居民委员会|居委会|社区|村)$")
_TOWNSHIP_SUFFIX = re.compile(r"(街道办事处|街道办|街道|人民政府|镇|乡|苏木)$")
UNMATCHED_VILLAGES = 100  # written names kept in ``preview`` for the mapping step
SAMPLE_ROWS = 200  # rows of each kind kept in ``preview`` for the page; the plan has them all
INVALID_ROWS = 1000  # invalid rows kept in ``preview``; the error report has them all
PROGRESS_EVERY = 20_000

# One plan line: what the commit applies (N new household, A status added, E status ended)
# or what the error report lists (X invalid row).
PLAN_COLUMNS = (
    "kind",
    "line",
    "name",
    "id_number",
    "region_id",
    "region_code",
    "group_name",
    "phone",
    "address",
    "grp",
    "certified_on",
    "household_id",
    "status_id",
    "sex",
    "birth_date",
    "errors",
    "family_size",
    "cert_body",
)
_PLAN_INDEX = {name: i for i, name in enumerate(PLAN_COLUMNS)}
_PLAN_TYPES = {"line": "integer", "region_id": "bigint", "household_id": "bigint", "status_id": "bigint"}
_PLAN_TYPES |= {"family_size": "integer"}
_PLAN_TYPES |= {"certified_on": "date", "birth_date": "date"}


def _batch_size() -> int:
    return 5000 if connection.vendor == "postgresql" else 900  # SQLite's bound-parameter limit


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _village_key(name: str) -> str:
    return _VILLAGE_SUFFIX.sub("", re.sub(r"\s+", "", name))


def _signature(headers: list[str]) -> str:
    return hashlib.sha256("|".join(h.strip() for h in headers).encode()).hexdigest()


def _township_key(name: str) -> str:
    return _TOWNSHIP_SUFFIX.sub("", re.sub(r"\s+", "", name))


def county_code_of(code: str) -> str:
    return code[:6] + "0" * (len(code) - 6)


# What the preview offers for a village name it could not resolve: (region pk, full name).
Candidates = list[tuple[int, str]]


class _Scope:
    """The villages an importer may name, and how a list's 乡镇 + 村 resolve to one of them:
    区划代码; a mapping a user chose before (``VillageAlias``); the name without its suffix
    (村 / 村委会 / 社区 / 居委会 / 村民委员会) inside the 乡镇 when the list has one, else in the
    whole region. Nothing else matches by itself: a near name (渔泽村 for 北渔泽村委会 and
    南渔泽村委会) is only offered to the user as a candidate."""

    def __init__(self, user: Any) -> None:
        if user.region_id is None and not user.is_superuser:
            raise PermissionDenied("您的账号没有所属区划，不能导入名单。")
        self.region: Region | None = user.region
        self.prefix = user.region.prefix if user.region else ""
        villages = Region.objects.filter(code__subtree=self.prefix, level=RegionLevel.VILLAGE)
        self.by_code = {v.code: v for v in villages}
        townships = Region.objects.filter(code__subtree=self.prefix[:9], level=RegionLevel.TOWNSHIP)
        self.towns: dict[str, list[str]] = {}  # township key -> township prefixes (9 digits)
        for t in townships:
            self.towns.setdefault(_township_key(t.name), []).append(t.code[:9])
        self.town_names = {t.code[:9]: t.name for t in townships}
        by_name: dict[str, list[Region]] = {}
        for v in self.by_code.values():
            by_name.setdefault(_village_key(v.name), []).append(v)
        self.by_name = by_name
        aliases: dict[tuple[str, str], Region | None] = {}
        for alias in VillageAlias.objects.filter(village__code__subtree=self.prefix).select_related("village"):
            key = (alias.township_key, alias.name_key)
            # Two counties of a city may map the same written name differently: then neither.
            aliases[key] = alias.village if aliases.get(key, alias.village) == alias.village else None
        self.aliases = aliases
        self._cache: dict[tuple[str, str, str], tuple[Region | None, str, Candidates]] = {}

    def full_name(self, village: Region) -> str:
        town = self.town_names.get(village.code[:9], "")
        return f"{town}{village.name}"

    def village(self, code: str, name: str, township: str = "") -> tuple[Region | None, str, Candidates]:
        """The village a row names, or None with the reason and the candidates to choose from."""
        key = (code, name, township)
        if key not in self._cache:
            self._cache[key] = self._village(code, name, township)
        return self._cache[key]

    def _near(self, nkey: str, towns: list[str] | None) -> Candidates:
        found = [
            v
            for k, vs in self.by_name.items()
            if len(nkey) >= 2 and (nkey in k or k in nkey) and len(k) >= 2
            for v in vs
            if towns is None or v.code[:9] in towns
        ]
        return [(v.pk, self.full_name(v)) for v in sorted(found, key=lambda v: v.code)[:20]]

    def _village(self, code: str, name: str, township: str) -> tuple[Region | None, str, Candidates]:
        if code:
            region = self.by_code.get(code.strip())
            if region is None:
                return None, f"区划代码 {code} 不是您辖区内的村", []
            town = self.town_names.get(region.code[:9], "")
            if township and town and _township_key(township) != _township_key(town):
                return None, f"区划代码 {code} 是{town}的村，与表中乡镇「{township}」不符，请核对", []
            return region, "", []
        if not name:
            return None, "新农户须注明所在村（或村区划代码）", []
        nkey, tkey = _village_key(name), _township_key(township)
        alias = self.aliases.get((tkey, nkey))
        if alias is not None:
            return alias, "", []
        # A choice made for the name alone applies unless the list's 乡镇 says otherwise.
        loose = self.aliases.get(("", nkey))
        towns: list[str] | None = None
        if tkey:
            towns = self.towns.get(tkey)
            if not towns:
                near = self._near(nkey, None)
                return None, f"找不到乡镇「{township}」，请在下方为「{name}」选择对应的村", near
        elif loose is not None:
            return loose, "", []
        found = [v for v in self.by_name.get(nkey, []) if towns is None or v.code[:9] in towns]
        if len(found) == 1:
            return found[0], "", []
        if loose is not None and towns is not None and loose.code[:9] in towns:
            return loose, "", []
        if found:
            return (
                None,
                f"「{name}」在辖区内有重名村，请填写乡镇或村区划代码，或在下方选择对应的村",
                [(v.pk, self.full_name(v)) for v in found],
            )
        where = f"「{township}」" if tkey else ""
        near = self._near(nkey, towns)
        if near:
            return None, f"{where}找不到村「{name}」，与之相近的有 {len(near)} 个，请在下方选择对应的村", near
        return None, f"{where}找不到村「{name}」", near


class _Differ:
    """Compares the list with the database a batch at a time, writing the plan as it goes."""

    def __init__(self, scope: _Scope, department: str, group: str, list_date: datetime.date, plan: IO[str]) -> None:
        self.scope = scope
        self.department = department
        self.group = group
        self.list_date = list_date
        self.writer = csv.writer(plan)
        self.samples: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("new_households", "status_added", "status_ended", "no_house", "invalid")
        }
        self.counts = dict.fromkeys(
            ("rows", "new_households", "status_added", "status_ended", "no_house", "invalid", "unchanged"), 0
        )
        self.listed: set[int] = set()  # households on the list
        self.added: set[tuple[int, str]] = set()
        self.groups: set[str] = set()
        self.unmatched: dict[tuple[str, str], dict[str, Any]] = {}

    def write(self, kind: str, **values: Any) -> None:
        row: list[Any] = [kind] + [""] * (len(PLAN_COLUMNS) - 1)
        for name, value in values.items():
            row[_PLAN_INDEX[name]] = value
        self.writer.writerow(row)

    def _keep(self, kind: str, row: dict[str, Any]) -> None:
        self.counts[kind] += 1
        limit = INVALID_ROWS if kind == "invalid" else SAMPLE_ROWS
        if len(self.samples[kind]) < limit:
            self.samples[kind].append(row)

    def _invalid(self, line: int, name: str, errors: dict[str, str]) -> None:
        self._keep("invalid", {"line": line, "name": name, "errors": errors})
        self.write("X", line=line, name=name, errors=json.dumps(errors, ensure_ascii=False))

    def _unmatched(self, township: str, name: str, reason: str, candidates: Candidates) -> None:
        key = (_township_key(township), _village_key(name))
        entry = self.unmatched.get(key)
        if entry is None and len(self.unmatched) < UNMATCHED_VILLAGES:
            entry = self.unmatched[key] = {
                "township": township,
                "name": name,
                "rows": 0,
                "reason": reason,
                "candidates": candidates,
            }
        if entry is not None:
            entry["rows"] += 1

    def add(self, rows: list[ParsedRow]) -> None:
        self.counts["rows"] += len(rows)
        valid = [r for r in rows if not r.errors]
        numbers = [r.values["id_number"] for r in valid]
        members: dict[str, tuple[int, str, str, str]] = {}
        for chunk in _chunks(numbers, _batch_size()):
            for number, *rest in Member.objects.filter(id_number__in=chunk).values_list(
                "id_number",
                "household_id",
                "household__region_code",
                "household__head_name",
                "household__head_id_number",
            ):
                members[number] = tuple(rest)
        households = list({m[0] for m in members.values()})
        open_statuses: set[tuple[int, str]] = set()
        with_house: set[int] = set()
        for chunk in _chunks(households, _batch_size()):
            open_statuses.update(
                HouseholdStatus.objects.filter(household_id__in=chunk, ended_on__isnull=True).values_list(
                    "household_id", "group"
                )
            )
            with_house.update(House.objects.filter(household_id__in=chunk).values_list("household_id", flat=True))
        write = self.write
        for row in rows:
            v = row.values
            if row.errors:
                self._invalid(row.line, v.get("head_name", ""), row.errors)
                continue
            row_group = v.get("group") or self.group
            if not row_group:
                self._invalid(row.line, v["head_name"], {"类别": "缺少类别：请选择名单类别或在表中填写「类别」"})
                continue
            certified = v.get("certified_on") or self.list_date
            member = members.get(v["id_number"])
            if member is None:
                village, reason, candidates = self.scope.village(
                    v.get("region_code", ""), v.get("village", ""), v.get("township", "")
                )
                if village is None:
                    self._invalid(row.line, v["head_name"], {"所在村": reason})
                    if v.get("village") and not v.get("region_code"):
                        self._unmatched(v.get("township", ""), v["village"], reason, candidates)
                    continue
                self.groups.add(row_group)
                write(
                    "N",
                    line=row.line,
                    name=v["head_name"],
                    id_number=v["id_number"],
                    region_id=village.pk,
                    region_code=village.code,
                    group_name=v.get("group_name", ""),
                    phone=v.get("phone", ""),
                    address=v.get("address", ""),
                    grp=row_group,
                    certified_on=certified.isoformat(),
                    sex=v["sex"],
                    birth_date=v["birth_date"].isoformat(),
                    family_size=v.get("family_size") or "",
                    cert_body=v.get("cert_body", ""),
                )
                self._keep(
                    "new_households",
                    {
                        "line": row.line,
                        "name": v["head_name"],
                        "id": v["id_number"],
                        "village_name": village.name,
                        "group": row_group,
                    },
                )
                self._keep("no_house", {"name": v["head_name"], "id": v["id_number"], "household": None})
                continue
            household, region_code, head_name, head_id = member
            if not region_code.startswith(self.scope.prefix):
                self._invalid(row.line, v["head_name"], {"身份证号": "该身份证号已在其他地区登记，请核实"})
                continue
            self.groups.add(row_group)
            first_time = household not in self.listed
            self.listed.add(household)
            key = (household, row_group)
            if key in open_statuses or key in self.added:
                self.counts["unchanged"] += 1
                if v.get("family_size"):  # the list's 家庭人口 is kept even when the status stands
                    write(
                        "F",
                        line=row.line,
                        name=head_name,
                        region_code=region_code,
                        household_id=household,
                        family_size=v["family_size"],
                    )
            else:
                self.added.add(key)
                write(
                    "A",
                    line=row.line,
                    name=head_name,
                    id_number=v["id_number"],
                    region_code=region_code,
                    grp=row_group,
                    certified_on=certified.isoformat(),
                    household_id=household,
                    family_size=v.get("family_size") or "",
                    cert_body=v.get("cert_body", ""),
                )
                self._keep(
                    "status_added",
                    {
                        "line": row.line,
                        "name": head_name,
                        "id": v["id_number"],
                        "household": household,
                        "group": row_group,
                    },
                )
            if first_time and household not in with_house:
                self._keep("no_house", {"name": head_name, "id": head_id, "household": household})

    def finish(self) -> bool:
        """Write the statuses that end (出列); returns whether ending was suppressed."""
        if self.counts["invalid"]:
            return True
        leaving = (
            HouseholdStatus.objects.filter(
                household__region_code__subtree=self.scope.prefix,
                department=self.department,
                group__in=self.groups,
                ended_on__isnull=True,
            )
            .values_list(
                "pk",
                "household_id",
                "group",
                "household__head_name",
                "household__head_id_number",
                "household__region_code",
            )
            .order_by("pk")
        )
        for pk, household, group, name, head_id, region_code in leaving.iterator(chunk_size=5000):
            if household in self.listed:
                continue
            self.write(
                "E",
                name=name,
                id_number=head_id,
                region_code=region_code,
                grp=group,
                household_id=household,
                status_id=pk,
            )
            self._keep(
                "status_ended", {"status": pk, "household": household, "name": name, "id": head_id, "group": group}
            )
        return False


def list_import_preview(
    *,
    acting_user: User,
    data: bytes,
    filename: str,
    department: str,
    group: str = "",
    list_date: datetime.date | None = None,
    progress: Progress = None,
    sheet: str | None = None,
) -> ListImport:
    """Read a list and record what it would change. Writes no household data.

    ``sheet`` names the sheet to read when several sheets of a workbook hold a list (the
    record then fails with the sheet names in ``preview["sheets"]`` for the user to choose)."""
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
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as plan:
        differ = _Differ(scope, department, group, list_date, plan)
        try:
            reader = ListReader(data, filename, sheet=sheet)
            saved = ColumnMapping.objects.filter(
                department=department,
                header_signature=_signature(reader.probe_headers()),
                region_code=record.region_code,
            ).first()
            reader.locate(saved.mapping if saved else None)
            if progress:
                progress(1, 3, "比对名单与在册数据")
            batch: list[ParsedRow] = []
            for row in reader:
                batch.append(row)
                if len(batch) == _batch_size():
                    differ.add(batch)
                    batch = []
                    if progress and differ.counts["rows"] % PROGRESS_EVERY < _batch_size():
                        progress(1, 3, f"已比对 {differ.counts['rows']} 行")
            differ.add(batch)
        except TabularError as exc:
            record.status = ListImportStatus.FAILED
            record.error = str(exc)
            if isinstance(exc, SheetChoiceNeeded):
                record.preview = {"sheets": exc.sheets}
            record.save()
            audit_record(actor=acting_user, action=AuditAction.IMPORT, obj=record, note=f"无法读取：{exc}")
            return record
        ending_suppressed = differ.finish()
        plan.seek(0)
        record.plan.save(f"plan-{record.sha256[:16]}.csv", File(plan), save=False)
    record.mapping = {f: reader.headers[i] for f, i in reader.mapping.items()}
    record.counts = differ.counts
    record.preview = differ.samples | {
        "unchanged": differ.counts["unchanged"],
        "ending_suppressed": ending_suppressed,
        "header_line": reader.header_line,
        "mapping": record.mapping,
        "sheet": reader.sheet_name,
        "sheet_count": len(reader.sheet_names),
        "unmatched_villages": list(differ.unmatched.values()),
    }
    record.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.IMPORT,
        obj=record,
        note="预览：" + "；".join(f"{k} {v}" for k, v in record.counts.items()),
    )
    ColumnMapping.objects.update_or_create(
        department=department,
        header_signature=_signature(reader.headers),
        region_code=record.region_code,
        defaults={"mapping": record.mapping},
    )
    if progress:
        progress(3, 3, "预览完成")
    return record


def plan_rows(record: ListImport, kinds: str = "NAEX") -> Iterator[dict[str, str]]:
    """The lines of a preview's plan (for the error report and checks)."""
    if not record.plan:
        return
    with record.plan.open("rb") as raw:
        for values in csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            if values[0] in kinds:
                yield dict(zip(PLAN_COLUMNS, values, strict=True))


# --- commit ----------------------------------------------------------------------------------


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[Model], exprs: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT list for INSERT ... SELECT, refusing to forget a field."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    missing = [f.name for f in fields if f.name not in exprs]
    if missing:  # a new field must be given a value here, not silently left to the database
        raise RuntimeError(f"{model.__name__} fields without a value in the list import: {missing}")
    q = connection.ops.quote_name
    return ", ".join(q(f.column) for f in fields), ", ".join(exprs[f.name] for f in fields)


def _plan_width(record: ListImport) -> int:
    with record.plan.open("rb") as raw:
        first = next(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")), [])
    return len(first) or len(PLAN_COLUMNS)


def _load_plan(record: ListImport) -> None:
    q = connection.ops.quote_name
    columns = ", ".join(f"{q(c)} {_PLAN_TYPES.get(c, 'text')}" for c in PLAN_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS pg_temp.anju_plan")
            cursor.execute(f"CREATE TEMPORARY TABLE anju_plan ({columns}) ON COMMIT DROP")
            # A plan written before a column was added (previewed before an upgrade) has fewer.
            listed = ", ".join(q(c) for c in PLAN_COLUMNS[: _plan_width(record)])
            with (
                record.plan.open("rb") as raw,
                cursor.cursor.copy(f"COPY anju_plan ({listed}) FROM STDIN WITH (FORMAT csv)") as copy,
            ):
                while chunk := raw.read(1 << 20):
                    copy.write(chunk)
        else:
            cursor.execute("DROP TABLE IF EXISTS temp.anju_plan")
            cursor.execute(f"CREATE TEMPORARY TABLE anju_plan ({columns})")
            marks = ", ".join("?" for _ in PLAN_COLUMNS)
            with record.plan.open("rb") as raw:
                rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
                connection.connection.executemany(
                    f"INSERT INTO anju_plan VALUES ({marks})",
                    ([v or None for v in r] + [None] * (len(PLAN_COLUMNS) - len(r)) for r in rows),
                )
        cursor.execute("CREATE INDEX anju_plan_kind ON anju_plan (kind)")
        cursor.execute("ANALYZE anju_plan")  # a fresh temporary table has no statistics: plans go wrong


def _group_label_sql() -> str:
    cases = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in KeyGroup.choices)
    return f"CASE p.grp {cases} ELSE p.grp END"


def _json(*pairs: tuple[str, str]) -> str:
    """SQL for {"field": {"before": null, "after": <expr>}, ...} on either backend."""
    fn = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    return f"{fn}(" + ", ".join(f"'{k}', {fn}('before', NULL, 'after', {expr})" for k, expr in pairs) + ")"


def _as_text(expr: str) -> str:
    return f"CAST({expr} AS TEXT)"


def _apply_plan(record: ListImport, acting_user: User, progress: Progress) -> dict[str, int]:
    household_t, member_t, status_t, audit_t = (_table(m) for m in (Household, Member, HouseholdStatus, AuditEvent))
    q = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM would store it
    ctx = current_context()
    source = f"{record.get_department_display()}名单 {record.original_name}"[:200]
    done: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM anju_plan p WHERE p.kind = 'N' AND (EXISTS "
            f"(SELECT 1 FROM {member_t} m WHERE m.{q('id_number')} = p.id_number) OR EXISTS "
            f"(SELECT 1 FROM {household_t} h WHERE h.{q('head_id_number')} = p.id_number))"
        )
        taken = cursor.fetchone()[0]
        if taken:
            raise ValidationError(f"预览之后有 {taken} 个身份证号已被登记，请重新上传名单生成新的预览。")

        cols, exprs = _columns(
            Household,
            {
                "region": "p.region_id",
                "region_code": "p.region_code",
                "group_name": "COALESCE(p.group_name, '')",
                "address": "COALESCE(p.address, '')",
                "head_name": "p.name",
                "head_id_number": "p.id_number",
                "head_sex": "p.sex",
                "head_birth_date": "p.birth_date",
                "phone": "COALESCE(p.phone, '')",
                "bank_name": "''",
                "bank_account": "''",
                "primary_group": "p.grp",  # a new household holds exactly this one status
                "family_size": "p.family_size",
                "created_at": "%s",
                "updated_at": "%s",
            },
        )
        cursor.execute(
            f"INSERT INTO {household_t} ({cols}) SELECT {exprs} FROM anju_plan p WHERE p.kind = 'N' ORDER BY p.line",
            [now, now],
        )
        done["households"] = cursor.rowcount
        cursor.execute(
            f"UPDATE anju_plan SET household_id = h.{q('id')} FROM {household_t} h "
            f"WHERE anju_plan.kind = 'N' AND h.{q('head_id_number')} = anju_plan.id_number"
        )
        cols, exprs = _columns(
            Member,
            {
                "household": "p.household_id",
                "name": "p.name",
                "id_number": "p.id_number",
                "relation": f"'{Relation.HEAD.value}'",
                "sex": "p.sex",
                "birth_date": "p.birth_date",
            },
        )
        cursor.execute(
            f"INSERT INTO {member_t} ({cols}) SELECT {exprs} FROM anju_plan p WHERE p.kind = 'N' ORDER BY p.line"
        )
        if progress:
            progress(1, 3, f"已登记新农户 {done['households']} 户")

        cols, exprs = _columns(
            HouseholdStatus,
            {
                "household": "p.household_id",
                "group": "p.grp",
                "department": "%s",
                "certifying_body": "COALESCE(p.cert_body, '')",
                "certified_on": "p.certified_on",
                "ended_on": "NULL",
                "source": "%s",
                "list_import": "%s",
                "created_at": "%s",
            },
        )
        cursor.execute(
            f"INSERT INTO {status_t} ({cols}) SELECT {exprs} FROM anju_plan p WHERE p.kind IN ('N', 'A') ORDER BY p.line",
            [record.department, source, record.pk, now],
        )
        done["statuses"] = cursor.rowcount
        cursor.execute(
            f"UPDATE {status_t} SET {q('ended_on')} = %s WHERE {q('ended_on')} IS NULL AND {q('id')} IN "
            "(SELECT status_id FROM anju_plan WHERE kind = 'E')",
            [connection.ops.adapt_datefield_value(record.list_date)],
        )
        done["ended"] = cursor.rowcount
        if done["ended"] != record.counts.get("status_ended", 0):
            raise ValidationError("预览之后有身份已被他人出列或修改，请重新上传名单生成新的预览。")
        order = " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(KEY_GROUP_PRIORITY))
        cursor.execute(
            f"UPDATE {household_t} SET {q('primary_group')} = COALESCE((SELECT s.{q('group')} FROM {status_t} s "
            f"WHERE s.{q('household_id')} = {household_t}.{q('id')} AND s.{q('ended_on')} IS NULL "
            f"ORDER BY CASE s.{q('group')} {order} END LIMIT 1), '') "
            f"WHERE {q('id')} IN (SELECT household_id FROM anju_plan WHERE kind IN ('A', 'E'))"
        )
        # Their houses carry the group's flag (ADR 0053); a new household has no house yet.
        house_t = _table(House)
        cursor.execute(
            f"UPDATE {house_t} SET {q('key_household')} = EXISTS (SELECT 1 FROM {household_t} h "
            f"WHERE h.{q('id')} = {house_t}.{q('household_id')} AND h.{q('primary_group')} <> '') "
            f"WHERE {q('household_id')} IN (SELECT household_id FROM anju_plan WHERE kind IN ('A', 'E'))"
        )
        cursor.execute(
            f"UPDATE {household_t} SET {q('family_size')} = (SELECT MAX(p.family_size) FROM anju_plan p "
            f"WHERE p.household_id = {household_t}.{q('id')} AND p.kind IN ('A', 'F')) WHERE {q('id')} IN "
            "(SELECT household_id FROM anju_plan WHERE kind IN ('A', 'F') AND family_size IS NOT NULL)"
        )
        done["family_sizes"] = cursor.rowcount
        if progress:
            progress(2, 3, "已更新身份")

        ip = "CAST(%s AS inet)" if connection.vendor == "postgresql" else "%s"
        audit_exprs = {
            "at": "%s",
            "actor": "%s",
            "actor_username": "%s",
            "ip": ip,
            "channel": "%s",
            "request_id": "%s",
        }
        common = [now, acting_user.pk, acting_user.username, ctx.ip, ctx.channel, ctx.request_id]
        note = f"名单导入 {record.pk}"
        label = _group_label_sql()

        def audit(
            action: str, object_type: str, object_id: str, repr_: str, changes: str, tail: str, note: str
        ) -> None:
            cols, exprs = _columns(
                AuditEvent,
                audit_exprs
                | {
                    "action": f"'{action}'",
                    "object_type": f"'{object_type}'",
                    "object_id": object_id,
                    "object_repr": repr_,
                    "region_code": "p.region_code",
                    "changes": changes,
                    "note": "%s",
                },
            )
            cursor.execute(f"INSERT INTO {audit_t} ({cols}) SELECT {exprs} {tail}", [*common, note])

        # A new household's event covers its head member and its first status too (ADR 0009).
        audit(
            AuditAction.CREATE,
            "households.household",
            _as_text("p.household_id"),
            "p.name || '户'",
            _json(
                ("head_name", "p.name"),
                ("head_id_number", "p.id_number"),
                ("group", "p.grp"),
                ("certified_on", _as_text("p.certified_on")),
            ),
            "FROM anju_plan p WHERE p.kind = 'N' ORDER BY p.line",
            f"{note}：登记农户及户主，认定身份",
        )
        audit(
            AuditAction.CREATE,
            "households.householdstatus",
            _as_text(f"s.{q('id')}"),
            f"p.name || '户 ' || {label}",
            _json(("group", "p.grp"), ("certified_on", _as_text("p.certified_on"))),
            f"FROM anju_plan p JOIN {status_t} s ON s.{q('household_id')} = p.household_id "
            f"AND s.{q('group')} = p.grp AND s.{q('list_import_id')} = {int(record.pk)} "
            "WHERE p.kind = 'A' ORDER BY p.line",
            note,
        )
        audit(
            AuditAction.UPDATE,
            "households.householdstatus",
            _as_text("p.status_id"),
            f"p.name || '户 ' || {label}",
            _json(("ended_on", _as_text(f"'{record.list_date.isoformat()}'"))),
            "FROM anju_plan p WHERE p.kind = 'E'",
            f"{note}：不在新名单中，出列",
        )
        audit(
            AuditAction.UPDATE,
            "households.household",
            _as_text("p.household_id"),
            "p.name || '户'",
            _json(("family_size", _as_text("p.family_size"))),
            "FROM anju_plan p WHERE p.kind IN ('A', 'F') AND p.family_size IS NOT NULL",
            f"{note}：名单所列家庭人口",
        )
    return done


def list_import_commit(*, acting_user: User, list_import: ListImport, progress: Progress = None) -> ListImport:
    """Apply a previewed list in one transaction: all of it or nothing."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    with transaction.atomic():
        record = ListImport.objects.select_for_update().get(pk=list_import.pk)
        if record.status != ListImportStatus.PREVIEWED:
            raise ValidationError(f"该名单{record.get_status_display()}，不能再次导入。")
        if record.created_by_id != acting_user.pk:
            raise PermissionDenied("只能由上传人确认导入。")
        if not record.plan:
            raise ValidationError("该预览没有比对结果，请重新上传名单。")
        _load_plan(record)
        try:
            with transaction.atomic():
                _apply_plan(record, acting_user, progress)
        except IntegrityError as exc:
            raise ValidationError("预览之后在册数据已有变化，请重新上传名单生成新的预览。") from exc
        with connection.cursor() as cursor:
            cursor.execute("SELECT household_id FROM anju_plan WHERE kind = 'A'")
            confirmed = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE anju_plan")
        if confirmed:
            statuses_confirmed.send(
                sender=None,
                household_ids=confirmed,
                department=record.department,
                group=record.group,
                source=f"名单「{record.original_name}」",
                acting_user=acting_user,
            )
        record.status = ListImportStatus.COMMITTED
        record.committed_at = timezone.now()
        record.save(update_fields=["status", "committed_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=record,
            note="；".join(f"{k} {v}" for k, v in record.counts.items()),
        )
        facts_changed(
            acting_user=acting_user, reason=f"导入名单「{record.original_name}」", region_code=record.region_code
        )
        if progress:
            progress(3, 3, "导入完成")
    return record


def list_import_cancel(*, acting_user: User, list_import: ListImport) -> ListImport:
    with transaction.atomic():
        record = ListImport.objects.select_for_update().get(pk=list_import.pk)
        if record.status != ListImportStatus.PREVIEWED:
            raise ValidationError("只有待确认的名单可以取消。")
        record.status = ListImportStatus.CANCELLED
        record.save(update_fields=["status"])
        audit_record(actor=acting_user, action=AuditAction.IMPORT, obj=record, note="取消导入")
    return record


def village_alias_save(*, acting_user: User, township: str, name: str, village: Region) -> VillageAlias:
    """Remember, for the village's county, which division a list means by ``township`` + ``name``:
    later imports in the county resolve the written name to it (ADR 0022). Audited."""
    if not can_write_statuses(acting_user):
        raise PermissionDenied("您的角色不能导入重点对象名单。")
    prefix = acting_user.region.prefix if acting_user.region is not None else ""
    if village.level != RegionLevel.VILLAGE or not village.code.startswith(prefix):
        raise ValidationError({"village": "请选择您辖区内的村（社区）。"})
    name_key = _village_key(name)
    if not name_key:
        raise ValidationError({"name": "村名为空。"})
    county = county_code_of(village.code)
    township_key = _township_key(township)
    with transaction.atomic():
        alias = (
            VillageAlias.objects.select_for_update()
            .filter(county_code=county, township_key=township_key, name_key=name_key)
            .first()
        )
        before = alias.village.code if alias else None
        if alias is None:
            alias = VillageAlias(county_code=county, township_key=township_key, name_key=name_key)
        alias.written = f"{township}{name}"[:200]
        alias.village = village
        alias.created_by = acting_user
        alias.created_at = timezone.now()
        alias.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=alias,
            changes={"village": {"before": before, "after": village.code}},
            note=f"名单村名对应：「{alias.written}」→ {village.name}",
        )
    return alias
