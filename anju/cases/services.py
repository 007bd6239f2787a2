"""Writes of a renovation case (requirements §8). Each act is one service: it checks the actor's role
and region, the case's stage and the act's preconditions, then moves the case, records the
``CaseStep`` and the audit row in one transaction, or refuses with a Chinese reason and changes
nothing.

Two officers acting on the same case at once: the move is a conditional UPDATE on the stage and
the case's ``version``; the second finds it changed and is told who moved it, and nothing of
theirs is half-written.

Acceptance (``anju.acceptance``), payments (``anju.subsidies``) and the archive
(``anju.archives``) call ``case_accept_result`` / ``case_rectified`` and are asked for their
blockers by ``close_blockers`` before 销号."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.cases import extensions
from anju.cases import policy as pol
from anju.cases.acts import STEP_ROLES, ensure_act
from anju.cases.choices import (
    DYNAMIC_ORIGINS,
    OPEN_STAGES,
    WORKS_STAGES,
    CaseOrigin,
    ConstructionMode,
    EndReason,
    EnergyTag,
    GradeAtOpening,
    Stage,
    StepKind,
    TaskKind,
)
from anju.cases.models import CasePatrol, CasePatrolPhoto, CasePolicy, CaseStep, CaseStepPhoto, RenovationCase
from anju.cases.photos import STEP_STAGES, case_photos_check
from anju.core.scoping import in_scope
from anju.eligibility.choices import OUTCOME_PROGRAMME, Outcome, Programme
from anju.households.choices import GradeSource
from anju.households.history import past_renovations
from anju.households.models import House, Household
from anju.households.safety import (
    house_grade_set,
    house_renovation_record,
    support_complete,
    support_history,
    support_open,
    support_withdraw,
)
from anju.households.signals import facts_changed
from anju.inspections.choices import DANGEROUS_GRADES, NOT_DISASTERS
from anju.inspections.models import EmergencyEvent, Inspection
from anju.inspections.photos import process_photo
from anju.kit.versioning import (
    config_activate,
    config_check_editable,
    config_derive,
    config_discard,
    config_ensure_national,
    config_for,
)
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import device_position
from anju.regions.models import Region

if TYPE_CHECKING:  # for annotations; the services import it where they use it, as before
    from anju.eligibility.models import Decision

NATIONAL_NAME = "全国默认改造政策"
NATIONAL_NOTE = "公示期、改造方式、面积标准、补助标准、验收清单与档案清单的示例默认值，各省应建立本省版本"

# The stage each act starts from, and where it leads.
STEP_FLOW: dict[str, tuple[tuple[str, ...], str]] = {
    StepKind.APPLY: ((Stage.FOUND,), Stage.APPLIED),
    StepKind.VILLAGE_REVIEW: ((Stage.APPLIED,), Stage.VILLAGE_REVIEWED),
    StepKind.TOWNSHIP_REVIEW: ((Stage.VILLAGE_REVIEWED,), Stage.TOWNSHIP_REVIEWED),
    StepKind.COUNTY_APPROVE: ((Stage.TOWNSHIP_REVIEWED,), Stage.APPROVED),
    StepKind.FILE: ((Stage.APPROVED,), Stage.FILED),
    StepKind.SIGN_AGREEMENT: ((Stage.FILED,), Stage.AGREEMENT_SIGNED),
    StepKind.START: ((Stage.AGREEMENT_SIGNED,), Stage.UNDER_WAY),
    StepKind.COMPLETE: ((Stage.UNDER_WAY,), Stage.COMPLETED),
    StepKind.ACCEPT: ((Stage.COMPLETED,), Stage.ACCEPTED),
    StepKind.FAIL: ((Stage.COMPLETED,), Stage.RECTIFYING),
    StepKind.RECTIFIED: ((Stage.RECTIFYING,), Stage.COMPLETED),
    StepKind.CLOSE: ((Stage.ACCEPTED,), Stage.CLOSED),
    StepKind.END: (tuple(s for s in OPEN_STAGES if s != Stage.ACCEPTED), Stage.ENDED),
}

# The review whose notice must have run before each act, and the notice level it started.
NOTICE_BEFORE: dict[str, tuple[str, str]] = {
    StepKind.TOWNSHIP_REVIEW: (StepKind.VILLAGE_REVIEW, "village"),
    StepKind.COUNTY_APPROVE: (StepKind.TOWNSHIP_REVIEW, "township"),
    StepKind.FILE: (StepKind.COUNTY_APPROVE, "county"),
}
NOTICE_OF: dict[str, str] = {
    StepKind.VILLAGE_REVIEW: "village",
    StepKind.TOWNSHIP_REVIEW: "township",
    StepKind.COUNTY_APPROVE: "county",
}
COVERED_OUTCOMES = tuple(OUTCOME_PROGRAMME)
MAX_PATROL_PHOTOS = 9


# --- policy versions ---------------------------------------------------------------------------------


def ensure_national_policy() -> CasePolicy:
    return config_ensure_national(CasePolicy, name=NATIONAL_NAME, note=NATIONAL_NOTE, body=pol.default_policy())


def policy_for(region_code: str) -> CasePolicy:
    """The active policy nearest above a region (its province's own version, else national)."""
    return config_for(CasePolicy, region_code, ensure_national_policy)


def policy_derive(*, acting_user: User, source: CasePolicy, note: str = "") -> CasePolicy:
    return config_derive(acting_user=acting_user, source=source, note=note)


def policy_update(*, acting_user: User, policy: CasePolicy, content: Any, name: str, note: str = "") -> CasePolicy:
    config_check_editable(acting_user, policy)
    if not name.strip():
        raise ValidationError({"name": "请填写名称。"})
    cleaned = pol.validate_policy(content)
    with transaction.atomic():
        before = model_snapshot(policy, ("name", "note", "content"))
        policy.content = cleaned
        policy.name = name.strip()[:100]
        policy.note = note.strip()[:200]
        policy.save(update_fields=["content", "name", "note"])
        changes = changes_between(before, model_snapshot(policy, ("name", "note", "content")))
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=policy, changes=changes or None)
    return policy


