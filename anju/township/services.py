"""Writes of the township duties (issue 22). Each asks the one table of who may act
(``township.acts``), checks what was typed and refuses in Chinese changing nothing, then writes
and audits in one transaction. A refused write is audited too (``refusals_audited``, against the
place or the object it was about). Photos go through the inspections' photo check (the
province's limits); a sign-in sheet must be an image or a PDF by its bytes (the archive's check)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anju.accounts.models import User
from anju.archives.files import EXTENSIONS, check_upload
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot, refusals_audited
from anju.core.scoping import in_scope
from anju.households.models import House
from anju.inspections.photos import process_photo
from anju.kit.versioning import config_activate, config_check_editable, config_derive, config_discard
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.township.acts import DutyAct, ensure_act
from anju.township.choices import (
    ExpertKind,
    HouseCondition,
    ProjectKind,
    ProjectStatus,
    ProtectionGrade,
    PublicityForm,
    TaskKind,
    TeamRole,
    TrainingCategory,
    VillageLevel,
)
from anju.township.models import (
    Craftsman,
    DutyPolicy,
    ExpertVisit,
    HouseCheck,
    Project,
    ProjectPhoto,
    ProjectReport,
    PublicityActivity,
    PublicityPhoto,
    TeamMember,
    TeamTask,
    TraditionalHouse,
    TraditionalHousePhoto,
    TraditionalVillage,
    TrainingPhoto,
    TrainingSession,
    WorkingTeam,
)
from anju.township.policy import duties_for, validate_policy


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _photos(photos: Sequence[Any], region_code: str) -> list[Any]:
    limit = duties_for(region_code).max_photos
    if len(photos) > limit:
        raise ValidationError({"photos": f"照片最多 {limit} 张。"})
    processed = []
    for p in photos:
        try:
            processed.append(process_photo(p))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return processed


def _not_future(errors: dict[str, str], field: str, value: datetime.date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = f"{label}不能晚于今天。"


def _created(acting_user: User, obj: Any, fields: Sequence[str], **extra: Any) -> None:
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=obj,
        changes=changes_between({}, model_snapshot(obj, fields)) | extra,
    )


def _township_of(region: Region) -> Region:
    if region.level == RegionLevel.TOWNSHIP:
        return region
    if region.level == RegionLevel.VILLAGE:
        return Region.objects.get(code=region.code[:9] + "000")
    raise ValidationError({"region": "地点应为乡镇（街道）或村（社区）。"})


# --- traditional villages and houses ----------------------------------------------------------------


@refusals_audited("登记传统村落", obj_kwarg="region")
def village_add(
    *,
    acting_user: User,
    region: Region,
    name: str,
    level: str,
    listed_year: int | None = None,
    protection_plan: str = "",
    plan_approved_on: datetime.date | None = None,
) -> TraditionalVillage:
    """Add a protected traditional village in a village of the user's subtree."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = "传统村落应登记在村（社区）。"
    if not name.strip():
        errors["name"] = "请填写村落名称。"
    if level not in VillageLevel.values:
        errors["level"] = "请选择保护级别。"
    _not_future(errors, "plan_approved_on", plan_approved_on, "规划批复日期")
    if TraditionalVillage.objects.filter(region=region, name=name.strip()).exists():
        errors["name"] = f"{region.name}已登记传统村落「{name.strip()}」。"
    _raise(errors)
    with transaction.atomic():
        village = TraditionalVillage.objects.create(
            region=region,
            region_code=region.code,
            name=name.strip(),
            level=level,
            listed_year=listed_year,
            protection_plan=protection_plan.strip(),
            plan_approved_on=plan_approved_on,
        )
        _created(acting_user, village, ("region_id", "name", "level", "listed_year"))
    return village


