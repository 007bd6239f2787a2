"""Renovation history from the national 农村危房改造信息系统 (ADR 0041): a county's export
(xls/xlsx/CSV) is read with the department-list reader (``anju.core.tabular`` bounds, the
header located by aliases like ``listparse``), each row checked (ID number, village from the
乡镇/村 columns or the address, year, method, amount, completion date), previewed with every
invalid row's reasons, and committed: the valid rows only, and when some rows are invalid only
if the user confirms. Each record is kept by ID number and linked to the registered household
and its only house, where the second-subsidy guard, the anomaly checks and the watch list read
it."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.dispatch import receiver
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction, AuditEvent
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.core.context import current_context
from anju.core.masking import Kind, mask
from anju.core.tabular import FormulaCell, NumberCell, TabularError, looks_like_excel_number, open_table
from anju.households.idcard import IdNumberError, parse_id_number
from anju.households.listimport import _Scope
from anju.households.listparse import (
    FORMULA_MESSAGE,
    HEADER_SCAN,
    NUMBER_ID_MESSAGE,
    alias_index,
    find_header,
    parse_date,
)
from anju.households.models import (
    HistoryImport,
    HistoryImportStatus,
    House,
    Household,
    Member,
    RenovationHistory,
)
from anju.households.permissions import can_write_households
from anju.households.signals import registered
from anju.jobs.models import Job
from anju.jobs.services import job_start
from anju.regions.models import Region

# Header texts seen in the national system's exports and in the tables counties keep from it.
ALIASES: dict[str, tuple[str, ...]] = {
    "head_name": ("户主姓名", "户主", "姓名", "户主名称"),
    "id_number": ("身份证号码", "身份证号", "户主身份证号", "户主身份证号码", "证件号码", "公民身份号码"),
    "address": ("地址", "家庭住址", "住址", "房屋地址", "详细地址"),
    "township": ("乡镇", "乡（镇）", "乡(镇)", "乡镇（街道）", "乡镇(街道)", "所在乡镇"),
    "village": ("村", "行政村", "村（社区）", "村(社区)", "所在村"),
    "year": ("改造年度", "年度", "改造年份", "计划年度", "实施年度"),
    "method": ("改造方式", "改造类型", "改造方式（类型）"),
    "amount": ("补助金额", "补助资金", "补助金额（元）", "补助资金（元）", "中央补助资金", "补助标准"),
    "completed_on": ("竣工日期", "竣工时间", "竣工验收日期", "完工日期"),
}
REQUIRED = ("head_name", "id_number", "year", "method")
LABELS = {
    "head_name": "户主姓名",
    "id_number": "身份证号码",
    "address": "地址",
    "township": "乡镇",
    "village": "村",
    "year": "改造年度",
    "method": "改造方式",
    "amount": "补助金额",
    "completed_on": "竣工日期",
}
FIRST_YEAR = 2008  # the national programme's first year (农村危房改造试点)
MAX_AMOUNT = Decimal("500000")  # a typing error bound, not policy: no renovation subsidy is larger
# A file up to this size is previewed while the user waits (~20,000 rows); a larger one as a job
# (``households.history_preview``, under the imports' memory limit), up to JOB_LIMIT rows.
DIRECT_BYTES = 2 << 20
JOB_LIMIT = 300_000
_INDEX = alias_index(ALIASES)
_AMOUNT_TEXT = re.compile(r"[,，\s元]")


class _Villages:
    """The village a history row names: from its 乡镇/村 columns like the department lists
    (``listimport._Scope``), else from its address: the township names and village names of the
    importer's region found in the address text; one village must remain."""

    def __init__(self, user: Any) -> None:
        self.scope = _Scope(user)

    def find(self, township: str, village: str, address: str) -> tuple[Region | None, str]:
        if village:
            region, reason, _ = self.scope.village("", village, township)
            return region, reason
        text = re.sub(r"\s+", "", address)
        if not text:
            return None, "没有地址，也没有乡镇、村两列，无法确定所在村"
        towns = [p for key, ps in self.scope.towns.items() if len(key) >= 2 and key in text for p in ps]
        found = [
            (len(key), v)
            for key, vs in self.scope.by_name.items()
            if len(key) >= 2 and key in text
            for v in vs
            if not towns or v.code[:9] in towns
        ]
        if not found:
            return None, f"地址「{address}」中找不到辖区内的村"
        longest = max(n for n, _ in found)
        best = {v.pk: v for n, v in found if n == longest}
        if len(best) > 1:
            names = "、".join(self.scope.full_name(v) for v in best.values())
            return None, f"地址「{address}」对应多个村（{names}），请增加乡镇、村两列"
        return next(iter(best.values())), ""


