"""Writes of the reporting app: the calendar's versions, and each act on a submission
(prepare, submit, return, sign off, reopen). Every act first asks the one table of who may act
(``reporting.acts``: the actor's role and region, the submission's status), then checks what
was typed, changes it in one transaction and records an audit row and a history row; a refusal
says why in Chinese and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.cases import services as case_services
from anju.cases.choices import TaskKind
from anju.core.dbops import batch_settings
from anju.kit.versioning import (
    ConfigStatus,
    config_activate,
    config_check_editable,
    config_derive,
    config_discard,
    config_ensure_national,
    config_for,
)
from anju.regions.models import Region
from anju.reporting import calendar as cal
from anju.reporting import confirm as confirmation
from anju.reporting import snapshots, workplan_acts
from anju.reporting import workplan as wp
from anju.reporting.acts import ensure_act
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus
from anju.reporting.models import ReportingCalendar, Submission, SubmissionEvent, WorkPlan

NATIONAL_NAME = "全国默认报送日历"
NATIONAL_NOTE = "新增对象月报 5 日前、进度月报 20 日前逐级报送；年度计划 6-15、11-30、12-31 三个阶段。"

# --- calendar versions ---------------------------------------------------------------------------------


def ensure_national_calendar() -> ReportingCalendar:
    return config_ensure_national(
        ReportingCalendar, name=NATIONAL_NAME, note=NATIONAL_NOTE, body=cal.default_calendar()
    )


def calendar_for(region_code: str) -> ReportingCalendar:
    """The active calendar nearest above a region (its province's own version, else national)."""
    return config_for(ReportingCalendar, region_code, ensure_national_calendar)


def calendar_derive(*, acting_user: User, source: ReportingCalendar, note: str = "") -> ReportingCalendar:
    """A draft for the province officer's own province, copied from ``source``."""
    return config_derive(acting_user=acting_user, source=source, note=note)


def calendar_update(
    *, acting_user: User, calendar: ReportingCalendar, content: Any, name: str, note: str = ""
) -> ReportingCalendar:
    """Save a draft's content after checking every section (one Chinese message per problem)."""
    config_check_editable(acting_user, calendar)
    if not name.strip():
        raise ValidationError({"name": "请填写名称。"})
    cleaned = cal.validate_calendar(content)
    with transaction.atomic():
        before = model_snapshot(calendar, ("name", "note", "content"))
        calendar.content = cleaned
        calendar.name = name.strip()[:100]
        calendar.note = note.strip()[:200]
        calendar.save(update_fields=["content", "name", "note"])
        changes = changes_between(before, model_snapshot(calendar, ("name", "note", "content")))
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=calendar, changes=changes or None)
    return calendar


def calendar_activate(*, acting_user: User, calendar: ReportingCalendar) -> ReportingCalendar:
    """Put a draft in force; submissions already prepared keep the due date they were given. A
    version that would put a deadline still open under the calendar in force into the past is
    refused (every problem named), so no region becomes late by a policy edit."""

    def check(c: ReportingCalendar) -> None:
        content = cal.validate_calendar(c.content)
        in_force = calendar_for(c.region_code).content
        problems = cal.open_deadlines_passed(in_force, content, c.region_code, timezone.localdate())
        if problems:
            raise ValidationError([*problems, "请把这些期限定在今天或以后，或等期限过后再启用。"])

    return config_activate(acting_user=acting_user, config=calendar, check=check)


def village_list_due(region_code: str, year: int) -> datetime.date:
    """For the inspections app (registered in ``apps.ready``): when a year's village lists are
    due, per the region's calendar."""
    return cal.village_list_due(calendar_for(region_code).content, year)


def calendar_discard(*, acting_user: User, calendar: ReportingCalendar) -> None:
    """Delete a draft calendar."""
    config_discard(acting_user=acting_user, config=calendar)


# --- checks ---------------------------------------------------------------------------------------------


def level_key(region: Region) -> str:
    if region.level not in cal.LEVEL_OF_REGION:
        raise ValidationError(f"{region.name}（{region.level_label}）不逐级报送这些报表。")
    return cal.LEVEL_OF_REGION[region.level]


