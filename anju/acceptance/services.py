"""Writes of completion acceptance (requirements §9). Recording an acceptance judges the checklist of the
case's policy version, moves the case through ``anju.cases.services.case_accept_result`` (验收通过,
or 整改 with a rectification) and audits, all in one transaction; completing a rectification
sends the case back for the re-acceptance through ``case_rectified``. A refusal is a Chinese
ValidationError or PermissionDenied and writes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anju.acceptance import extensions
from anju.acceptance.choices import HOUSEHOLD_CODE, POST_GRADE_CODE, SAFE_POST_GRADES, ItemResult, PostGrade
from anju.acceptance.documents import acceptance_form
from anju.acceptance.models import Acceptance, AcceptancePhoto, Rectification
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, refusals_audited
from anju.cases import policy as pol
from anju.cases import services as case_services
from anju.cases.acts import STEP_ROLES
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.photos import case_photos_check
from anju.core.scoping import in_scope
from anju.inspections.photos import process_photo
from anju.kit.documents import announce
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import device_position

MAX_NOTE = 200
MAX_PHOTOS = 9
SIGNED_LENGTHS = {"household_opinion": 300, "builder_name": 100, "officer_names": 200}


def rectification_days(case: RenovationCase) -> int:
    """The days a failed acceptance's rectification is given by the case's policy version."""
    return pol.deadline_days(case.policy.content, "rectification_days")


def suggested_due(case: RenovationCase, on: datetime.date) -> datetime.date:
    """The rectification deadline the form proposes: the policy's days after the acceptance."""
    return on + datetime.timedelta(days=rectification_days(case))