def _year(raw: str, today: datetime.date) -> int:
    text = raw.strip().removesuffix("年").removesuffix("年度")
    if text.endswith(".0"):
        text = text[:-2]
    if not (text.isdigit() and FIRST_YEAR <= int(text) <= today.year):
        raise ValueError(f"改造年度「{raw}」应为 {FIRST_YEAR}–{today.year} 的四位年份")
    return int(text)


def _amount(raw: str) -> Decimal | None:
    text = _AMOUNT_TEXT.sub("", raw)
    if not text:
        return None
    try:
        value = Decimal(text.removesuffix("万")) * (10000 if text.endswith("万") else 1)
    except InvalidOperation:
        raise ValueError(f"补助金额「{raw}」不是数字") from None
    if not Decimal(0) <= value <= MAX_AMOUNT:
        raise ValueError(f"补助金额「{raw}」应在 0–{MAX_AMOUNT:,.0f} 元之间")
    return value.quantize(Decimal("0.01"))


def parse_history(
    data: bytes, filename: str, user: Any, today: datetime.date, max_rows: int = JOB_LIMIT
) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """(mapping field → header, valid rows, invalid rows with per-column reasons). Raises
    ``TabularError`` for a file that cannot be read or has no usable header."""
    table = open_table(data, filename)
    rows_iter = table.rows(0)
    head = list(itertools.islice(rows_iter, HEADER_SCAN))
    at, headers, mapping = find_header(
        head,
        index=_INDEX,
        required=REQUIRED,
        missing="找不到表头：需要「户主姓名」「身份证号码」「改造年度」「改造方式」等列。",
    )
    missing = [LABELS[f] for f in REQUIRED if f not in mapping]
    if "address" not in mapping and "village" not in mapping:
        missing.append("地址（或乡镇、村）")
    if missing:
        raise TabularError(f"缺少必需的列：{'、'.join(missing)}")
    villages = _Villages(user)
    valid: list[dict[str, Any]] = []
    invalid: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    line = at + 1
    for row in itertools.chain(head[at + 1 :], rows_iter):
        line += 1
        cell = {f: (row[i] if i < len(row) else "") for f, i in mapping.items()}
        if not any(cell.values()):
            continue
        if not cell.get("id_number") and not cell.get("head_name"):
            continue  # a 合计 / 制表人 line
        if len(valid) + len(invalid) >= max_rows:
            raise TabularError(f"文件超过 {max_rows} 行，请按乡镇分成几个文件导入。")
        errors: dict[str, str] = {}
        for f, value in cell.items():
            if isinstance(value, FormulaCell):
                errors[LABELS[f]] = FORMULA_MESSAGE
        name = re.sub(r"[\s\u3000]+", "", cell.get("head_name", ""))
        if not name:
            errors.setdefault("户主姓名", "姓名为空")
        elif len(name) > 50:
            errors["户主姓名"] = "超过 50 个字"
        number = ""
        raw_id = cell.get("id_number", "")
        if isinstance(raw_id, NumberCell) or looks_like_excel_number(raw_id):
            errors["身份证号码"] = NUMBER_ID_MESSAGE
        else:
            try:
                number = parse_id_number(raw_id, today=today).number
            except IdNumberError as exc:
                errors["身份证号码"] = str(exc)
        year = None
        try:
            year = _year(cell.get("year", ""), today)
        except ValueError as exc:
            errors["改造年度"] = str(exc)
        method = cell.get("method", "").strip()
        if not method:
            errors["改造方式"] = "改造方式为空"
        elif len(method) > 50:
            errors["改造方式"] = "超过 50 个字"
        amount = None
        try:
            amount = _amount(cell.get("amount", ""))
        except ValueError as exc:
            errors["补助金额"] = str(exc)
        completed = None
        try:
            completed = parse_date(cell.get("completed_on", ""))
        except ValueError as exc:
            errors["竣工日期"] = str(exc)
        if completed and (completed > today or (year and completed.year < year)):
            errors["竣工日期"] = f"竣工日期 {completed:%Y-%m-%d} 早于改造年度或晚于今天"
        address = cell.get("address", "").strip()[:200]
        region, reason = villages.find(cell.get("township", ""), cell.get("village", ""), address)
        if region is None:
            errors["地址" if "village" not in mapping else "村"] = reason
        if number and year and not errors:
            first = seen.setdefault((number, year), line)
            if first != line:
                errors["身份证号码"] = f"与第 {first} 行是同一人同一年度的记录（重复）"
        if errors:
            invalid.append({"line": line, "name": name, "id": mask(number or raw_id, Kind.ID), "errors": errors})
            continue
        assert region is not None and year is not None
        valid.append(
            {"line": line, "name": name, "id_number": number, "address": address, "region": region.pk,
             "region_code": region.code, "year": year, "method": method,
             "amount": str(amount) if amount is not None else None,
             "completed_on": completed.isoformat() if completed else None}
        )  # fmt: skip
    if not valid and not invalid:
        raise TabularError("表格中没有数据行。")
    return {f: headers[i] for f, i in mapping.items()}, valid, invalid