@refusals_audited("登记传统民居", obj_kwarg="village")
def traditional_house_add(
    *,
    acting_user: User,
    village: TraditionalVillage,
    name: str,
    owner_name: str,
    built_era: str,
    structure: str,
    grade: str,
    requirements: str = "",
    house: House | None = None,
    photos: Sequence[Any] = (),
) -> TraditionalHouse:
    """Add a traditional house to a traditional village, optionally linked to the registry's
    house (then its renovation case follows the protection requirements)."""
    ensure_act(village.region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    for field, value, label in (
        ("name", name, "民居名称"),
        ("owner_name", owner_name, "产权人"),
        ("built_era", built_era, "建筑年代"),
        ("structure", structure, "结构"),
    ):
        if not value.strip():
            errors[field] = f"请填写{label}。"
    if grade not in ProtectionGrade.values:
        errors["grade"] = "请选择保护等级。"
    if house is not None:
        if house.region_code != village.region_code:
            errors["house"] = f"所选房屋不在{village.region.name}。"
        elif TraditionalHouse.objects.filter(house=house).exists():
            errors["house"] = "该房屋已登记为传统民居。"
    _raise(errors)
    processed = _photos(photos, village.region_code)
    with transaction.atomic():
        th = TraditionalHouse.objects.create(
            village=village,
            region_code=village.region_code,
            house=house,
            name=name.strip(),
            owner_name=owner_name.strip(),
            built_era=built_era.strip(),
            structure=structure.strip(),
            grade=grade,
            requirements=requirements.strip(),
        )
        for photo in processed:
            TraditionalHousePhoto.objects.create(house=th, **TraditionalHousePhoto.photo_fields(photo))
        _created(
            acting_user,
            th,
            ("village_id", "house_id", "name", "built_era", "structure", "grade"),
            photos={"before": 0, "after": len(processed)},
        )
    return th


@refusals_audited("登记传统民居巡查", obj_kwarg="house")
def house_check_record(
    *,
    acting_user: User,
    house: TraditionalHouse,
    checked_on: datetime.date,
    checker: str,
    condition: str,
    note: str = "",
    task: TeamTask | None = None,
) -> HouseCheck:
    """Record an inspection of a traditional house; the task it answers is done with it."""
    user_may = task is not None and task.assignee.user_id == acting_user.pk
    if not user_may:
        ensure_act(Region.objects.get(code=house.region_code), acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    _not_future(errors, "checked_on", checked_on, "巡查日期")
    if not checker.strip():
        errors["checker"] = "请填写巡查人。"
    if condition not in HouseCondition.values:
        errors["condition"] = "请选择保存状况。"
    if task is not None and (task.traditional_house_id != house.pk or task.done_on is not None):
        errors["task"] = "该任务不是本民居待完成的巡查任务。"
    _raise(errors)
    with transaction.atomic():
        check = HouseCheck.objects.create(
            house=house,
            region_code=house.region_code,
            checked_on=checked_on,
            checker=checker.strip(),
            condition=condition,
            note=note.strip(),
            task=task,
            recorded_by=acting_user,
        )
        _created(acting_user, check, ("house_id", "checked_on", "checker", "condition"))
        if task is not None:
            _task_done(acting_user, task, checked_on, f"已巡查：{check.get_condition_display()}")
    return check


# --- living-environment projects ------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@refusals_audited("登记人居环境项目", obj_kwarg="region")
def project_create(
    *,
    acting_user: User,
    region: Region,
    name: str,
    kind: str,
    year: int,
    budget: Decimal,
    responsible_unit: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
) -> Project:
    """Register a living-environment project or demonstration site in a township or village."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    township = None
    try:
        township = _township_of(region)
    except ValidationError:
        errors["region"] = "项目地点应为乡镇（街道）或村（社区）。"
    if not name.strip():
        errors["name"] = "请填写项目名称。"
    if kind not in ProjectKind.values:
        errors["kind"] = "请选择项目类型。"
    amount = _decimal(budget)
    if amount is None or amount < 0 or amount >= Decimal("100000000"):
        errors["budget"] = "预算应为不小于 0 的金额（万元）。"
    if not responsible_unit.strip():
        errors["responsible_unit"] = "请填写责任单位。"
    if planned_end < planned_start:
        errors["planned_end"] = "计划完工日期不能早于计划开工日期。"
    if not 2000 <= year <= 2100:
        errors["year"] = "年度应为四位年份。"
    _raise(errors)
    assert township is not None and amount is not None
    with transaction.atomic():
        project = Project.objects.create(
            township=township,
            region=region,
            region_code=region.code,
            name=name.strip(),
            kind=kind,
            year=year,
            budget=amount,
            responsible_unit=responsible_unit.strip(),
            planned_start=planned_start,
            planned_end=planned_end,
            created_by=acting_user,
        )
        _created(acting_user, project, ("region_id", "name", "kind", "year", "budget", "planned_start", "planned_end"))
    return project


@refusals_audited("报告项目进度", obj_kwarg="project")
def project_report(
    *,
    acting_user: User,
    project: Project,
    reported_on: datetime.date,
    progress: int,
    text: str,
    actual_start: datetime.date | None = None,
    photos: Sequence[Any] = (),
) -> ProjectReport:
    """A progress report: the first one starts the project (on ``actual_start``, else the report's
    date), 100 % completes it on the report's date. Progress never goes back."""
    ensure_act(project, acting_user, DutyAct.REPORT)
    errors: dict[str, str] = {}
    _not_future(errors, "reported_on", reported_on, "报告日期")
    start = project.actual_start or actual_start or reported_on
    _not_future(errors, "actual_start", actual_start, "实际开工日期")
    if reported_on < start:
        errors["reported_on"] = f"报告日期不能早于实际开工日期（{start:%Y-%m-%d}）。"
    last = project.reports.order_by("-reported_on", "-pk").first()
    if last is not None and reported_on < last.reported_on:
        errors["reported_on"] = f"报告日期不能早于上一次进度报告（{last.reported_on:%Y-%m-%d}）。"
    if not 0 <= progress <= 100:
        errors["progress"] = "形象进度应为 0–100 的整数。"
    elif progress < project.progress:
        errors["progress"] = f"形象进度不能低于上次报告的 {project.progress}%。"
    if not text.strip():
        errors["text"] = "请填写进展情况。"
    _raise(errors)
    processed = _photos(photos, project.region_code)
    before = model_snapshot(project, ("status", "progress", "actual_start", "actual_end"))
    with transaction.atomic():
        report = ProjectReport.objects.create(
            project=project, reported_on=reported_on, progress=progress, text=text.strip(), actor=acting_user
        )
        for photo in processed:
            ProjectPhoto.objects.create(report=report, **ProjectPhoto.photo_fields(photo))
        project.actual_start = start
        project.progress = progress
        if progress == 100:
            project.status, project.actual_end = ProjectStatus.COMPLETED, reported_on
        else:
            project.status = ProjectStatus.UNDER_WAY
        project.save(update_fields=["actual_start", "progress", "status", "actual_end"])
        after = model_snapshot(project, ("status", "progress", "actual_start", "actual_end"))
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=project,
            changes=changes_between(before, after) | {"photos": {"before": 0, "after": len(processed)}},
            note=f"进度报告 {reported_on:%Y-%m-%d}：{text.strip()[:100]}",
        )
    return report


@refusals_audited("项目验收", obj_kwarg="project")
def project_accept(*, acting_user: User, project: Project, accepted_on: datetime.date, note: str) -> Project:
    """验收 of a completed project: not before it started nor before it was completed."""
    ensure_act(project, acting_user, DutyAct.ACCEPT)
    errors: dict[str, str] = {}
    _not_future(errors, "accepted_on", accepted_on, "验收日期")
    if project.actual_start is not None and accepted_on < project.actual_start:
        errors["accepted_on"] = f"验收日期不能早于项目开工日期（{project.actual_start:%Y-%m-%d}）。"
    elif project.actual_end is not None and accepted_on < project.actual_end:
        errors["accepted_on"] = f"验收日期不能早于项目完工日期（{project.actual_end:%Y-%m-%d}）。"
    if not note.strip():
        errors["note"] = "请填写验收意见。"
    _raise(errors)
    with transaction.atomic():
        project.status, project.accepted_on, project.acceptance_note = ProjectStatus.ACCEPTED, accepted_on, note.strip()
        project.save(update_fields=["status", "accepted_on", "acceptance_note"])
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=project,
            changes={
                "status": {"before": ProjectStatus.COMPLETED.label, "after": ProjectStatus.ACCEPTED.label},
                "accepted_on": {"before": None, "after": accepted_on.isoformat()},
            },
        )
    return project


