"""Emergency inspections: the event, its tasks, worst first."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.households.choices import GradeSource, KeyGroup
from anju.households.models import House
from anju.inspections.acts import ensure_act
from anju.inspections.choices import DANGEROUS_GRADES, ActKind, EventKind, Grade, TaskPriority
from anju.inspections.models import EmergencyEvent, EmergencyTask
from anju.inspections.services._common import _villages_in
from anju.regions.models import Region


def task_priority(house: House) -> tuple[int, str]:
    """Worst first: the low-income key households (their house's grade said after the group),
    then known C/D (the house's current grade, appraised or suspected), elderly occupants,
    previously renovated, the rest."""
    group = house.household.primary_group
    if group:
        grade = f"，{Grade(house.current_grade).label}" if house.current_grade in DANGEROUS_GRADES else ""
        return TaskPriority.KEY_GROUP, f"{KeyGroup(group).label}{grade}"
    if house.current_grade in DANGEROUS_GRADES:
        source = GradeSource(house.grade_source).label if house.grade_source else ""
        return TaskPriority.KNOWN_DANGEROUS, f"已知{Grade(house.current_grade).label}（{source}）"
    if house.is_occupied and house.elderly_occupants:
        return TaskPriority.ELDERLY, f"住有 {house.elderly_occupants} 位 60 岁以上老人"
    if house.renovated_year:
        return TaskPriority.RENOVATED, f"{house.renovated_year} 年改造"
    return TaskPriority.OTHER, ""


def _event_tasks(event: EmergencyEvent, villages: list[Region]) -> list[EmergencyTask]:
    """One inspection task per house of the villages, ranked by ``task_priority``."""
    houses = (
        House.objects.filter(region__in=villages)
        .select_related("household")
        .only(
            "pk",
            "region_code",
            "current_grade",
            "grade_source",
            "is_occupied",
            "elderly_occupants",
            "renovated_year",
            "household__primary_group",
        )
    )
    tasks = []
    for house in houses:
        priority, reason = task_priority(house)
        tasks.append(
            EmergencyTask(event=event, house=house, region_code=house.region_code, priority=priority, reason=reason)
        )
    return tasks


def emergency_declare(
    *,
    acting_user: User,
    kind: str,
    title: str,
    occurred_on: datetime.date,
    region: Region,
    villages: list[Region],
    note: str = "",
    area: str = "",
) -> EmergencyEvent:
    """Declare an event for a set of villages and create an inspection task for every house there."""
    ensure_act(ActKind.EMERGENCY, acting_user, region)
    if kind not in EventKind.values:
        raise ValidationError({"kind": "请选择灾害或事件类型。"})
    if not title.strip():
        raise ValidationError({"title": "请填写名称。"})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "发生日期不能晚于今天。"})
    if not villages:
        raise ValidationError({"villages": "请选择受影响的村。"})
    chosen = _villages_in(region, villages)
    with transaction.atomic():
        event = EmergencyEvent.objects.create(
            kind=kind,
            title=title.strip(),
            occurred_on=occurred_on,
            region=region,
            region_code=region.code,
            note=note,
            area=area.strip()[:200],
            created_by=acting_user,
        )
        event.villages.set(chosen)
        tasks = _event_tasks(event, chosen)
        EmergencyTask.objects.bulk_create(tasks, batch_size=1000)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=event,
            changes=changes_between({}, model_snapshot(event, ("kind", "title", "occurred_on", "area")))
            | {"villages": {"before": None, "after": len(chosen)}, "tasks": {"before": None, "after": len(tasks)}},
        )
    return event
