"""Reads of the township duties, each starting from ``visible_to(user)`` with its joins done:
the lists behind the pages, API and exports (one FilterSet each), the details, the publicity log
(activities beside the cases' public notices), the case panel and the acceptance items a
traditional house adds to its case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from anju.cases.models import CaseStep, RenovationCase
from anju.core.actors import Viewer
from anju.core.scoping import get_visible_or_404
from anju.inspections.models import Inspection
from anju.regions.models import Region
from anju.township.choices import ProjectStatus, ProtectionGrade
from anju.township.filters import (
    CraftsmanFilter,
    ExpertVisitFilter,
    HouseFilter,
    MemberFilter,
    ProjectFilter,
    PublicityFilter,
    TrainingFilter,
)
from anju.township.models import (
    Craftsman,
    DutyPolicy,
    ExpertVisit,
    HouseCheck,
    Project,
    ProjectReport,
    PublicityActivity,
    TeamMember,
    TeamTask,
    TraditionalHouse,
    TraditionalVillage,
    TrainingSession,
    WorkingTeam,
)
from anju.township.policy import Duties, duties_for, ensure_national_policy, validate_policy


def duties_of(user: Viewer) -> Duties:
    """The policy in force where the user works (a province's version, else the national one)."""
    region = getattr(user, "region", None)
    return duties_for(region.code if region is not None else "")


def duty_policies_visible(user: Viewer) -> Any:
    """The versions of the duties' settings a user sees: the national one and their province's."""
    ensure_national_policy()
    return DutyPolicy.objects.visible_to(user).order_by("region_code", "-version")


@dataclass(frozen=True)
class PolicyView:
    """One version as its page shows it (or the problems that keep it from being activated)."""

    numbers: list[tuple[str, str]]
    items: list[tuple[str, list[dict[str, Any]]]]
    problems: list[str]


def duty_policy_view(policy: DutyPolicy) -> PolicyView:
    try:
        content = validate_policy(policy.content)
    except ValidationError as exc:
        return PolicyView([], [], exc.messages)
    numbers = [
        ("项目进度报告间隔", f"{content['report_every_days']} 天未报告即列为未按期报告"),
        ("传统民居巡查间隔", f"{content['house_check_every_days']} 天未巡查即列为待巡查"),
        ("每次登记的照片上限", f"{content['max_photos']} 张"),
    ]
    items = [(g.label, list(content["protection_items"].get(g.value, []))) for g in ProtectionGrade]
    return PolicyView(numbers, items, [])


# --- traditional villages --------------------------------------------------------------------------


def villages_visible(user: Viewer) -> list[TraditionalVillage]:
    return list(
        TraditionalVillage.objects.visible_to(user)
        .select_related("region__parent")
        .annotate(house_count=Count("houses"))
        .order_by("region_code", "name")
    )


def houses_visible(user: Viewer, params: Any, request: Any = None) -> HouseFilter:
    """Traditional houses with their last check and whether a check is due (the versioned interval)."""
    return HouseFilter(params, queryset=houses_queryset(user), request=request)


def houses_queryset(user: Viewer) -> QuerySet[TraditionalHouse]:
    since = timezone.localdate() - datetime.timedelta(days=duties_of(user).house_check_every_days)
    qs = (
        TraditionalHouse.objects.visible_to(user)
        .select_related("village__region")
        .annotate(last_check=Max("checks__checked_on"))
        .annotate(
            check_due=ExpressionWrapper(
                Q(last_check__isnull=True) | Q(last_check__lt=since), output_field=BooleanField()
            )
        )
        .order_by("region_code", "village__name", "name")
    )
    return qs


@dataclass
class HouseView:
    house: TraditionalHouse
    checks: list[HouseCheck]
    tasks: list[TeamTask]
    inspections: list[Inspection]
    cases: list[RenovationCase]
    items: list[dict[str, Any]]
    check_due: bool


def house_detail(user: Viewer, pk: int) -> HouseView:
    house = get_visible_or_404(
        TraditionalHouse.objects.select_related("village__region", "house__household").prefetch_related("photos"),
        user,
        pk=pk,
    )
    checks = list(house.checks.select_related("task__assignee"))
    duties = duties_of(user)
    since = timezone.localdate() - datetime.timedelta(days=duties.house_check_every_days)
    linked = house.house_id is not None
    return HouseView(
        house=house,
        checks=checks,
        tasks=list(house.tasks.select_related("assignee").order_by("done_on", "due_on")),
        inspections=list(
            Inspection.objects.visible_to(user).filter(house_id=house.house_id).select_related("inspector")[:20]
        )
        if linked
        else [],
        cases=list(RenovationCase.objects.visible_to(user).filter(house_id=house.house_id)) if linked else [],
        items=duties.protection_items.get(house.grade, []),
        check_due=not checks or checks[0].checked_on < since,
    )


# --- projects ------------------------------------------------------------------------------------------


def projects_visible(user: Viewer, params: Any, request: Any = None) -> ProjectFilter:
    """Projects by township, those late first within their township."""
    qs = (
        Project.objects.visible_to(user)
        .select_related("township", "region")
        .annotate(last_report=Max("reports__reported_on"))
        .order_by("township__code", "planned_end", "pk")
    )
    return ProjectFilter(params, queryset=qs, request=request)


def project_detail(user: Viewer, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("township", "region", "created_by"), user, pk=pk)


def project_reports(project: Project) -> list[ProjectReport]:
    return list(project.reports.select_related("actor").prefetch_related("photos"))


def report_overdue(project: Project, last_report: datetime.date | None, duties: Duties) -> bool:
    """An open project that has not reported within the versioned interval."""
    if project.status not in (ProjectStatus.UNDER_WAY,):
        return False
    since = last_report or project.actual_start or project.planned_start
    return (timezone.localdate() - since).days > duties.report_every_days


# --- trainings, craftsmen, 三师下乡 --------------------------------------------------------------------


def trainings_visible(user: Viewer, params: Any, request: Any = None) -> TrainingFilter:
    qs = (
        TrainingSession.objects.visible_to(user)
        .select_related("region")
        .annotate(user_count=Count("attendees", distinct=True), craftsman_count=Count("craftsmen", distinct=True))
        .order_by("-starts_on", "-pk")
    )
    return TrainingFilter(params, queryset=qs, request=request)


def training_detail(user: Viewer, pk: int) -> TrainingSession:
    return get_visible_or_404(
        TrainingSession.objects.select_related("region", "recorded_by").prefetch_related(
            "attendees__region", "craftsmen", "photos"
        ),
        user,
        pk=pk,
    )


def craftsmen_visible(user: Viewer, params: Any, request: Any = None) -> CraftsmanFilter:
    """Craftsmen with the trainings they attended and the cases they built (by certificate number,
    among the cases the user may see)."""
    return CraftsmanFilter(params, queryset=craftsmen_queryset(user), request=request)


def craftsmen_queryset(user: Viewer) -> QuerySet[Craftsman]:
    built = (
        RenovationCase.objects.visible_to(user)
        .filter(builder_cert_no=OuterRef("certificate_no"))
        .order_by()
        .values("builder_cert_no")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Craftsman.objects.visible_to(user)
        .select_related("region")
        .annotate(
            training_count=Count("trainings", distinct=True),
            training_hours=Sum("trainings__hours"),
            case_count=Coalesce(Subquery(built), Value(0)),
        )
        .order_by("region_code", "name")
    )
    return qs


def craftsman_cases(user: Viewer, craftsman: Craftsman) -> list[RenovationCase]:
    return list(
        RenovationCase.objects.visible_to(user)
        .filter(builder_cert_no=craftsman.certificate_no)
        .select_related("household", "region")
        .order_by("-opened_on")[:50]
    )


def expert_visits_visible(user: Viewer, params: Any, request: Any = None) -> ExpertVisitFilter:
    qs = ExpertVisit.objects.visible_to(user).select_related("region__parent").order_by("-visited_on", "-pk")
    return ExpertVisitFilter(params, queryset=qs, request=request)


# --- publicity ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    """One line of the township publicity log: an activity, or a case's public notice."""

    on: datetime.date
    kind: str
    place: str
    what: str
    audience: int | None
    url: str
    activity: PublicityActivity | None = None
    until: datetime.date | None = None


def publicity_log(
    user: Viewer, params: Any, request: Any = None, limit: int = 200
) -> tuple[PublicityFilter, list[LogLine]]:
    """The publicity activities (``PublicityFilter``) and, beside them, the public notices (公示) of
    the renovation cases in the same place and dates, newest first."""
    filterset = PublicityFilter(
        params,
        queryset=PublicityActivity.objects.visible_to(user)
        .select_related("region")
        .prefetch_related("photos")
        .order_by("-held_on", "-pk"),
        request=request,
    )
    activities = list(filterset.qs[:limit])
    lines = [
        LogLine(
            on=a.held_on,
            kind=a.get_form_display(),
            place=f"{a.region.name} · {a.place}",
            what=a.summary,
            audience=a.audience,
            url="",
            activity=a,
        )
        for a in activities
    ]
    if filterset.is_valid() and not filterset.form.cleaned_data.get("form_kind"):
        data = filterset.form.cleaned_data
        steps = CaseStep.objects.filter(
            notice_from__isnull=False, case__in=RenovationCase.objects.visible_to(user)
        ).select_related("case__household", "case__region")
        if data.get("township"):
            steps = steps.filter(case__region_code__subtree=data["township"].prefix)
        if (data.get("region") or "").strip():
            place = Region.objects.filter(code=data["region"].strip()).first()
            steps = steps.filter(case__region_code__subtree=place.prefix) if place else steps.none()
        if data.get("date_from"):
            steps = steps.filter(notice_from__gte=data["date_from"])
        if data.get("date_to"):
            steps = steps.filter(notice_from__lte=data["date_to"])
        for step in steps.order_by("-notice_from", "-pk")[:limit]:
            assert step.notice_from is not None
            lines.append(
                LogLine(
                    on=step.notice_from,
                    kind="改造对象公示",
                    place=step.case.region.name,
                    what=f"{step.case.household.head_name}户 {step.get_kind_display()}公示",
                    audience=None,
                    url=reverse("cases:case_detail", kwargs={"pk": step.case_id}),
                    until=step.notice_until,
                )
            )
    lines.sort(key=lambda line: line.on, reverse=True)
    return filterset, lines[:limit]


# --- working teams --------------------------------------------------------------------------------------


def teams_visible(user: Viewer) -> list[WorkingTeam]:
    today = timezone.localdate()
    serving = (
        TeamMember.objects.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("user").order_by("pk")
    )
    return list(
        WorkingTeam.objects.visible_to(user)
        .select_related("region__parent")
        .prefetch_related(Prefetch("members", queryset=serving, to_attr="serving"))
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__done_on__isnull=True), distinct=True),
            late_tasks=Count("tasks", filter=Q(tasks__done_on__isnull=True, tasks__due_on__lt=today), distinct=True),
        )
        .order_by("region_code")
    )