def _day(on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise ValidationError("日期不能晚于今天。")
    return on


def _record(
    submission: Submission,
    *,
    kind: str,
    before: str,
    actor: Any,
    on: datetime.date,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        kind=kind,
        from_status=before,
        to_status=submission.status,
        on=on,
        actor=actor,
        note=note[:300],
        details=details or {},
    )
    changes: dict[str, Any] = (
        {"status": {"before": before, "after": submission.status}} if before != submission.status else {}
    )
    confirmed = {k: v for k, v in (details or {}).items() if k in ("unreported", "changes")}
    changes |= {k: {"before": None, "after": v} for k, v in confirmed.items()}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=submission,
        changes=changes or None,
        note=f"{EventKind(kind).label}{'：' + note if note else ''}",
    )


def _fill(submission: Submission, *, user: Any, on: datetime.date) -> None:
    """Recompute the snapshot (and the monthly list's diff) from today's data."""
    region = submission.region
    submission.snapshot = snapshots.compute(
        kind=submission.kind, region=region, year=submission.year, month=submission.month, as_of=on, user=user
    )
    if submission.kind == ReportKind.MONTHLY_LIST:
        previous = (
            Submission.objects.filter(kind=ReportKind.MONTHLY_LIST, region=region, status=SubmissionStatus.SIGNED_OFF)
            .exclude(pk=submission.pk)
            .filter(year__lte=submission.year)
            .exclude(year=submission.year, month__gte=submission.month)
            .order_by("-year", "-month")
            .first()
        )
        submission.diff = snapshots.list_diff(submission.snapshot["rows"], previous)
    else:
        submission.diff = {}
    submission.prepared_at = timezone.now()


# --- acts on a submission ------------------------------------------------------------------------------


def submission_prepare(
    *, acting_user: User, kind: str, year: int, month: int, region: Region, on: datetime.date | None = None
) -> Submission:
    """The region's draft of ``kind`` for (year, month) with its snapshot computed now; an
    existing draft or returned submission is recomputed. A submitted or signed-off one is
    refused (the level above returns or reopens it first)."""
    ensure_act(region, acting_user, EventKind.PREPARE)  # the one table of who may act (reporting.acts)
    day = _day(on)
    if kind not in ReportKind.values:
        raise ValidationError("没有这种报表。")
    if not (2009 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError("报送月份不对。")
    if (year, month) > ((day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)):
        raise ValidationError("只能生成本月或下月的报表。")
    level = level_key(region)
    with transaction.atomic():
        # A city's list reads every current decision of the city: no JIT (it compiled for up to
        # 2.2 s of a 3.6–4.1 s list at 1,000,000 households) and hashes in memory (ADR 0053).
        batch_settings()
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .filter(kind=kind, year=year, month=month, region=region)
            .select_related("region")
            .first()
        )
        if submission is not None:
            ensure_act(submission, acting_user, EventKind.REFRESH)
        if submission is None:
            calendar = calendar_for(region.code)
            submission = Submission(
                kind=kind,
                year=year,
                month=month,
                region=region,
                region_code=region.code,
                level=region.level,
                due_on=cal.due_on(calendar.content, kind, level, year, month),
                calendar=calendar,
            )
            event, before = EventKind.PREPARE, ""
        else:
            event, before = EventKind.REFRESH, submission.status
        _fill(submission, user=acting_user, on=day)
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError as exc:  # two officers preparing at once
            raise ValidationError("该单位本月已有这张报表，请刷新页面。") from exc
        _record(submission, kind=event, before=before, actor=acting_user, on=day)
    return submission


def _locked(submission: Submission, user: Any, kind: str) -> Submission:
    """The submission's row, locked and read afresh (the caller's copy may be stale, and two
    officers acting at once are serialised), once the one table allows ``kind`` on it."""
    current = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("region", "region__parent")
        .get(pk=submission.pk)
    )
    ensure_act(current, user, kind)  # the one table of who may act (reporting.acts)
    return current