def policy_activate(*, acting_user: User, policy: CasePolicy) -> CasePolicy:
    """Put a draft in force; cases opened before keep the version they were opened under."""
    return config_activate(acting_user=acting_user, config=policy, check=lambda p: pol.validate_policy(p.content))


def policy_discard(*, acting_user: User, policy: CasePolicy) -> None:
    config_discard(acting_user=acting_user, config=policy)


# --- checks shared by every act ------------------------------------------------------------------------


def can_act(user: Any, kind: str, case: RenovationCase | None = None) -> bool:
    """Whether ``user`` holds a role for ``kind`` (and, given a case, may reach it)."""
    if not (user.is_superuser or user.has_role(*STEP_ROLES[kind])):
        return False
    return case is None or in_scope(user, case.region_code)


def _require(acting_user: User, kind: str, region_code: str) -> None:
    if not (acting_user.is_superuser or acting_user.has_role(*STEP_ROLES[kind])):
        labels = "、".join(Role(r).label for r in STEP_ROLES[kind])
        raise PermissionDenied(f"「{StepKind(kind).label}」须由{labels}办理。")
    if not in_scope(acting_user, region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")


def _last_step(case: RenovationCase) -> CaseStep | None:
    return case.steps.exclude(kind__in=[StepKind.PATROL, StepKind.DETAILS]).order_by("-on", "-at", "-pk").first()


def _check_date(case: RenovationCase, on: datetime.date, errors: dict[str, str]) -> None:
    if on > timezone.localdate():
        errors["on"] = "日期不能晚于今天。"
        return
    last = _last_step(case)
    if last is not None and on < last.on:
        errors["on"] = f"日期不能早于上一环节「{last.get_kind_display()}」的日期 {last.on:%Y-%m-%d}。"


def _check_flow(case: RenovationCase, kind: str) -> None:
    sources, _ = STEP_FLOW[kind]
    if case.stage not in sources:
        raise ValidationError(f"案件当前为「{case.get_stage_display()}」，不能办理「{StepKind(kind).label}」。")


def check_version(case: RenovationCase, version: int | None) -> None:
    """Refuse an act from a page that was loaded before someone else acted on the case."""
    if version is not None and version != case.version:
        raise ValidationError(_conflict_message(case))


def _conflict_message(case: RenovationCase) -> str:
    fresh = RenovationCase.objects.filter(pk=case.pk).first()
    if fresh is None:
        return "该案件已不存在。"
    step = fresh.steps.order_by("-at", "-pk").select_related("actor").first()
    who = f"{step.actor.display_name()}（{timezone.localtime(step.at):%H:%M}）" if step and step.actor else "他人"
    return f"该案件刚被{who}办理，现为「{fresh.get_stage_display()}」。您的操作未保存，请刷新页面后查看。"


def _notice_elapsed(case: RenovationCase, kind: str, on: datetime.date) -> None:
    if kind not in NOTICE_BEFORE:
        return
    review_kind, level = NOTICE_BEFORE[kind]
    review = case.steps.filter(kind=review_kind).order_by("-on", "-pk").first()
    if review is None or review.notice_until is None:
        raise ValidationError(f"缺少「{StepKind(review_kind).label}」的公示记录。")
    if on <= review.notice_until:
        raise ValidationError(
            f"{pol.NOTICE_LEVELS[level]}自 {review.notice_from:%Y-%m-%d} 起至 {review.notice_until:%Y-%m-%d} 止，"
            f"公示期满后（{review.notice_until + datetime.timedelta(days=1):%Y-%m-%d} 起）才能办理"
            f"「{StepKind(kind).label}」。"
        )


def case_advance(
    *,
    acting_user: User,
    case: RenovationCase,
    kind: str,
    on: datetime.date,
    note: str = "",
    version: int | None = None,
    updates: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    notice: tuple[datetime.date, int] | None = None,
) -> CaseStep:
    """Move ``case`` by ``kind`` (stage from ``STEP_FLOW``) and record the step, under the
    caller's transaction. Only the other apps' services and this module call it, after their
    own checks; it still re-checks role, region, stage and version."""
    _require(acting_user, kind, case.region_code)
    check_version(case, version)
    _check_flow(case, kind)
    ensure_act(case, acting_user, kind)
    _sources, target = STEP_FLOW[kind]
    fields = dict(updates or {})
    if target != case.stage:
        fields["stage_since"] = on
    with transaction.atomic():
        moved = RenovationCase.objects.filter(pk=case.pk, stage=case.stage, version=case.version).update(
            stage=target, version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        if not moved:
            raise ValidationError(_conflict_message(case))
        audited = ["stage", *fields]
        before = model_snapshot(case, audited)
        from_stage = case.stage
        case.refresh_from_db()
        step = CaseStep.objects.create(
            case=case,
            kind=kind,
            from_stage=from_stage,
            to_stage=target,
            on=on,
            note=note.strip(),
            notice_from=notice[0] if notice else None,
            notice_until=pol.notice_until(notice[0], notice[1]) if notice else None,
            data=data or {},
            actor=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=case,
            changes=changes_between(before, model_snapshot(case, audited)) or None,
            note=StepKind(kind).label + (f"：{note.strip()}" if note.strip() else ""),
        )
    return step


# --- opening a case --------------------------------------------------------------------------------


def _grade_of(household: Household, house: House | None, decision: Any) -> str:
    if house is None:
        return GradeAtOpening.NO_HOUSE
    # The house's current grade, when an appraisal gave it (a suspicion awaits appraisal).
    grade = house.current_grade if house.grade_source == GradeSource.APPRAISAL else ""
    if grade in GradeAtOpening.values:
        return grade
    return ""


def _case_label(case: RenovationCase) -> str:
    return case.archive_no or f"{case.household.head_name}户改造案件 #{case.pk}"


def _check_not_supported_twice(household: Household, house: House | None, decision: Any) -> tuple[int | None, str]:
    """No second subsidy (ADR 0021): the house's renovations and every member's support, by ID
    number across years, programmes and households, refuse a new case — unless the decision is
    再次纳入 under a rule of the rule set, which the opening step then names. A member still
    being supported by another household's open case refuses it in any event. Returns the
    earlier case to link and the note for the opening step."""
    history = support_history(household=household, house=house)
    running = [r for r in history if r.completed_on is None]
    if running:
        raise ValidationError(f"不能重复补助：{running[0].text}尚未结束，同一家庭成员不能同时在两个改造案件中受助。")
    earlier = [r.text for r in history]
    # Renovations the national 农村危房改造信息系统 holds (imported history, ADR 0041).
    earlier += [past.text for past in past_renovations(household=household, house=house)]
    if house is not None and house.renovated_year and house.renovated_case_id is None:
        earlier.append(
            f"该房屋 {house.renovated_year} 年曾实施{house.get_renovation_programme_display() or '住房保障改造'}（系统外记录）"
        )
    if not earlier:
        return None, ""
    if decision.outcome != Outcome.REENTRY:
        raise ValidationError(
            f"不能重复补助：已享受过改造补助——{'；'.join(earlier[:3])}。现行资格认定为「{decision.get_outcome_display()}」"
            f"（规则「{decision.rule_name}」），不属于再次纳入。"
        )
    previous = next((r.case_id for r in history if house is not None and r.house_id == house.pk), None)
    return previous, f"；此前：{'；'.join(earlier[:3])}"


def _covering_decision(household: Household) -> Decision:
    """The household's current decision, when the rules cover it and no case of it is open."""
    from anju.eligibility.models import Decision

    decision = Decision.objects.filter(household=household, is_current=True).first()
    if decision is None or decision.outcome not in COVERED_OUTCOMES:
        shown = decision.get_outcome_display() if decision else "尚未认定"
        raise ValidationError(f"该户的保障资格为「{shown}」，不能建立改造案件；资格认定为纳入改造后才能建案。")
    if RenovationCase.objects.filter(household=household, stage__in=OPEN_STAGES).exists():
        raise ValidationError("该户已有未结束的改造案件。")
    return decision


def _house_to_renovate(household: Household, decision: Decision) -> tuple[House | None, str, int | None, str]:
    """The only house (or none, for a household verified houseless), its grade, and the earlier
    supported case when this is a re-entry (with the note that says so)."""
    house = household.houses.filter(is_only_house=True).first()
    if house is None and not decision.facts.get("no_house"):
        raise ValidationError("该户没有登记唯一住房，也未核实为无房户；请先登记房屋或核实无房情况。")
    previous_id, reentry_note = _check_not_supported_twice(household, house, decision)
    grade = _grade_of(household, house, decision)
    if not grade:
        raise ValidationError("该户住房尚无鉴定等级，请先完成房屋安全性鉴定。")
    return house, grade, previous_id, reentry_note


def _record_opened(case: RenovationCase, acting_user: User, decision: Decision, note: str) -> None:
    """The household's support record, the 发现 step, the audit row and, after commit, the
    apps listening for new cases (``extensions.register_opened``)."""
    support_open(
        household=case.household,
        house=case.house,
        case_id=case.pk,
        case_label=_case_label(case),
        programme=case.programme,
        year=case.year,
    )
    CaseStep.objects.create(
        case=case,
        kind=StepKind.OPEN,
        from_stage="",
        to_stage=Stage.FOUND,
        on=case.opened_on,
        note=note,
        data={"decision": decision.pk, "rule_id": decision.rule_id},
        actor=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=case,
        changes={"stage": {"before": None, "after": Stage.FOUND}, "grade": {"before": None, "after": case.grade}},
    )
    extensions.case_opened(case, acting_user)


def _origin_of(household: Household, house: House | None, on: datetime.date) -> tuple[str, EmergencyEvent | None, str]:
    """动态新增 (ADR 0035): a house an emergency inspection of a natural disaster found C/D this
    year is 灾后重建 of that event; otherwise an app above may know the family as 突发严重困难户
    (``extensions.origin_of``); otherwise the routine inspection found it."""
    if house is not None:
        found = (
            Inspection.objects.filter(
                house=house,
                event__isnull=False,
                suspected_grade__in=DANGEROUS_GRADES,
                inspected_at__year=on.year,
            )
            .exclude(event__kind__in=NOT_DISASTERS)
            .select_related("event")
            .order_by("-inspected_at", "-pk")
            .first()
        )
        if found is not None and found.event is not None:
            event = found.event
            return (
                CaseOrigin.DISASTER,
                event,
                f"；灾害致危：{event.title}（{event.get_kind_display()}，{event.occurred_on:%Y-%m-%d}），按灾后重建",
            )
    other = extensions.origin_of(household, on)
    if other is not None:
        return other[0], None, f"；{other[1]}"
    return CaseOrigin.ROUTINE, None, ""


@refusals_audited("发现建案", obj_kwarg="household")
def case_open(
    *,
    acting_user: User,
    household: Household,
    on: datetime.date | None = None,
    note: str = "",
) -> RenovationCase:
    """发现: open the case of a household the eligibility rules cover (危房改造, 再次纳入, 抗震改造
    or 兜底), for its only house, or as a houseless household."""
    _require(acting_user, StepKind.OPEN, household.region_code)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天。"})
    decision = _covering_decision(household)
    house, grade, previous_id, reentry_note = _house_to_renovate(household, decision)
    policy = policy_for(household.region_code)
    method = pol.default_method(policy.content, grade)
    programme = OUTCOME_PROGRAMME[decision.outcome]
    origin, event, origin_note = _origin_of(household, house, on)
    # 再次纳入 stays 危房改造 (the seeds' wording); a first-time house a disaster made dangerous is 灾后重建.
    if event is not None and programme == Programme.RENOVATION and decision.outcome != Outcome.REENTRY:
        programme = Programme.DISASTER_REBUILD
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = RenovationCase.objects.create(
                    household=household,
                    house=house,
                    region_id=household.region_id,
                    region_code=household.region_code,
                    programme=programme,
                    origin=origin,
                    event=event,
                    year=on.year,
                    # A sudden-hardship family or a house a disaster made dangerous is 动态新增
                    # whatever the plan's date (ADR 0035); otherwise the county's plan decides.
                    task_kind=TaskKind.DYNAMIC
                    if origin in DYNAMIC_ORIGINS
                    else extensions.task_kind_of(household.region_code, on.year, on),
                    grade=grade,
                    decision=decision,
                    previous_case_id=previous_id,
                    policy=policy,
                    stage=Stage.FOUND,
                    stage_since=on,
                    method=method,
                    method_name=pol.method_name(policy.content, method) if method else "",
                    household_size=max(household.members.count(), 1),
                    opened_on=on,
                    created_by=acting_user,
                )
        except IntegrityError as exc:
            raise ValidationError("该户已有未结束的改造案件。") from exc
        opened = (
            f"资格认定：{decision.get_outcome_display()}（规则「{decision.rule_name}」）{reentry_note}{origin_note}"
        )
        _record_opened(case, acting_user, decision, note.strip() or opened)
    return case


# --- 建档: application, three reviews with notices, filing ---------------------------------------------


def _simple_step(
    *,
    acting_user: User,
    case: RenovationCase,
    kind: str,
    on: datetime.date,
    note: str,
    version: int | None,
    updates: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    require_note: str = "",
) -> CaseStep:
    _require(acting_user, kind, case.region_code)
    check_version(case, version)
    _check_flow(case, kind)
    ensure_act(case, acting_user, kind)  # the one table of who may act now (cases.acts)
    errors: dict[str, str] = {}
    _check_date(case, on, errors)
    if require_note and not note.strip():
        errors["note"] = require_note
    if errors:
        raise ValidationError(errors)
    _notice_elapsed(case, kind, on)
    notice = None
    if kind in NOTICE_OF:
        notice = (on, int(case.policy.content["notice_days"][NOTICE_OF[kind]]))
    return case_advance(
        acting_user=acting_user,
        case=case,
        kind=kind,
        on=on,
        note=note,
        version=version,
        updates=updates,
        data=data,
        notice=notice,
    )


@refusals_audited("农户申请")
def case_apply(
    *, acting_user: User, case: RenovationCase, on: datetime.date, note: str = "", version: int | None = None
) -> CaseStep:
    """农户申请: the household's written application is received."""
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.APPLY,
        on=on,
        note=note,
        version=version,
        updates={"applied_on": on},
    )


@refusals_audited("村民代表评议并公示")
def case_village_review(
    *, acting_user: User, case: RenovationCase, on: datetime.date, note: str, version: int | None = None
) -> CaseStep:
    """村民代表评议: the village representatives agree the household's need; the result is put
    up in the village for the configured notice period (≥ 7 days by default)."""
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.VILLAGE_REVIEW,
        on=on,
        note=note,
        version=version,
        require_note="请填写评议情况（参会人数、同意人数等）。",
    )