def _check_importer(user: Any) -> None:
    if not can_write_households(user):
        raise PermissionDenied("只有村、乡镇和区/县住建部门的经办人员才能导入历史改造记录。")
    if user.region_id is None and not user.is_superuser:
        raise PermissionDenied("您的账号没有所属区划，不能导入历史改造记录。")


def history_import_start(*, acting_user: User, data: bytes, filename: str) -> HistoryImport | Job:
    """Preview a national-system export: at once when it is small, else as a background job
    (the jobs page shows its progress and links the preview)."""
    _check_importer(acting_user)
    if len(data) <= DIRECT_BYTES:
        return history_import_preview(acting_user=acting_user, data=data, filename=filename)
    if len(data) > settings.ANJU_MAX_IMPORT_BYTES:
        raise ValidationError({"file": f"文件过大（上限 {settings.ANJU_MAX_IMPORT_BYTES // (1024 * 1024)} MB）。"})
    return job_start(
        acting_user=acting_user,
        kind="households.history_preview",
        title=f"历史改造记录预览：{filename}",
        params={"filename": filename},
        input_name=filename,
        input_data=data,
    )


def history_import_preview(*, acting_user: User, data: bytes, filename: str) -> HistoryImport:
    """Read a national-system export and record what it would write; writes no history yet."""
    _check_importer(acting_user)
    today = timezone.localdate()
    record = HistoryImport(
        region_code=acting_user.region.code if acting_user.region else "",
        original_name=(filename or "历史改造记录.xlsx")[-200:],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=acting_user,
    )
    try:
        record.mapping, valid, invalid = parse_history(data, record.original_name, acting_user, today)
    except TabularError as exc:
        record.status, record.error = HistoryImportStatus.REFUSED, str(exc)
        valid, invalid = [], []
    existing = set(
        RenovationHistory.objects.filter(id_number__in=[r["id_number"] for r in valid]).values_list("id_number", "year")
    )
    fresh = [r for r in valid if (r["id_number"], r["year"]) not in existing]
    registered = _households_by_id([r["id_number"] for r in fresh])
    record.rows, record.invalid = fresh, invalid
    record.counts = {
        "valid": len(valid),
        "invalid": len(invalid),
        "existing": len(valid) - len(fresh),
        "new": len(fresh),
        "registered": sum(1 for r in fresh if r["id_number"] in registered),
    }
    with transaction.atomic():
        record.original.save(record.original_name, ContentFile(data), save=False)
        record.save()
        audit_record(
            actor=acting_user, action=AuditAction.IMPORT, obj=record,
            changes={"counts": {"before": None, "after": record.counts}},
            note="历史改造记录预览" + (f"（拒收：{record.error}）" if record.error else ""),
        )  # fmt: skip
    return record


