"""Writes of the tasks app: the province issues a county's quota, the county allocates it to
its townships. Over- and under-allocation are allowed and shown (ADR 0015)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, refusals_audited
from anju.core.scoping import in_scope
from anju.eligibility.choices import Programme
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.tasks.choices import TaskKind
from anju.tasks.models import Task

ISSUE_ROLES = (Role.PROVINCE_OFFICER, Role.CITY_OFFICER)
ALLOCATE_ROLES = (Role.COUNTY_OFFICER,)
MAX_COUNT = 1_000_000


def can_issue(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*ISSUE_ROLES))


def can_allocate(user: Any, task: Task | None = None) -> bool:
    if not (user.is_superuser or user.has_role(*ALLOCATE_ROLES)):
        return False
    return task is None or (task.parent_id is None and in_scope(user, task.region_code))


def _check_count(count: Any, errors: dict[str, str], key: str = "count") -> None:
    if not isinstance(count, int) or isinstance(count, bool):
        errors[key] = "任务户数应为整数。"
    elif count < 0:
        errors[key] = "任务户数不能为负数。"
    elif count > MAX_COUNT:
        errors[key] = "任务户数过大，请核对。"


def _save(*, acting_user: User, task: Task | None, values: dict[str, Any], note: str) -> Task:
    """Create the task, or change the count of an existing one, with its audit row."""
    if task is None:
        task = Task.objects.create(issued_by=acting_user, note=note.strip()[:300], **values)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=task,
            changes={"count": {"before": None, "after": task.count}},
            note=note.strip(),
        )
        return task
    before = task.count
    task.count = values["count"]
    task.note = note.strip()[:300] or task.note
    task.issued_by = acting_user
    task.issued_on = timezone.localdate()
    task.save(update_fields=["count", "note", "issued_by", "issued_on", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=task,
        changes={"count": {"before": before, "after": task.count}} if before != task.count else None,
        note=note.strip() or "重新下达",
    )
    return task


def task_issue(
    *,
    acting_user: User,
    county: Region,
    year: int,
    programme: str,
    kind: str,
    count: int,
    note: str = "",
) -> Task:
    """下达任务: the province (or city) officer sets a county's quota for a year, programme and
    kind. Issuing again changes the count (audited with before and after); allocations already
    made stay, and any over- or under-allocation shows on the task list."""
    if not can_issue(acting_user):
        raise PermissionDenied("任务须由省住建厅（或市住建局）下达。")
    if not in_scope(acting_user, county.code):
        raise PermissionDenied("该县（区）不在您的管辖范围内。")
    errors: dict[str, str] = {}
    if county.level != RegionLevel.COUNTY:
        errors["county"] = f"任务下达到县（区）；「{county.name}」是{county.level_label}。"
    if not isinstance(year, int) or not 2009 <= year <= 2100:
        errors["year"] = "年度应为 2009–2100 的四位数字。"
    if programme not in Programme.values:
        errors["programme"] = "请选择项目：农村危房改造或农房抗震改造。"
    if kind not in TaskKind.values:
        errors["kind"] = "请选择任务类型：年度任务或动态新增。"
    _check_count(count, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            Task.objects.select_for_update().filter(year=year, programme=programme, kind=kind, region=county).first()
        )
        values = {"year": year, "programme": programme, "kind": kind, "region": county, "region_code": county.code}
        return _save(acting_user=acting_user, task=existing, values={**values, "count": count}, note=note)


def _allocation_errors(acting_user: User, task: Task) -> None:
    if not (acting_user.is_superuser or acting_user.has_role(*ALLOCATE_ROLES)):
        raise PermissionDenied("任务须由区/县住建局分解到乡镇。")
    if not in_scope(acting_user, task.region_code):
        raise PermissionDenied("该任务不在您的管辖范围内。")
    if task.parent_id is not None or task.region.level != RegionLevel.COUNTY:
        raise ValidationError("只有下达到县（区）的任务才能分解到乡镇。")


def _check_township(task: Task, township: Region, errors: dict[str, str]) -> None:
    if township.level != RegionLevel.TOWNSHIP or township.parent_id != task.region_id:
        errors["township"] = f"「{township.name}」不是{task.region.name}的乡镇（街道），不能分配。"


@refusals_audited("分解任务", obj_kwarg="task")
def task_allocate(*, acting_user: User, task: Task, township: Region, count: int, note: str = "") -> Task:
    """分解任务: the county officer allocates part of its task to one of its townships (the
    same year, programme and kind). Allocating again changes the count. The townships' sum may
    differ from the county's task: that is shown, not refused (ADR 0015)."""
    _allocation_errors(acting_user, task)
    errors: dict[str, str] = {}
    _check_township(task, township, errors)
    _check_count(count, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _allocate_one(acting_user=acting_user, task=task, township=township, count=count, note=note)


def _allocate_one(*, acting_user: User, task: Task, township: Region, count: int, note: str) -> Task:
    existing = Task.objects.select_for_update().filter(parent=task, region=township).first()
    values = {
        "year": task.year,
        "programme": task.programme,
        "kind": task.kind,
        "region": township,
        "region_code": township.code,
        "parent": task,
        "count": count,
    }
    return _save(acting_user=acting_user, task=existing, values=values, note=note)


@refusals_audited("分解任务", obj_kwarg="task")
def task_allocate_many(*, acting_user: User, task: Task, counts: Mapping[str, int], note: str = "") -> list[Task]:
    """The allocation form: a count per township code, all saved or none. Townships whose count
    did not change are left alone (no audit noise); a township left out keeps its allocation."""
    _allocation_errors(acting_user, task)
    townships = {r.code: r for r in Region.objects.filter(code__in=list(counts))}
    current = {t.region_code: t.count for t in Task.objects.filter(parent=task)}
    errors: dict[str, str] = {}
    for code, count in counts.items():
        township = townships.get(code)
        if township is None:
            errors[code] = f"区划代码 {code} 不存在。"
            continue
        _check_township(task, township, errors)
        if "township" in errors:
            errors[code] = errors.pop("township")
        _check_count(count, errors, key=code)
    if errors:
        raise ValidationError(errors)
    saved: list[Task] = []
    with transaction.atomic():
        for code, count in counts.items():
            if current.get(code) == count or (code not in current and count == 0):
                continue
            saved.append(
                _allocate_one(acting_user=acting_user, task=task, township=townships[code], count=count, note=note)
            )
    return saved