@refusals_audited("乡镇审核并公示")
def case_township_review(
    *, acting_user: User, case: RenovationCase, on: datetime.date, note: str, version: int | None = None
) -> CaseStep:
    """乡镇审核, after the village notice has run; starts the township notice."""
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.TOWNSHIP_REVIEW,
        on=on,
        note=note,
        version=version,
        require_note="请填写审核意见。",
    )


@refusals_audited("县级审批并公示")
def case_approve(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    note: str,
    method: str = "",
    version: int | None = None,
) -> CaseStep:
    """县级审批, after the township notice: fixes the method and the subsidy standard; starts the
    county notice."""
    policy = case.policy.content
    method = method or case.method or pol.default_method(policy, case.grade)
    allowed = dict(pol.methods_for(policy, case.grade))
    if method not in allowed:
        raise ValidationError({"method": f"{case.get_grade_display()}可选的改造方式：{'、'.join(allowed.values())}。"})
    subsidy = pol.subsidy_for(
        policy, year=case.year, region_code=case.region_code, programme=case.programme, grade=case.grade, method=method
    )
    if subsidy is None:
        raise ValidationError("改造政策中没有适用于该户的补助标准，请联系省住建厅补充后再审批。")
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.COUNTY_APPROVE,
        on=on,
        note=note,
        version=version,
        require_note="请填写审批意见。",
        updates={
            "approved_on": on,
            "method": method,
            "method_name": allowed[method],
            "subsidy_amount": subsidy.amount,
            "subsidy_standard": subsidy.code,
            "subsidy_explanation": subsidy.explanation[:300],
        },
        data={"method": method, "subsidy": str(subsidy.amount), "standard": subsidy.code},
    )