def submission_submit(
    *, acting_user: User, submission: Submission, on: datetime.date | None = None, confirm: str = ""
) -> Submission:
    """Send a draft (or a returned submission) up: its snapshot is recomputed and frozen. While
    lower regions have not reported, or when a monthly list sent again adds or drops households,
    it waits for the officer's confirmation (``confirm``: the warnings' token, ``reporting.confirm``;
    else ``ConfirmationNeeded``), and the history row and the audit note keep what was confirmed."""
    with transaction.atomic():
        current = _locked(submission, acting_user, EventKind.SUBMIT)
        day = _day(on)
        before = current.status
        listed_before = confirmation.previous_listed(current)
        _fill(current, user=acting_user, on=day)
        warnings = confirmation.warnings_for(current, listed_before)
        if not warnings.empty and confirm != warnings.token:
            raise confirmation.ConfirmationNeeded(warnings)
        current.status = SubmissionStatus.SUBMITTED
        current.submitted_on = day
        current.first_submitted_on = current.first_submitted_on or day
        current.submitted_by = acting_user
        current.save()
        details = warnings.details()
        if current.kind == ReportKind.MONTHLY_LIST:
            details["listed"] = confirmation.listed(current)
        _record(
            current,
            kind=EventKind.SUBMIT,
            before=before,
            actor=acting_user,
            on=day,
            note=warnings.note(),
            details=details,
        )
    return current


def submission_return(
    *, acting_user: User, submission: Submission, reason: str, on: datetime.date | None = None
) -> Submission:
    """The level above sends a submitted report back with a reason; the child corrects and
    submits it again by the new due date the return gives (the calendar's ``return_days``)."""
    with transaction.atomic():
        current = _locked(submission, acting_user, EventKind.RETURN)
        day = _day(on)
        if not reason.strip():
            raise ValidationError({"reason": "请写明退回原因。"})
        current.status = SubmissionStatus.RETURNED
        current.return_reason = reason.strip()[:300]
        current.reviewed_on, current.reviewed_by = day, acting_user
        current.resubmit_due_on = cal.resubmit_due_on(current.calendar.content, day)
        current.save(update_fields=["status", "return_reason", "reviewed_on", "reviewed_by", "resubmit_due_on"])
        _record(
            current, kind=EventKind.RETURN, before=SubmissionStatus.SUBMITTED, actor=acting_user, on=day, note=reason
        )
    return current


def submission_sign_off(
    *, acting_user: User, submission: Submission, note: str = "", on: datetime.date | None = None
) -> Submission:
    """The level above confirms a submitted report; from then on it is locked."""
    with transaction.atomic():
        current = _locked(submission, acting_user, EventKind.SIGN_OFF)
        day = _day(on)
        current.status = SubmissionStatus.SIGNED_OFF
        current.return_reason = ""
        current.reviewed_on, current.reviewed_by = day, acting_user
        current.save(update_fields=["status", "return_reason", "reviewed_on", "reviewed_by"])
        _record(
            current, kind=EventKind.SIGN_OFF, before=SubmissionStatus.SUBMITTED, actor=acting_user, on=day, note=note
        )
    return current


def submission_reopen(
    *, acting_user: User, submission: Submission, reason: str, on: datetime.date | None = None
) -> Submission:
    """The level above unlocks a signed-off report (audited, with a reason): it goes back to
    draft, and the child prepares and submits it again. Its first submission date stays, so
    reopening does not make an on-time report late."""
    with transaction.atomic():
        current = _locked(submission, acting_user, EventKind.REOPEN)
        day = _day(on)
        if not reason.strip():
            raise ValidationError({"reason": "请写明重新打开的原因。"})
        current.status = SubmissionStatus.DRAFT
        current.reviewed_on, current.reviewed_by = None, None
        current.save(update_fields=["status", "reviewed_on", "reviewed_by"])
        _record(
            current, kind=EventKind.REOPEN, before=SubmissionStatus.SIGNED_OFF, actor=acting_user, on=day, note=reason
        )
    return current


# --- annual work plans (年度工作方案, ADR 0037) -------------------------------------------------------------


def _townships(county: Region) -> dict[str, str]:
    return dict(Region.objects.filter(parent=county).order_by("code").values_list("code", "name"))


def workplan_in_force(county_code: str, year: int) -> WorkPlan | None:
    return (
        WorkPlan.objects.filter(region_code=county_code, year=year, status=ConfigStatus.ACTIVE)
        .select_related("region")
        .first()
    )


def _calendar_phases(county: Region, year: int) -> list[dict[str, Any]]:
    plan = cal.plan_for(calendar_for(county.code).content, year, county.code)
    return list(plan["phases"]) if plan else []