# --- craftsmen, trainings, 三师下乡 --------------------------------------------------------------


@refusals_audited("登记工匠", obj_kwarg="region")
def craftsman_register(
    *,
    acting_user: User,
    region: Region,
    name: str,
    certificate_no: str,
    phone: str = "",
    certified_on: datetime.date | None = None,
    skills: str = "",
) -> Craftsman:
    """Register a rural construction craftsman with his training certificate."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写工匠姓名。"
    number = certificate_no.strip().upper()
    if not number:
        errors["certificate_no"] = "请填写培训证书编号。"
    elif Craftsman.objects.filter(certificate_no=number).exists():
        errors["certificate_no"] = f"证书编号 {number} 已登记。"
    if phone.strip() and not phone.strip().replace("-", "").isdigit():
        errors["phone"] = "联系电话只能包含数字。"
    _not_future(errors, "certified_on", certified_on, "发证日期")
    _raise(errors)
    with transaction.atomic():
        craftsman = Craftsman.objects.create(
            region=region,
            region_code=region.code,
            name=name.strip(),
            phone=phone.strip(),
            certificate_no=number,
            certified_on=certified_on,
            skills=skills.strip(),
        )
        _created(acting_user, craftsman, ("region_id", "name", "phone", "certificate_no"))
    return craftsman


def _signin(upload: Any) -> tuple[ContentFile, str] | None:  # type: ignore[type-arg]  # django-stubs: ContentFile is generic over str/bytes
    if upload is None:
        return None
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"signin_sheet": exc.messages}) from exc
    name = f"{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}"
    return ContentFile(checked.data, name=name), checked.content_type


def _training_problems(
    acting_user: User,
    *,
    topic: str,
    category: str,
    trainer: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str,
    attendees: Sequence[User],
    craftsmen: Sequence[Craftsman],
) -> dict[str, str]:
    """What is wrong with a training session's text, dates and attendees (the same trainer's
    sessions may not overlap)."""
    errors: dict[str, str] = {}
    for field, value, label in (("topic", topic, "培训主题"), ("trainer", trainer, "授课人"), ("place", place, "地点")):
        if not value.strip():
            errors[field] = f"请填写{label}。"
    if category not in TrainingCategory.values:
        errors["category"] = "请选择培训类别。"
    _not_future(errors, "starts_on", starts_on, "开始日期")
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if not attendees and not craftsmen:
        errors["attendees"] = "培训没有参训人员：请至少选择一名参训人员或工匠。"
    outside = [u.display_name() for u in attendees if u.region is None or not in_scope(acting_user, u.region.code)]
    outside += [c.name for c in craftsmen if not in_scope(acting_user, c.region_code)]
    if outside:
        errors["attendees"] = f"参训人员不在您的管辖范围内：{'、'.join(outside)}。"
    if trainer.strip() and ends_on >= starts_on:
        clash = (
            TrainingSession.objects.filter(trainer=trainer.strip(), starts_on__lte=ends_on, ends_on__gte=starts_on)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            errors["starts_on"] = (
                f"日期与 {clash.trainer} 的另一场培训「{clash.topic}」"
                f"（{clash.starts_on:%Y-%m-%d} 至 {clash.ends_on:%Y-%m-%d}）重叠。"
            )
    return errors


def _training_files(
    signin_sheet: Any, photos: Sequence[Any], region_code: str, errors: dict[str, str]
) -> tuple[tuple[ContentFile, str] | None, list[Any]]:  # type: ignore[type-arg]  # django-stubs: ContentFile is generic over str/bytes
    """The sign-in sheet and photos checked with the rest, so that every mistake is listed at once."""
    sheet, processed = None, []
    try:
        sheet = _signin(signin_sheet)
    except ValidationError as exc:
        errors["signin_sheet"] = "；".join(exc.messages)
    try:
        processed = _photos(photos, region_code)
    except ValidationError as exc:
        errors["photos"] = "；".join(exc.messages)
    return sheet, processed


@refusals_audited("登记培训", obj_kwarg="region")
def training_record(
    *,
    acting_user: User,
    region: Region,
    topic: str,
    category: str,
    trainer: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours: Decimal,
    place: str,
    attendees: Sequence[User] = (),
    craftsmen: Sequence[Craftsman] = (),
    signin_sheet: Any = None,
    photos: Sequence[Any] = (),
) -> TrainingSession:
    """Record a training session. It needs at least one attendee (a user or a craftsman of the
    user's subtree); its dates may not overlap another session of the same trainer."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors = _training_problems(
        acting_user, topic=topic, category=category, trainer=trainer, starts_on=starts_on, ends_on=ends_on,
        place=place, attendees=attendees, craftsmen=craftsmen,
    )  # fmt: skip
    amount = _decimal(hours)
    if amount is None or not Decimal("0") < amount <= Decimal("500"):
        errors["hours"] = "学时应大于 0 且不超过 500。"
    sheet, processed = _training_files(signin_sheet, photos, region.code, errors)
    _raise(errors)
    assert amount is not None  # checked above
    with transaction.atomic():
        session = TrainingSession.objects.create(
            region=region,
            region_code=region.code,
            topic=topic.strip(),
            category=category,
            trainer=trainer.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            hours=amount,
            place=place.strip(),
            signin_sheet=sheet[0] if sheet else "",
            signin_type=sheet[1] if sheet else "",
            recorded_by=acting_user,
        )
        session.attendees.set(attendees)
        session.craftsmen.set(craftsmen)
        for photo in processed:
            TrainingPhoto.objects.create(session=session, **TrainingPhoto.photo_fields(photo))
        _created(
            acting_user,
            session,
            ("region_id", "topic", "category", "trainer", "starts_on", "ends_on", "hours"),
            attendees={"before": 0, "after": len(attendees) + len(craftsmen)},
            photos={"before": 0, "after": len(processed)},
        )
    return session