def _archive_number(case: RenovationCase) -> tuple[str, int]:
    names = dict(Region.objects.filter(code__in=[case.township_code, case.county_code]).values_list("code", "name"))
    seq = (
        RenovationCase.objects.filter(region_code__subtree=case.region_code[:9], year=case.year).aggregate(
            m=Max("archive_seq")
        )["m"]
        or 0
    ) + 1
    number = pol.archive_number(
        case.policy.content,
        township=names.get(case.township_code, ""),
        county=names.get(case.county_code, ""),
        year=case.year,
        seq=seq,
    )
    return number, seq


@refusals_audited("公示期满建档")
def case_file(
    *, acting_user: User, case: RenovationCase, on: datetime.date, note: str = "", version: int | None = None
) -> CaseStep:
    """建档: the county notice has run without a sustained objection; the case gets its archive
    number (e.g. 渔泽镇危改字[2023]001号)."""
    for _attempt in range(3):
        number, seq = _archive_number(case)
        try:
            with transaction.atomic():
                return _simple_step(
                    acting_user=acting_user,
                    case=case,
                    kind=StepKind.FILE,
                    on=on,
                    note=note,
                    version=version,
                    updates={"filed_on": on, "archive_no": number, "archive_seq": seq},
                    data={"archive_no": number},
                )
        except IntegrityError:
            continue  # another case of the township took the number a moment ago
    raise ValidationError("档案编号分配冲突，请稍后重试。")