def members_visible(user: Viewer, params: Any, request: Any = None) -> MemberFilter:
    qs = (
        TeamMember.objects.visible_to(user).select_related("team__region", "user").order_by("team__region_code", "role")
    )
    return MemberFilter(params, queryset=qs, request=request)


def tasks_visible(user: Viewer) -> list[TeamTask]:
    return list(
        TeamTask.objects.visible_to(user)
        .open()
        .select_related("assignee", "team__region", "traditional_house")
        .order_by("due_on", "pk")[:100]
    )


def my_tasks(user: Any) -> list[TeamTask]:
    """The open tasks given to the team members this account stands for."""
    return list(
        TeamTask.objects.open()
        .filter(assignee__user_id=user.pk)
        .select_related("team__region", "traditional_house")
        .order_by("due_on")
    )


# --- the case page and its acceptance ------------------------------------------------------------------


def _traditional_of(case: Any) -> TraditionalHouse | None:
    return (
        TraditionalHouse.objects.select_related("village").filter(house_id=case.house_id).first()
        if case.house_id
        else None
    )


def case_panel(*, case: Any, user: Any) -> dict[str, Any] | None:
    """The traditional house's protection requirements on its renovation case's page."""
    house = _traditional_of(case)
    if house is None:
        return None
    return {
        "house": house,
        "requirements": house.requirement_lines,
        "items": duties_for(case.region_code).protection_items.get(house.grade, []),
    }


def protection_items_for_case(case: Any) -> list[dict[str, Any]]:
    """The protection grade's items, and the house's own requirements, added to the acceptance
    checklist of a case on a traditional house (all required)."""
    house = _traditional_of(case)
    if house is None:
        return []
    group = f"传统民居保护要求（{house.get_grade_display()}）"
    items = [
        {"code": str(i["code"]), "name": str(i["name"]), "group": group, "required": bool(i.get("required", True))}
        for i in duties_for(case.region_code).protection_items.get(house.grade, [])
    ]
    items += [
        {"code": f"THR{n}", "name": line, "group": group, "required": True}
        for n, line in enumerate(house.requirement_lines, start=1)
    ]
    return items