@refusals_audited("登记三师下乡", obj_kwarg="region")
def expert_visit_record(
    *,
    acting_user: User,
    region: Region,
    visited_on: datetime.date,
    expert_name: str,
    expert_kind: str,
    advice: str,
    organisation: str = "",
) -> ExpertVisit:
    """Record a 三师下乡 visit to a village and the advice given."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = "三师下乡应登记到服务的村（社区）。"
    _not_future(errors, "visited_on", visited_on, "服务日期")
    if not expert_name.strip():
        errors["expert_name"] = "请填写专家姓名。"
    if expert_kind not in ExpertKind.values:
        errors["expert_kind"] = "请选择专家类别（规划师、建筑师或工程师）。"
    if not advice.strip():
        errors["advice"] = "请填写指导意见。"
    _raise(errors)
    with transaction.atomic():
        visit = ExpertVisit.objects.create(
            region=region,
            region_code=region.code,
            visited_on=visited_on,
            expert_name=expert_name.strip(),
            expert_kind=expert_kind,
            organisation=organisation.strip(),
            advice=advice.strip(),
            recorded_by=acting_user,
        )
        _created(acting_user, visit, ("region_id", "visited_on", "expert_name", "expert_kind", "advice"))
    return visit


@refusals_audited("登记指导意见落实情况", obj_kwarg="visit")
def expert_visit_follow_up(
    *, acting_user: User, visit: ExpertVisit, follow_up: str, followed_up_on: datetime.date
) -> ExpertVisit:
    """Record how the expert's advice was followed up."""
    ensure_act(visit.region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    _not_future(errors, "followed_up_on", followed_up_on, "落实日期")
    if followed_up_on < visit.visited_on:
        errors["followed_up_on"] = f"落实日期不能早于专家服务日期（{visit.visited_on:%Y-%m-%d}）。"
    if not follow_up.strip():
        errors["follow_up"] = "请填写落实情况。"
    _raise(errors)
    before = model_snapshot(visit, ("follow_up", "followed_up_on"))
    with transaction.atomic():
        visit.follow_up, visit.followed_up_on = follow_up.strip(), followed_up_on
        visit.save(update_fields=["follow_up", "followed_up_on"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=visit,
            changes=changes_between(before, model_snapshot(visit, ("follow_up", "followed_up_on"))),
        )
    return visit


# --- publicity -------------------------------------------------------------------------------------


@refusals_audited("登记政策宣传", obj_kwarg="region")
def publicity_record(
    *,
    acting_user: User,
    region: Region,
    held_on: datetime.date,
    place: str,
    form: str,
    audience: int,
    summary: str,
    materials: str = "",
    photos: Sequence[Any] = (),
) -> PublicityActivity:
    """Record a policy publicity activity with its photos."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    _not_future(errors, "held_on", held_on, "宣传日期")
    if not place.strip():
        errors["place"] = "请填写地点。"
    if form not in PublicityForm.values:
        errors["form"] = "请选择宣传形式。"
    if not 0 <= audience <= 1_000_000:
        errors["audience"] = "受众人数应为 0 到 1000000 之间的整数。"
    if not summary.strip():
        errors["summary"] = "请填写宣传内容。"
    _raise(errors)
    processed = _photos(photos, region.code)
    with transaction.atomic():
        activity = PublicityActivity.objects.create(
            region=region,
            region_code=region.code,
            held_on=held_on,
            place=place.strip(),
            form=form,
            audience=audience,
            summary=summary.strip(),
            materials=materials.strip(),
            recorded_by=acting_user,
        )
        for photo in processed:
            PublicityPhoto.objects.create(activity=activity, **PublicityPhoto.photo_fields(photo))
        _created(
            acting_user,
            activity,
            ("region_id", "held_on", "place", "form", "audience"),
            photos={"before": 0, "after": len(processed)},
        )
    return activity


# --- working teams -----------------------------------------------------------------------------------


@refusals_audited("成立住房保障工作专班", obj_kwarg="region")
def team_establish(
    *, acting_user: User, region: Region, established_on: datetime.date, duties: str = ""
) -> WorkingTeam:
    """Set up a village's 住房保障工作专班 (one per village)."""
    ensure_act(region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = "住房保障工作专班按村（社区）建立。"
    elif WorkingTeam.objects.filter(region=region).exists():
        errors["region"] = f"{region.name}已建立住房保障工作专班。"
    _not_future(errors, "established_on", established_on, "成立日期")
    _raise(errors)
    with transaction.atomic():
        team = WorkingTeam.objects.create(
            region=region, region_code=region.code, established_on=established_on, duties=duties.strip()
        )
        _created(acting_user, team, ("region_id", "established_on"))
    return team


@refusals_audited("增加专班成员", obj_kwarg="team")
def team_member_add(
    *,
    acting_user: User,
    team: WorkingTeam,
    name: str,
    role: str,
    since: datetime.date,
    until: datetime.date | None = None,
    phone: str = "",
    user: User | None = None,
) -> TeamMember:
    """Add a member to a team for a period; one person's periods in one team never overlap."""
    ensure_act(team.region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写成员姓名。"
    if role not in TeamRole.values:
        errors["role"] = "请选择专班职务。"
    if until is not None and until < since:
        errors["until"] = "任职止日期不能早于任职起日期。"
    if phone.strip() and not phone.strip().replace("-", "").isdigit():
        errors["phone"] = "联系电话只能包含数字。"
    if user is not None and (user.region is None or not user.region.code.startswith(team.region_code[:9])):
        errors["user"] = "系统账号应属于本村或本乡镇。"
    if name.strip() and not errors.get("until"):
        same = Q(name=name.strip()) | (Q(user=user) if user is not None else Q(pk__in=[]))
        far = datetime.date.max
        clash = (
            team.members.filter(same)
            .filter(since__lte=until or far)
            .filter(Q(until__isnull=True) | Q(until__gte=since))
            .first()
        )
        if clash is not None:
            end = f"{clash.until:%Y-%m-%d}" if clash.until else "至今"
            errors["since"] = f"{clash.name}在本专班的任职期间（{clash.since:%Y-%m-%d} 至 {end}）与所填日期重叠。"
    _raise(errors)
    with transaction.atomic():
        member = TeamMember.objects.create(
            team=team, name=name.strip(), role=role, phone=phone.strip(), user=user, since=since, until=until
        )
        _created(acting_user, member, ("team_id", "name", "role", "phone", "user_id", "since", "until"))
    return member


@refusals_audited("下达专班任务", obj_kwarg="team")
def team_task_assign(
    *,
    acting_user: User,
    team: WorkingTeam,
    assignee: TeamMember,
    kind: str,
    title: str,
    due_on: datetime.date,
    traditional_house: TraditionalHouse | None = None,
) -> TeamTask:
    """Give an inspection or follow-up task to a serving member of the village's team."""
    ensure_act(team.region, acting_user, DutyAct.RECORD)
    errors: dict[str, str] = {}
    if assignee.team_id != team.pk:
        errors["assignee"] = "责任人应为本村专班成员。"
    elif not assignee.is_serving:
        errors["assignee"] = f"{assignee.name}已不在专班任职。"
    if kind not in TaskKind.values:
        errors["kind"] = "请选择任务类型。"
    if not title.strip():
        errors["title"] = "请填写任务内容。"
    if due_on < timezone.localdate():
        errors["due_on"] = "完成期限不能早于今天。"
    if traditional_house is not None and traditional_house.region_code != team.region_code:
        errors["traditional_house"] = "所选传统民居不在本村。"
    _raise(errors)
    with transaction.atomic():
        task = TeamTask.objects.create(
            team=team,
            region_code=team.region_code,
            assignee=assignee,
            kind=kind,
            title=title.strip(),
            traditional_house=traditional_house,
            due_on=due_on,
            created_by=acting_user,
        )
        _created(acting_user, task, ("team_id", "assignee_id", "kind", "title", "due_on"))
    return task


def _task_done(acting_user: User, task: TeamTask, done_on: datetime.date, note: str) -> None:
    task.done_on, task.done_note = done_on, note
    task.save(update_fields=["done_on", "done_note"])
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=task,
        changes={"done_on": {"before": None, "after": done_on.isoformat()}},
        note=note[:200],
    )


@refusals_audited("登记任务完成", obj_kwarg="task")
def team_task_complete(*, acting_user: User, task: TeamTask, done_on: datetime.date, note: str) -> TeamTask:
    """The assignee (or the township office) marks a task done."""
    ensure_act(task, acting_user, DutyAct.COMPLETE)
    errors: dict[str, str] = {}
    _not_future(errors, "done_on", done_on, "完成日期")
    if done_on < timezone.localdate(task.created_at):
        errors["done_on"] = "完成日期不能早于任务下达日期。"
    if not note.strip():
        errors["note"] = "请填写完成情况。"
    _raise(errors)
    with transaction.atomic():
        _task_done(acting_user, task, done_on, note.strip())
    return task


# --- the duties' versioned settings (DutyPolicy) -------------------------------------------------
# The shared versioning (kit.versioning): a province officer derives a draft for the province from
# the version in force, edits it and activates it; the national version is the operator's.


def duty_policy_derive(*, acting_user: User, source: DutyPolicy, note: str = "") -> DutyPolicy:
    return config_derive(acting_user=acting_user, source=source, note=note)


def duty_policy_update(*, acting_user: User, policy: DutyPolicy, content: Any, name: str, note: str = "") -> DutyPolicy:
    """Edit a draft: every problem of the content listed at once, nothing saved until none is left."""
    config_check_editable(acting_user, policy)
    if not name.strip():
        raise ValidationError({"name": "请填写名称。"})
    cleaned = validate_policy(content)
    fields = ("name", "note", "content")
    with transaction.atomic():
        before = model_snapshot(policy, fields)
        policy.content, policy.name, policy.note = cleaned, name.strip()[:100], note.strip()[:200]
        policy.save(update_fields=list(fields))
        changes = changes_between(before, model_snapshot(policy, fields))
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=policy, changes=changes or None)
    return policy


def duty_policy_activate(*, acting_user: User, policy: DutyPolicy) -> DutyPolicy:
    """Put a draft in force for its province (the previous version is retired, never deleted)."""
    return config_activate(acting_user=acting_user, config=policy, check=lambda p: validate_policy(p.content))


def duty_policy_discard(*, acting_user: User, policy: DutyPolicy) -> None:
    config_discard(acting_user=acting_user, config=policy)