# --- 改造 ----------------------------------------------------------------------------------------------


def _details(
    case: RenovationCase,
    *,
    method: str,
    construction_mode: str,
    builder_name: str,
    builder_cert_no: str,
    planned_area: Decimal | None,
    energy_tags: Iterable[str],
) -> dict[str, Any]:
    policy = case.policy.content
    errors: dict[str, str] = {}
    allowed = dict(pol.methods_for(policy, case.grade))
    if method not in allowed:
        errors["method"] = f"{case.get_grade_display()}可选的改造方式：{'、'.join(allowed.values())}。"
    if construction_mode not in ConstructionMode.values:
        errors["construction_mode"] = "请选择自建或统建。"
    if not builder_name.strip():
        errors["builder_name"] = "请填写施工单位或工匠姓名。"
    if not builder_cert_no.strip():
        errors["builder_cert_no"] = "请填写施工资质或工匠培训证书编号。"
    if planned_area is None or planned_area <= 0:
        errors["planned_area"] = "请填写计划建筑面积（m²）。"
    tags = sorted(set(energy_tags))
    if any(t not in EnergyTag.values for t in tags):
        errors["energy_tags"] = "节能改造只能选墙体、屋面、门窗。"
    if errors:
        raise ValidationError(errors)
    check = pol.area_check(policy, household_size=case.household_size, area=planned_area)
    return {
        "method": method,
        "method_name": allowed[method],
        "construction_mode": construction_mode,
        "builder_name": builder_name.strip()[:100],
        "builder_cert_no": builder_cert_no.strip()[:50],
        "planned_area": planned_area,
        "energy_tags": tags,
        "area_problem": check.problem[:200],
    }