def _households_by_id(numbers: list[str]) -> dict[str, tuple[int, int | None]]:
    """ID number → (household, its only house) for the people registered in anju (a member or a
    head; a lower-case x matches)."""
    upper = [n.upper() for n in numbers]
    found: dict[str, tuple[int, int | None]] = {}
    for chunk in range(0, len(upper), 2000):
        part = upper[chunk : chunk + 2000]
        members = Member.objects.annotate(u=Upper("id_number")).filter(u__in=part).values_list("u", "household_id")
        for number, household_id in members:
            found.setdefault(number, (household_id, None))
    houses = dict(
        House.objects.filter(household_id__in={h for h, _ in found.values()}, is_only_house=True).values_list(
            "household_id", "pk"
        )
    )
    return {n: (h, houses.get(h)) for n, (h, _) in found.items()}


def history_import_commit(
    *, acting_user: User, history_import: HistoryImport, confirm_partial: bool = False
) -> HistoryImport:
    """Write the previewed valid rows as renovation history, all at once. With invalid rows in
    the file the user must confirm that the valid ones are kept without them."""
    _check_importer(acting_user)
    with transaction.atomic():
        record = HistoryImport.objects.select_for_update().visible_to(acting_user).get(pk=history_import.pk)
        if record.status != HistoryImportStatus.PREVIEWED:
            raise ValidationError(f"该导入的状态为「{record.get_status_display()}」，不能再导入。")
        if record.counts.get("invalid") and not confirm_partial:
            raise ValidationError(
                f"文件中有 {record.counts['invalid']} 行无效。请修正后重新上传，或确认只导入其余 "
                f"{record.counts.get('new', 0)} 条有效记录。"
            )
        registered = _households_by_id([r["id_number"] for r in record.rows])
        existing = set(
            RenovationHistory.objects.filter(id_number__in=[r["id_number"] for r in record.rows]).values_list(
                "id_number", "year"
            )
        )
        now = timezone.now()
        made = RenovationHistory.objects.bulk_create(
            [
                RenovationHistory(
                    id_number=r["id_number"], head_name=r["name"], address=r["address"], region_id=r["region"],
                    region_code=r["region_code"], year=r["year"], method=r["method"],
                    amount=Decimal(r["amount"]) if r["amount"] is not None else None,
                    completed_on=datetime.date.fromisoformat(r["completed_on"]) if r["completed_on"] else None,
                    household_id=registered.get(r["id_number"].upper(), (None, None))[0],
                    house_id=registered.get(r["id_number"].upper(), (None, None))[1],
                    source=record, created_at=now,
                )
                for r in record.rows
                if (r["id_number"], r["year"]) not in existing
            ],
            batch_size=2000,
        )  # fmt: skip
        if made and made[0].pk is None:  # backends that do not return ids on bulk insert
            made = list(RenovationHistory.objects.filter(source=record))
        ctx = current_context()
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=acting_user, actor_username=acting_user.username, ip=ctx.ip, channel=ctx.channel,
                    request_id=ctx.request_id, action=AuditAction.CREATE, object_type="households.renovationhistory",
                    object_id=str(h.pk), object_repr=str(h)[:200], region_code=h.region_code,
                    changes={"year": {"before": None, "after": h.year}, "method": {"before": None, "after": h.method}},
                    note=f"从国家农村危房改造信息系统导入（{record.original_name}）",
                )
                for h in made
            ],
            batch_size=2000,
        )  # fmt: skip
        record.status = HistoryImportStatus.COMMITTED
        record.committed_by, record.committed_at = acting_user, now
        record.counts = record.counts | {"written": len(made)}
        record.save(update_fields=["status", "committed_by", "committed_at", "counts"])
        audit_record(
            actor=acting_user, action=AuditAction.IMPORT, obj=record,
            changes={"written": {"before": None, "after": len(made)}},
            note="历史改造记录导入" + ("（确认跳过无效行）" if record.counts.get("invalid") else ""),
        )  # fmt: skip
    return record