def _require(acting_user: User, kind: str, case: RenovationCase) -> None:
    """The same role and region check as the case's own acts, before the form is judged."""
    roles = STEP_ROLES[kind]
    if not (acting_user.is_superuser or acting_user.has_role(*roles)):
        labels = "、".join(Role(r).label for r in roles)
        raise PermissionDenied(f"「{StepKind(kind).label}」须由{labels}办理。")
    if not in_scope(acting_user, case.region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")


def _check_version(case: RenovationCase, version: int | None) -> None:
    # Before the stage check: an officer whose page is stale is told who acted meanwhile,
    # not that the case is no longer awaiting acceptance.
    case_services.check_version(case, version)


def checklist(case: RenovationCase) -> list[dict[str, Any]]:
    """The acceptance items of the case's policy version, as the acceptance will store them, and
    the items the apps above add for this case (``acceptance.extensions``: a traditional house's
    protection requirements)."""
    return [
        {
            "code": str(i["code"]),
            "name": str(i["name"]),
            "group": str(i.get("group") or ""),
            "required": bool(i.get("required")),
        }
        for i in [*pol.acceptance_items(case.policy.content), *extensions.extra_items(case)]
    ]


def judge(
    items: list[dict[str, Any]], results: dict[str, str], *, post_grade: str, household_agrees: bool
) -> list[dict[str, str]]:
    """Why an acceptance fails (empty when it passes): every required item √, a post-works grade
    A or B, and the household's agreement."""
    reasons = [
        {"code": i["code"], "name": i["name"]}
        for i in items
        if i["required"] and results.get(i["code"]) == ItemResult.FAIL
    ]
    if post_grade not in SAFE_POST_GRADES:
        reasons.append({"code": POST_GRADE_CODE, "name": f"竣工后房屋安全等级为 {post_grade} 级（须为 A 级或 B 级）"})
    if not household_agrees:
        reasons.append({"code": HOUSEHOLD_CODE, "name": "农户不同意验收结果"})
    return reasons


def acceptance_check_allowed(*, acting_user: User, case: RenovationCase, version: int | None = None) -> None:
    """Whether ``acting_user`` may record an acceptance of ``case`` now (role, region, the
    version they saw, the stage), before the form is judged; raises the refusal."""
    _require(acting_user, StepKind.ACCEPT, case)
    _check_version(case, version)
    if case.stage != Stage.COMPLETED:
        raise ValidationError(f"案件当前为「{case.get_stage_display()}」，只有已竣工待验收的案件才能验收。")


def _result_errors(items: list[dict[str, Any]], cleaned: dict[str, str]) -> list[str]:
    """What is wrong with the checklist's answers: unknown items, unanswered ones, answers other
    than √ × ○, and ○ on a required item."""
    names = {i["code"]: i["name"] for i in items}
    errors: list[str] = []
    unknown = sorted(set(cleaned) - set(names))
    if unknown:
        errors.append(f"验收清单中没有这些项目：{'、'.join(unknown)}。")
    missing = [i["name"] for i in items if not cleaned.get(i["code"])]
    if missing:
        errors.append(f"请逐项填写验收结果，尚未填写：{'、'.join(missing)}。")
    bad = [names[c] for c, v in cleaned.items() if c in names and v and v not in ItemResult.values]
    if bad:
        errors.append(f"{'、'.join(bad)}的结果只能是 √ 合格、× 不合格或 ○ 不涉及。")
    not_applicable = [i["name"] for i in items if i["required"] and cleaned.get(i["code"]) == ItemResult.NA]
    if not_applicable:
        errors.append(f"必须验收的项目不能选“○ 不涉及”：{'、'.join(not_applicable)}。")
    return errors


def _check_form(
    case: RenovationCase,
    items: list[dict[str, Any]],
    cleaned: dict[str, str],
    *,
    on: datetime.date,
    post_grade: str,
    household_agrees: bool,
    household_opinion: str,
    builder_name: str,
    officer_names: str,
) -> None:
    """Refuse the acceptance form with one Chinese message per field."""
    errors: dict[str, Any] = {}
    result_errors = _result_errors(items, cleaned)
    if result_errors:
        errors["results"] = result_errors
    if post_grade not in PostGrade.values:
        errors["post_grade"] = "请选择竣工后房屋安全等级（A、B、C、D）。"
    if on > timezone.localdate():
        errors["on"] = "验收日期不能晚于今天。"
    elif case.completed_on and on < case.completed_on:
        errors["on"] = f"验收日期不能早于竣工日期 {case.completed_on:%Y-%m-%d}。"
    if not household_agrees and not household_opinion.strip():
        errors["household_opinion"] = "农户不同意验收结果时，请记录农户的意见。"
    if not builder_name.strip():
        errors["builder_name"] = "请填写施工单位或工匠姓名（签字人）。"
    if not officer_names.strip():
        errors["officer_names"] = "请填写验收人员姓名。"
    if errors:
        raise ValidationError(errors)


def _check_rectification(case: RenovationCase, on: datetime.date, due: datetime.date | None, requirements: str) -> None:
    """A failed acceptance needs a rectification deadline after it and the requirements."""
    errors: dict[str, str] = {}
    if due is None:
        errors["rectification_due"] = (
            f"验收未通过，请填写整改期限（建议 {suggested_due(case, on):%Y-%m-%d}，"
            f"即改造政策规定的验收后 {rectification_days(case)} 天）。"
        )
    elif due <= on:
        errors["rectification_due"] = "整改期限应晚于验收日期。"
    if not requirements.strip():
        errors["rectification_requirements"] = "验收未通过，请填写整改要求。"
    if errors:
        raise ValidationError(errors)


def _next_attempt(case: RenovationCase) -> int:
    """The case's next acceptance number. The case row is locked, so two acceptances at once
    cannot both take the same number; the loser then meets the case's version check and writes
    nothing."""
    RenovationCase.objects.select_for_update().filter(pk=case.pk).first()
    return (Acceptance.objects.filter(case=case).aggregate(m=Max("attempt"))["m"] or 0) + 1


def _create_rectification(
    acting_user: User, acceptance: Acceptance, *, due: datetime.date | None, requirements: str
) -> Rectification:
    assert due is not None
    return Rectification.objects.create(
        case=acceptance.case,
        acceptance=acceptance,
        region_code=acceptance.region_code,
        items=acceptance.failed_items,
        requirements=requirements.strip(),
        due_on=due,
        recorded_by=acting_user,
    )


def _move_case(
    acting_user: User, acceptance: Acceptance, rectification: Rectification | None, version: int | None
) -> None:
    """验收通过 or 整改, through the case's own act, with the acceptance (and rectification) as data."""
    passed, reasons = acceptance.passed, "、".join(r["name"] for r in acceptance.failed_items)
    data: dict[str, Any] = {
        "acceptance": acceptance.pk,
        "attempt": acceptance.attempt,
        "post_grade": acceptance.post_grade,
    }
    if rectification is not None:
        data |= {"rectification": rectification.pk, "due_on": rectification.due_on.isoformat()}
    case_services.case_accept_result(
        acting_user=acting_user,
        case=acceptance.case,
        passed=passed,
        on=acceptance.on,
        note=f"第 {acceptance.attempt} 次验收" + ("通过" if passed else f"未通过：{reasons}"),
        data=data,
        version=version,
        post_grade=acceptance.post_grade if passed else "",
    )


def _audit(acting_user: User, acceptance: Acceptance, rectification: Rectification | None) -> None:
    reasons = "、".join(r["name"] for r in acceptance.failed_items)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=acceptance,
        changes={
            "passed": {"before": None, "after": acceptance.passed},
            "post_grade": {"before": None, "after": acceptance.post_grade},
            "results": {"before": None, "after": acceptance.results},
        },
        note=acceptance.result_label + (f"：{reasons}" if reasons else ""),
    )
    if rectification is not None:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=rectification,
            changes={"due_on": {"before": None, "after": rectification.due_on.isoformat()}},
            note=f"整改项目：{reasons}",
        )
    announce(acceptance_form(acceptance), acting_user=acting_user)  # filed in the archive (ADR 0029)