@refusals_audited("签订改造协议")
def case_sign_agreement(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    method: str,
    construction_mode: str,
    builder_name: str,
    builder_cert_no: str,
    planned_area: Decimal | None,
    energy_tags: Iterable[str] = (),
    note: str = "",
    version: int | None = None,
) -> CaseStep:
    """签订改造协议: method, who builds, planned area (checked against the area rules: out of
    range is flagged, not refused) and the energy-saving tags."""
    updates = _details(
        case,
        method=method,
        construction_mode=construction_mode,
        builder_name=builder_name,
        builder_cert_no=builder_cert_no,
        planned_area=planned_area,
        energy_tags=energy_tags,
    )
    if updates["method"] != case.method and case.subsidy_amount is not None:
        subsidy = pol.subsidy_for(
            case.policy.content,
            year=case.year,
            region_code=case.region_code,
            programme=case.programme,
            grade=case.grade,
            method=updates["method"],
        )
        if subsidy is None:
            raise ValidationError({"method": "改造政策中没有适用于该改造方式的补助标准。"})
        updates |= {
            "subsidy_amount": subsidy.amount,
            "subsidy_standard": subsidy.code,
            "subsidy_explanation": subsidy.explanation[:300],
        }
    updates["agreement_on"] = on
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.SIGN_AGREEMENT,
        on=on,
        note=note,
        version=version,
        updates=updates,
        data={"area_problem": updates["area_problem"]} if updates["area_problem"] else None,
    )


@refusals_audited("修改改造信息")
def case_update_details(
    *,
    acting_user: User,
    case: RenovationCase,
    construction_mode: str,
    builder_name: str,
    builder_cert_no: str,
    planned_area: Decimal | None,
    energy_tags: Iterable[str] = (),
    note: str,
    version: int | None = None,
) -> RenovationCase:
    """Correct who builds, the planned area or the energy tags during the works (the method is
    fixed by the agreement). Recorded as a step that does not move the case."""
    ensure_act(case, acting_user, StepKind.DETAILS)
    check_version(case, version)
    if not note.strip():
        raise ValidationError({"note": "请说明修改原因。"})
    updates = _details(
        case,
        method=case.method,
        construction_mode=construction_mode,
        builder_name=builder_name,
        builder_cert_no=builder_cert_no,
        planned_area=planned_area,
        energy_tags=energy_tags,
    )
    with transaction.atomic():
        before = model_snapshot(case, list(updates))
        moved = RenovationCase.objects.filter(pk=case.pk, version=case.version).update(
            version=F("version") + 1, updated_at=timezone.now(), **updates
        )
        if not moved:
            raise ValidationError(_conflict_message(case))
        case.refresh_from_db()
        changes = changes_between(before, model_snapshot(case, list(updates)))
        CaseStep.objects.create(
            case=case,
            kind=StepKind.DETAILS,
            from_stage=case.stage,
            to_stage=case.stage,
            on=timezone.localdate(),
            note=note.strip(),
            data={"changes": changes},
            actor=acting_user,
        )
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=case, changes=changes or None, note=note.strip())
    return case


def _checked_photos(photos: list[Any] | tuple[Any, ...], device_latitude: Any, device_longitude: Any) -> Any:
    """A 开工 or 竣工 act's photos, processed before anything is written (a bad file is refused
    in Chinese and the act is not done), and the phone's position sent with them."""
    device = device_position(device_latitude, device_longitude)
    if len(photos) > MAX_PATROL_PHOTOS:
        raise ValidationError({"photos": f"照片最多 {MAX_PATROL_PHOTOS} 张。"})
    return [process_photo(p) for p in photos], device


def _step_with_photos(*, acting_user: User, case: RenovationCase, photos: Any, device: Any, **step: Any) -> CaseStep:
    """The act and its photos in one transaction; each photo checked around the act's date."""
    with transaction.atomic():
        made = _simple_step(acting_user=acting_user, case=case, **step)
        records = [CaseStepPhoto.objects.create(step=made, **CaseStepPhoto.photo_fields(p)) for p in photos]
        if records:
            made.data = {**made.data, "photos": len(records)}
            made.save(update_fields=["data"])
            case_photos_check(
                acting_user=acting_user,
                case=case,
                records=records,
                stage=STEP_STAGES[made.kind],
                on=made.on,
                device=device,
            )
    return made