def workplan_draft(*, acting_user: User, county: Region, year: int, note: str = "") -> WorkPlan:
    """A new draft version of the county's plan for ``year``: a copy of its latest version, or
    the province calendar's phases for the year when it has none."""
    workplan_acts.ensure_act(county, acting_user, workplan_acts.WorkPlanAct.DRAFT)
    if not 2009 <= year <= 2100:
        raise ValidationError({"year": "年度应为四位年份。"})
    plans = WorkPlan.objects.filter(region=county, year=year)
    if plans.filter(status=ConfigStatus.DRAFT).exists():
        raise ValidationError("本年度已有一个草稿版本，请先编辑并印发或删除它。")
    latest = plans.order_by("-version").first()
    with transaction.atomic():
        plan = WorkPlan.objects.create(
            region=county,
            region_code=county.code,
            year=year,
            version=(latest.version if latest else 0) + 1,
            content=latest.content if latest else wp.blank_plan(year, county.name, _calendar_phases(county, year)),
            based_on=latest,
            note=note.strip()[:200],
            created_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=plan,
            note=f"基于「{latest}」" if latest else "新建年度工作方案",
        )
    return plan


def workplan_update(*, acting_user: User, plan: WorkPlan, content: Any, note: str = "") -> WorkPlan:
    """Save a draft's document after checking every section (one Chinese message per problem;
    nothing is saved when any is wrong)."""
    workplan_acts.ensure_act(plan, acting_user, workplan_acts.WorkPlanAct.EDIT)
    cleaned = wp.validate_plan(content, year=plan.year, townships=_townships(plan.region))
    with transaction.atomic():
        before = model_snapshot(plan, ("note", "content"))
        plan.content = cleaned
        plan.note = note.strip()[:200]
        plan.save(update_fields=["content", "note"])
        changes = changes_between(before, model_snapshot(plan, ("note", "content")))
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=plan, changes=changes or None)
    return plan


def workplan_activate(*, acting_user: User, plan: WorkPlan) -> WorkPlan:
    """印发: put a draft in force for its county and year. The version in force until now is
    kept (已停用). Refused when the document is incomplete, or when it would end a phase still
    open under the version in force before today (the townships would be behind overnight)."""
    workplan_acts.ensure_act(plan, acting_user, workplan_acts.WorkPlanAct.ACTIVATE)
    content = wp.validate_plan(plan.content, year=plan.year, townships=_townships(plan.region))
    current = workplan_in_force(plan.region_code, plan.year)
    if current is not None:
        problems = wp.open_phases_passed(current.content, content, timezone.localdate())
        if problems:
            raise ValidationError([*problems, "请把这些阶段的结束日期定在今天或以后。"])
    with transaction.atomic():
        WorkPlan.objects.filter(region=plan.region, year=plan.year, status=ConfigStatus.ACTIVE).update(
            status=ConfigStatus.RETIRED
        )
        plan.status = ConfigStatus.ACTIVE
        plan.activated_at = timezone.now()
        plan.save(update_fields=["status", "activated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=plan,
            changes={"status": {"before": ConfigStatus.DRAFT.label, "after": ConfigStatus.ACTIVE.label}},
            note=f"替代「{current}」" if current else "",
        )
        case_services.case_task_kinds_apply(
            acting_user=acting_user,
            county_code=plan.region_code,
            year=plan.year,
            annual_until=datetime.date.fromisoformat(content["annual_until"]),
            why=f"按{plan}的年度任务认定截止日 {content['annual_until']} 标记",
        )
    return plan


def workplan_discard(*, acting_user: User, plan: WorkPlan) -> None:
    """Delete a draft (a version that was in force is never deleted)."""
    workplan_acts.ensure_act(plan, acting_user, workplan_acts.WorkPlanAct.DISCARD)
    with transaction.atomic():
        audit_record(actor=acting_user, action=AuditAction.DELETE, obj=plan, note=str(plan))
        plan.delete()


def task_kind_for(region_code: str, year: int, opened_on: datetime.date) -> str:
    """For the cases app (registered in ``apps.ready``): 年度任务 or 动态新增 for a case opened
    on ``opened_on`` in a county, by the county's plan in force; 年度任务 with no plan."""
    plan = workplan_in_force(region_code[:6] + "000000", year)
    return wp.task_kind_for(plan.content, opened_on) if plan else TaskKind.ANNUAL
