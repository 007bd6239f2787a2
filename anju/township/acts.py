"""Who may do what in the township duties, now: the one table (issue 22, ADR 0044).

The 乡镇建环办 and the county office record the township's duties (villages, houses, projects,
trainings, visits, publicity, teams and their tasks) inside their subtree (``RECORD``). A
project's progress is reported by them until it is accepted; acceptance (验收) is the county's,
and only of a project reported complete (100 %). A team task is done by its assignee (the
member's own account) or by the township office, once.

``act_refusal(obj, user, kind)`` says why ``user`` may not do ``kind`` to ``obj`` now (a region
for RECORD, a project for REPORT and ACCEPT, a task for COMPLETE; None asks only about the role);
``available_acts`` lists a project's or a task's acts; the services assert it first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.regions.models import Region
from anju.township.choices import ProjectStatus
from anju.township.models import Project, TeamTask


class DutyAct(models.TextChoices):
    RECORD = "record", "登记"
    REPORT = "report", "报告进度"
    ACCEPT = "accept", "项目验收"
    COMPLETE = "complete", "完成任务"


RECORD_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
ACT_ROLES: dict[str, tuple[str, ...]] = {
    DutyAct.RECORD: RECORD_ROLES,
    DutyAct.REPORT: RECORD_ROLES,
    DutyAct.ACCEPT: (Role.COUNTY_OFFICER,),
    DutyAct.COMPLETE: RECORD_ROLES,  # and the assignee's own account
}
ROLE_WORDS: dict[str, str] = {
    DutyAct.RECORD: "只有乡镇建环办或区/县住建部门才能登记。",
    DutyAct.REPORT: "只有乡镇建环办或区/县住建部门才能报告项目进度。",
    DutyAct.ACCEPT: "项目验收由区/县住建部门组织。",
    DutyAct.COMPLETE: "只有任务责任人或乡镇建环办才能登记任务完成。",
}
PROJECT_ACTS = (DutyAct.REPORT, DutyAct.ACCEPT)
TASK_ACTS = (DutyAct.COMPLETE,)

Target = Region | Project | TeamTask | None


def _code(obj: Region | Project | TeamTask) -> str:
    return obj.code if isinstance(obj, Region) else obj.region_code


def _who(obj: Target, user: Any, kind: str) -> str:
    if user.is_superuser:
        return ""
    if kind == DutyAct.COMPLETE and isinstance(obj, TeamTask) and obj.assignee.user_id == user.pk:
        return ""
    return "" if user.has_role(*ACT_ROLES[kind]) else ROLE_WORDS[kind]


def _refusal(obj: Target, user: Any, kind: str) -> Exception | None:
    who = _who(obj, user, kind)
    if who:
        return PermissionDenied(who)
    if obj is None:
        return None
    if not in_scope(user, _code(obj)):
        return PermissionDenied("不在您的管辖范围内。")
    if isinstance(obj, Project):
        if obj.status == ProjectStatus.ACCEPTED:
            return ValidationError("项目已验收，不能再报告进度或重复验收。")
        if kind == DutyAct.ACCEPT and obj.status != ProjectStatus.COMPLETED:
            return ValidationError("项目尚未完工（形象进度未到 100%），不能验收。")
    if isinstance(obj, TeamTask) and obj.done_on is not None:
        return ValidationError("任务已完成。")
    return None


def act_refusal(obj: Target, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` to ``obj`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: Target, user: Any, kind: str) -> None:
    """The services' first check."""
    raise_refusal(_refusal(obj, user, kind))


def available_acts(obj: Project | TeamTask, user: Any) -> list[Act]:
    kinds = PROJECT_ACTS if isinstance(obj, Project) else TASK_ACTS
    return acts_for(kinds, lambda kind: _refusal(obj, user, kind), lambda kind: str(DutyAct(kind).label))