@refusals_audited("开工")
def case_start(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    note: str = "",
    version: int | None = None,
    photos: list[Any] | tuple[Any, ...] = (),
    device_latitude: Any = None,
    device_longitude: Any = None,
) -> CaseStep:
    """开工, with the site's photos if taken (checked against the house around the 开工 date)."""
    processed, device = _checked_photos(photos, device_latitude, device_longitude)
    return _step_with_photos(
        acting_user=acting_user,
        case=case,
        photos=processed,
        device=device,
        kind=StepKind.START,
        on=on,
        note=note,
        version=version,
        updates={"started_on": on},
    )


@refusals_audited("质量巡查")
def patrol_record(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    findings: str,
    problems_found: bool = False,
    photos: list[Any] | tuple[Any, ...] = (),
    device_latitude: Any = None,
    device_longitude: Any = None,
) -> CasePatrol:
    """质量安全巡查 during the works, with at least one photo; each photo is checked against the
    house and the works' dates (ADR 0033)."""
    ensure_act(case, acting_user, StepKind.PATROL)
    device = device_position(device_latitude, device_longitude)
    errors: dict[str, str] = {}
    if on > timezone.localdate():
        errors["on"] = "日期不能晚于今天。"
    elif case.started_on and on < case.started_on:
        errors["on"] = f"巡查日期不能早于开工日期 {case.started_on:%Y-%m-%d}。"
    if not findings.strip():
        errors["findings"] = "请填写巡查情况。"
    if not photos:
        errors["photos"] = "请至少上传一张现场照片。"
    elif len(photos) > MAX_PATROL_PHOTOS:
        errors["photos"] = f"照片最多 {MAX_PATROL_PHOTOS} 张。"
    if errors:
        raise ValidationError(errors)
    processed = [process_photo(p) for p in photos]
    with transaction.atomic():
        patrol = CasePatrol.objects.create(
            case=case, on=on, findings=findings.strip(), problems_found=problems_found, inspector=acting_user
        )
        records = [CasePatrolPhoto.objects.create(patrol=patrol, **CasePatrolPhoto.photo_fields(p)) for p in processed]
        case_photos_check(
            acting_user=acting_user, case=case, records=records, stage=PhotoStage.PATROL, on=on, device=device
        )
        CaseStep.objects.create(
            case=case,
            kind=StepKind.PATROL,
            from_stage=case.stage,
            to_stage=case.stage,
            on=on,
            note=findings.strip(),
            data={"patrol": patrol.pk, "photos": len(processed), "problems_found": problems_found},
            actor=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=patrol,
            changes={"photos": {"before": None, "after": len(processed)}},
        )
    return patrol


@refusals_audited("竣工")
def case_complete(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    built_area: Decimal | None,
    note: str = "",
    version: int | None = None,
    photos: list[Any] | tuple[Any, ...] = (),
    device_latitude: Any = None,
    device_longitude: Any = None,
) -> CaseStep:
    """竣工: needs at least one quality patrol during the works; the built area is checked
    against the area rules (flagged, and shown to the acceptance officers); the finished
    house's photos, if taken, are checked against it around the 竣工 date."""
    if built_area is None or built_area <= 0:
        raise ValidationError({"built_area": "请填写竣工建筑面积（m²）。"})
    if not case.patrols.exists():
        raise ValidationError("施工期间还没有质量巡查记录；请先记录至少一次带照片的巡查。")
    check = pol.area_check(case.policy.content, household_size=case.household_size, area=built_area)
    processed, device = _checked_photos(photos, device_latitude, device_longitude)
    return _step_with_photos(
        acting_user=acting_user,
        case=case,
        photos=processed,
        device=device,
        kind=StepKind.COMPLETE,
        on=on,
        note=note,
        version=version,
        updates={"completed_on": on, "built_area": built_area, "area_problem": check.problem[:200]},
    )


# --- 验收 (called by anju.acceptance) ---------------------------------------------------------------------


@refusals_audited("竣工验收")
def case_accept_result(
    *,
    acting_user: User,
    case: RenovationCase,
    passed: bool,
    on: datetime.date,
    note: str = "",
    data: dict[str, Any] | None = None,
    version: int | None = None,
    post_grade: str = "",
) -> CaseStep:
    """The acceptance's result moves the case: passed → 验收通过, failed → 整改. Called by
    ``anju.acceptance.services`` inside its own transaction, after it has checked the form.
    A passed acceptance writes its post-works grade (A or B) to the house, dated, as the
    house's current grade (ADR 0021)."""
    kind = StepKind.ACCEPT if passed else StepKind.FAIL
    _require(acting_user, kind, case.region_code)
    check_version(case, version)
    _check_flow(case, kind)
    errors: dict[str, str] = {}
    _check_date(case, on, errors)
    if passed and post_grade not in ("A", "B"):
        shown = f"为 {post_grade} 级" if post_grade else "未评定"
        errors["post_grade"] = f"竣工后房屋安全等级{shown}：验收通过须评定为 A 级或 B 级。"
    if errors:
        raise ValidationError(errors)
    updates = {"accepted_on": on} if passed else {}
    with transaction.atomic():
        step = case_advance(
            acting_user=acting_user,
            case=case,
            kind=kind,
            on=on,
            note=note,
            version=version,
            updates=updates,
            data=data,
        )
        if passed and case.house is not None:
            house_grade_set(
                acting_user=acting_user,
                house=case.house,
                grade=post_grade,
                source=GradeSource.ACCEPTANCE,
                on=on,
                note=f"竣工验收通过（{_case_label(case)}），竣工后等级 {post_grade} 级",
            )
    return step