def history_import_cancel(*, acting_user: User, history_import: HistoryImport) -> HistoryImport:
    _check_importer(acting_user)
    with transaction.atomic():
        record = HistoryImport.objects.select_for_update().visible_to(acting_user).get(pk=history_import.pk)
        if record.status != HistoryImportStatus.PREVIEWED:
            raise ValidationError(f"该导入的状态为「{record.get_status_display()}」，不能取消。")
        record.status = HistoryImportStatus.CANCELLED
        record.save(update_fields=["status"])
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=record, note="取消历史改造记录导入")
    return record


def error_report(record: HistoryImport) -> bytes:
    """The full error report: every invalid row with each reason, as CSV (UTF-8 with BOM, so
    Excel and WPS open it in Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "户主姓名", "身份证号码", "列", "原因"])
    for row in record.invalid:
        for column, reason in row["errors"].items():
            writer.writerow([row["line"], row["name"], row["id"], column, reason])
    return ("\ufeff" + out.getvalue()).encode()


def past_renovations(*, household: Household, house: House | None) -> list[RenovationHistory]:
    """The national system's renovations of this family: any member's ID number (a lower-case x
    matches), or the house."""
    ids = [n.upper() for n in household.members.values_list("id_number", flat=True)]
    q = Q(household=household) | Q(id_number__in=ids) | Q(id_number__in=[n.lower() for n in ids])
    if house is not None:
        q |= Q(house=house)
    return list(RenovationHistory.objects.filter(q).order_by("-year", "-pk"))


@receiver(registered)
def link_registered(*, household_id: int, id_numbers: list[str], acting_user: User, **_: Any) -> int:
    """A person or an only house registered after the import (ADR 0041): the national system's
    records of these ID numbers (a lower-case x matching) not yet linked are linked to the
    household, and the household's records without a house to its only house, so the watch list
    and the guard see them as records linked at import. Audited per record; returns how many
    records changed."""
    upper = [n.upper() for n in id_numbers]
    mine = Q(household_id=household_id, house__isnull=True)
    if upper:
        mine |= Q(household__isnull=True, id_number__in=[*upper, *(n.lower() for n in upper)])
    records = list(RenovationHistory.objects.filter(mine).select_for_update())
    if not records:
        return 0
    house_id = House.objects.filter(household_id=household_id, is_only_house=True).values_list("pk", flat=True).first()
    changed = 0
    for record in records:
        before = model_snapshot(record, ("household_id", "house_id"))
        record.household_id = household_id
        record.house_id = record.house_id or house_id
        after = model_snapshot(record, ("household_id", "house_id"))
        if after == before:
            continue
        record.save(update_fields=["household", "house"])
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=record, changes=changes_between(before, after),
            note="国家系统历史改造记录关联到新登记的农户/房屋",
        )  # fmt: skip
        changed += 1
    return changed