@refusals_audited("竣工验收")
def acceptance_record(
    *,
    acting_user: User,
    case: RenovationCase,
    on: datetime.date,
    results: dict[str, str],
    notes: dict[str, str] | None,
    post_grade: str,
    household_agrees: bool,
    household_opinion: str,
    builder_name: str,
    officer_names: str,
    rectification_due: datetime.date | None = None,
    rectification_requirements: str = "",
    version: int | None = None,
    photos: list[Any] | tuple[Any, ...] = (),
    device: tuple[Any, Any] = (None, None),
) -> Acceptance:
    """Record a completion acceptance of a case awaiting it (已竣工待验收, also after a
    rectification). Every checklist item needs √, × or ○ (a required item cannot be ○); it
    passes when every required item is √, the post-works grade is A or B and the household
    agrees. A failed one needs a rectification deadline after the acceptance date and the
    requirements; the case then goes to 整改. ``version`` is the case's version the officer saw;
    ``photos`` of the house, with the phone's position, are checked around the acceptance date."""
    acceptance_check_allowed(acting_user=acting_user, case=case, version=version)
    items = checklist(case)
    cleaned = {str(code): str(value or "").strip() for code, value in (results or {}).items()}
    signed = {"household_opinion": household_opinion, "builder_name": builder_name, "officer_names": officer_names}
    _check_form(case, items, cleaned, on=on, post_grade=post_grade, household_agrees=household_agrees, **signed)
    failed = judge(items, cleaned, post_grade=post_grade, household_agrees=household_agrees)
    if failed:
        _check_rectification(case, on, rectification_due, rectification_requirements)
    processed, position = _processed_photos(photos, device)
    kept_notes = _kept_notes(items, notes)
    with transaction.atomic():
        acceptance = Acceptance.objects.create(
            case=case,
            attempt=_next_attempt(case),
            region_code=case.region_code,
            on=on,
            items=items,
            results={i["code"]: cleaned[i["code"]] for i in items},
            notes=kept_notes,
            post_grade=post_grade,
            household_agrees=household_agrees,
            **{name: str(value).strip()[: SIGNED_LENGTHS[name]] for name, value in signed.items()},
            passed=not failed,
            failed_items=failed,
            recorded_by=acting_user,
        )
        rectification = None
        if failed:
            rectification = _create_rectification(
                acting_user, acceptance, due=rectification_due, requirements=rectification_requirements
            )
        _move_case(acting_user, acceptance, rectification, version)
        _photos_record(acting_user, acceptance, processed, position)
        _audit(acting_user, acceptance, rectification)
    return acceptance