@refusals_audited("整改完成")
def case_rectified(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    note: str,
    data: dict[str, Any] | None = None,
    version: int | None = None,
) -> CaseStep:
    """整改完成: back to 已竣工待验收 for the re-acceptance. Called by ``anju.acceptance``."""
    return _simple_step(
        acting_user=acting_user,
        case=case,
        kind=StepKind.RECTIFIED,
        on=on,
        note=note,
        version=version,
        data=data,
        require_note="请说明整改情况。",
    )


# --- 销号 and other ends --------------------------------------------------------------------------------


def close_blockers(case: RenovationCase) -> list[str]:
    """Everything that stands between a case and 销号, in Chinese; empty when it may close. The
    acceptance, the archive and the payments say theirs through ``extensions``."""
    blockers: list[str] = []
    if case.stage != Stage.ACCEPTED:
        blockers.append(f"案件当前为「{case.get_stage_display()}」，须竣工验收通过后才能销号。")
    return blockers + extensions.close_blockers(case)


@refusals_audited("销号")
def case_close(
    *, acting_user: User, case: RenovationCase, on: datetime.date, note: str = "", version: int | None = None
) -> CaseStep:
    """销号: only with a passed acceptance, a post-works grade A or B, a complete archive
    (jointly reviewed) and the subsidy paid in full; otherwise every gap is listed."""
    _require(acting_user, StepKind.CLOSE, case.region_code)
    check_version(case, version)
    blockers = close_blockers(case)
    if blockers:
        raise ValidationError([f"不能销号：{blockers[0]}", *blockers[1:]])
    with transaction.atomic():
        step = _simple_step(
            acting_user=acting_user,
            case=case,
            kind=StepKind.CLOSE,
            on=on,
            note=note,
            version=version,
            updates={"closed_on": on},
        )
        # The house is renovated now (its grade was set by the passed acceptance), and every
        # member has been supported: both outlive the case (ADR 0021).
        renovated_year = (case.accepted_on or on).year
        if case.house is not None:
            house_renovation_record(
                acting_user=acting_user,
                house=case.house,
                year=renovated_year,
                programme=case.programme,
                case_id=case.pk,
                note=f"销号：{_case_label(case)}",
            )
        support_complete(case_id=case.pk, on=on, case_label=_case_label(case))
        facts_changed(acting_user=acting_user, reason="改造销号", household_ids=[case.household_id])
    return step


@refusals_audited("终止案件")
def case_end(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    reason: str,
    note: str,
    version: int | None = None,
) -> CaseStep:
    """End a case another way (租赁、投亲靠友、搬迁、不符合条件、放弃) with a reason. Once works
    have started only the county may end it, and never after money was paid."""
    _require(acting_user, StepKind.END, case.region_code)
    if reason not in EndReason.values:
        raise ValidationError({"reason": "请选择终止原因。"})
    if not note.strip():
        raise ValidationError({"note": "请说明终止的情况。"})
    if case.stage in WORKS_STAGES and not (acting_user.is_superuser or acting_user.has_role(Role.COUNTY_OFFICER)):
        raise PermissionDenied("已开工的案件只能由区/县住建局终止。")
    if extensions.paid_total(case) > 0:
        raise ValidationError("该案件已拨付补助资金，不能终止；请先按规定收回资金并登记。")
    with transaction.atomic():
        step = _simple_step(
            acting_user=acting_user,
            case=case,
            kind=StepKind.END,
            on=on,
            note=note,
            version=version,
            updates={"ended_on": on, "end_reason": reason, "end_note": note.strip()[:300]},
            data={"reason": reason},
        )
        support_withdraw(case_id=case.pk)  # nothing was paid: nobody was supported by it
    return step


def case_task_kinds_apply(
    *, acting_user: User, county_code: str, year: int, annual_until: datetime.date, why: str
) -> int:
    """Mark the county's cases of ``year`` (not ended) 年度任务 when opened by ``annual_until``,
    动态新增 after it — when the county puts its annual work plan in force (ADR 0037). Each
    case whose mark changes is one audit row; returns how many changed."""
    prefix = county_code[:6]
    changed = 0
    with transaction.atomic():
        cases = (
            RenovationCase.objects.select_for_update()
            .filter(region_code__subtree=prefix, year=year)
            .exclude(stage=Stage.ENDED)
        )
        for case in cases:
            dynamic = case.origin in DYNAMIC_ORIGINS or case.opened_on > annual_until
            kind = TaskKind.DYNAMIC if dynamic else TaskKind.ANNUAL
            if case.task_kind == kind:
                continue
            before = case.get_task_kind_display()
            case.task_kind = kind
            case.save(update_fields=["task_kind"])
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=case,
                changes={"task_kind": {"before": before, "after": case.get_task_kind_display()}},
                note=why,
            )
            changed += 1
    return changed