def _photos_record(acting_user: User, acceptance: Acceptance, processed: list[Any], position: Any) -> None:
    """The acceptance's photos saved and each checked around the acceptance date (ADR 0047)."""
    records = [
        AcceptancePhoto.objects.create(acceptance=acceptance, **AcceptancePhoto.photo_fields(p)) for p in processed
    ]
    case_photos_check(
        acting_user=acting_user,
        case=acceptance.case,
        records=records,
        stage=PhotoStage.ACCEPTANCE,
        on=acceptance.on,
        device=position,
    )


def _kept_notes(items: list[dict[str, Any]], notes: dict[str, str] | None) -> dict[str, str]:
    codes = {i["code"] for i in items}
    return {c: str(t).strip()[:MAX_NOTE] for c, t in (notes or {}).items() if c in codes and str(t).strip()}


def _processed_photos(photos: list[Any] | tuple[Any, ...], device: tuple[Any, Any]) -> tuple[list[Any], Any]:
    """The acceptance's photos checked and re-encoded before anything is written, and the
    phone's position sent with them (a Chinese refusal for a bad file or position)."""
    position = device_position(*device)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"验收照片最多 {MAX_PHOTOS} 张。"})
    return [process_photo(p) for p in photos], position


@refusals_audited("整改完成", obj_kwarg="rectification")
def rectification_complete(
    *,
    acting_user: User,
    rectification: Rectification,
    on: datetime.date,
    note: str,
    version: int | None = None,
) -> Rectification:
    """整改完成: record when and how the failed items were fixed; the case goes back to
    已竣工待验收 for the re-acceptance. ``version`` is the case's version the officer saw."""
    case = rectification.case
    _require(acting_user, StepKind.RECTIFIED, case)
    _check_version(case, version)
    if not rectification.is_open:
        raise ValidationError(f"该整改已于 {rectification.completed_on:%Y-%m-%d} 登记完成。")
    if case.stage != Stage.RECTIFYING:
        raise ValidationError(f"案件当前为「{case.get_stage_display()}」，不在整改中。")
    errors: dict[str, str] = {}
    if on > timezone.localdate():
        errors["on"] = "整改完成日期不能晚于今天。"
    elif on < rectification.acceptance.on:
        errors["on"] = f"整改完成日期不能早于验收日期 {rectification.acceptance.on:%Y-%m-%d}。"
    if not note.strip():
        errors["note"] = "请说明整改情况。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if not locked.is_open:
            raise ValidationError(f"该整改已于 {locked.completed_on:%Y-%m-%d} 登记完成。")
        now = timezone.now()
        Rectification.objects.filter(pk=rectification.pk).update(
            completed_on=on, completion_note=note.strip(), completed_by=acting_user, completed_at=now
        )
        rectification.completed_on, rectification.completion_note = on, note.strip()
        rectification.completed_by, rectification.completed_at = acting_user, now
        late = (on - rectification.due_on).days
        case_services.case_rectified(
            acting_user=acting_user,
            case=case,
            on=on,
            note=note,
            data={"rectification": rectification.pk, "days_late": max(late, 0)},
            version=version,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=rectification,
            changes={"completed_on": {"before": None, "after": on.isoformat()}},
            note=note.strip() + (f"（逾期 {late} 天）" if late > 0 else ""),
        )
    return rectification
