"""Pages of the township duties: the hub with the quarterly summary, traditional houses, projects,
trainings and craftsmen, 三师下乡, the publicity log, the working teams, the region-checked
photos and sign-in sheets. Thin: every read is a selector, every write a service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import Role
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.filtering import refuse_invalid
from anju.core.pages import error_text, paginate, run_action
from anju.core.scoping import get_visible_or_404, user_scope_prefix
from anju.kit.config_views import ConfigPages
from anju.kit.forms import apply_errors
from anju.kit.versioning import can_edit_config
from anju.township import acts as duty_acts
from anju.township import quarterly, selectors, services
from anju.township.acts import DutyAct
from anju.township.forms import (
    CraftsmanForm,
    ExpertVisitForm,
    FollowUpForm,
    HouseCheckForm,
    MemberForm,
    ProjectAcceptForm,
    ProjectForm,
    ProjectReportForm,
    PublicityActivityForm,
    QuarterForm,
    RecordForm,
    TaskDoneForm,
    TaskForm,
    TeamForm,
    TraditionalHouseForm,
    TrainingForm,
    VillageForm,
)
from anju.township.models import (
    ExpertVisit,
    ProjectPhoto,
    PublicityPhoto,
    TeamTask,
    TraditionalHousePhoto,
    TrainingPhoto,
)


def _may_record(request: HttpRequest) -> bool:
    return not duty_acts.act_refusal(None, request.user, DutyAct.RECORD)


# --- hub and quarterly summary ------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    year, quarter = quarterly.current_quarter()
    form = QuarterForm(request.GET or None, user=request.user, initial={"year": year, "quarter": quarter})
    return render(
        request,
        "township/index.html",
        {
            "page_title": "乡镇职责",
            "form": form,
            "teams": len(selectors.teams_visible(request.user)),
            "my_tasks": selectors.my_tasks(request.user),
            "done_form": TaskDoneForm(),
        },
    )


@login_required
def quarterly_report(request: HttpRequest) -> HttpResponse:
    """The quarterly summary of one township as PDF (``?fmt=pdf``) or xlsx (``?fmt=xlsx``)."""
    form = QuarterForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("township:index")
    data = form.cleaned_data
    summary = quarterly.quarterly_summary(request.user, data["township"], data["year"], data["quarter"])
    fmt = "xlsx" if request.GET.get("fmt") == "xlsx" else "pdf"
    log_export(
        actor=request.user,
        what="township.quarterly",
        filters={"township": data["township"].code, "year": data["year"], "quarter": data["quarter"]},
        rows=len(summary.figures),
        fmt=fmt,
    )
    if fmt == "xlsx":
        body, content_type = (
            quarterly.summary_xlsx(summary),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        body, content_type = quarterly.summary_pdf(summary), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    disposition = "attachment" if fmt == "xlsx" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(f'{summary.title}.{fmt}')}"
    return response


# --- traditional villages and houses -------------------------------------------------------------


def _exported(
    request: HttpRequest, filterset: Any, *, title: str, what: str, headers: list[str], row: Callable[[Any], list[Any]]
) -> HttpResponse | None:
    """``?export=xlsx|csv``: the list's rows as the page filters them (the same FilterSet), logged;
    an invalid filter is a 400 in Chinese. None when no export was asked for."""
    fmt = request.GET.get("export")
    if fmt not in ("xlsx", "csv"):
        return None
    refused = refuse_invalid(filterset)
    if refused is not None:
        return refused
    rows = [row(o) for o in filterset.qs[:5000]]
    response, count = table_response(fmt=fmt, title=title, headers=headers, rows=rows)
    log_export(actor=request.user, what=what, filters=dict(request.GET.items()), rows=count, fmt=fmt)
    return response


HOUSE_HEADERS = ["传统村落", "民居", "产权人", "建筑年代", "结构", "保护等级", "最近巡查", "待巡查"]
TRAINING_HEADERS = ["开始日期", "主题", "类别", "授课人", "学时", "地点", "参训人数"]
CRAFTSMAN_HEADERS = ["区划", "姓名", "证书编号", "发证日期", "工种", "参训次数", "承建案件"]
VISIT_HEADERS = ["服务日期", "专家", "类别", "所在单位", "村", "指导意见", "落实情况", "落实日期"]


@login_required
def houses(request: HttpRequest) -> HttpResponse:
    filterset = selectors.houses_visible(request.user, request.GET, request)
    exported = _exported(
        request,
        filterset,
        title="传统民居",
        what="township.traditionalhouse",
        headers=HOUSE_HEADERS,
        row=lambda h: [
            h.village.name,
            h.name,
            h.owner_name,
            h.built_era,
            h.structure,
            h.get_grade_display(),
            str(h.last_check or ""),
            "是" if h.check_due else "",
        ],
    )
    if exported is not None:
        return exported
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "township/houses.html",
        {
            "page_title": "传统村落与传统民居",
            "villages": selectors.villages_visible(request.user),
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "every": selectors.duties_of(request.user).house_check_every_days,
            "may_record": _may_record(request),
        },
    )


def _render_house(request: HttpRequest, pk: int, form: HouseCheckForm | None = None, status: int = 200) -> HttpResponse:
    view = selectors.house_detail(request.user, pk)
    open_tasks = view.house.tasks.filter(done_on__isnull=True)
    if form is None and _may_record(request):
        form = HouseCheckForm(tasks=open_tasks)
    return render(
        request,
        "township/house_detail.html",
        {"page_title": str(view.house), "v": view, "form": form},
        status=status,
    )


@login_required
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_house(request, pk)


@login_required
@require_POST
def house_check(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.house_detail(request.user, pk)
    form = HouseCheckForm(request.POST, tasks=view.house.tasks.filter(done_on__isnull=True))
    if form.is_valid():
        try:
            services.house_check_record(acting_user=signed_in_user(request), house=view.house, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return redirect("township:house_detail", pk=pk)
        else:
            messages.success(request, "已登记巡查。")
            return redirect("township:house_detail", pk=pk)
    return _render_house(request, pk, form)


# --- projects --------------------------------------------------------------------------------------


PROJECT_HEADERS = [
    "乡镇",
    "项目",
    "类型",
    "地点",
    "预算（万元）",
    "责任单位",
    "计划开工",
    "计划完工",
    "实际开工",
    "实际完工",
    "进度%",
    "状态",
    "滞后情况",
]


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    filterset = selectors.projects_visible(request.user, request.GET, request)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        refused = refuse_invalid(filterset)
        if refused is not None:
            return refused
        rows = [
            [
                p.township.name,
                p.name,
                p.get_kind_display(),
                p.region.name,
                float(p.budget),
                p.responsible_unit,
                str(p.planned_start),
                str(p.planned_end),
                str(p.actual_start or ""),
                str(p.actual_end or ""),
                p.progress,
                p.get_status_display(),
                p.late_reason(),
            ]
            for p in filterset.qs[:5000]
        ]
        response, count = table_response(fmt=fmt, title="人居环境项目", headers=PROJECT_HEADERS, rows=rows)
        log_export(actor=request.user, what="township.project", filters=dict(request.GET.items()), rows=count, fmt=fmt)
        return response
    page, query = paginate(request, filterset.qs)
    duties = selectors.duties_of(request.user)
    lines = [(p, p.late_reason(), selectors.report_overdue(p, p.last_report, duties)) for p in page]
    return render(
        request,
        "township/projects.html",
        {
            "page_title": "人居环境项目",
            "page": page,
            "lines": lines,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "every": duties.report_every_days,
            "may_record": _may_record(request),
        },
    )


def _render_project(
    request: HttpRequest, pk: int, given: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    project = selectors.project_detail(request.user, pk)
    acts = {act.kind: act for act in duty_acts.available_acts(project, signed_in_user(request))}
    given = given or {}
    context: dict[str, Any] = {
        "page_title": project.name,
        "project": project,
        "late": project.late_reason(),
        "reports": selectors.project_reports(project),
        "acts": acts,
    }
    if acts[DutyAct.REPORT].allowed:
        report_form = given.get("report") or ProjectReportForm()
        if project.actual_start is not None:
            report_form.fields.pop("actual_start", None)  # asked only at the first report
        context["report_form"] = report_form
    if acts[DutyAct.ACCEPT].allowed:
        context["accept_form"] = given.get("accept") or ProjectAcceptForm()
    return render(request, "township/project_detail.html", context, status=status)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_project(request, pk)


def _project_step(request: HttpRequest, pk: int, key: str, form: Any, act: Any, done: str) -> HttpResponse:
    project = selectors.project_detail(request.user, pk)
    if form.is_valid():
        try:
            act(project, form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, error_text(exc))
                return redirect("township:project_detail", pk=pk)
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return redirect("township:project_detail", pk=pk)
        else:
            messages.success(request, done)
            return redirect("township:project_detail", pk=pk)
    return _render_project(request, pk, {key: form})


@login_required
@require_POST
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_step(
        request,
        pk,
        "report",
        ProjectReportForm(request.POST, request.FILES),
        lambda p, data: services.project_report(acting_user=signed_in_user(request), project=p, **data),
        "已报告项目进度。",
    )


@login_required
@require_POST
def project_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_step(
        request,
        pk,
        "accept",
        ProjectAcceptForm(request.POST),
        lambda p, data: services.project_accept(acting_user=signed_in_user(request), project=p, **data),
        "项目已验收。",
    )


# --- trainings, craftsmen, 三师下乡 -----------------------------------------------------------------


@login_required
def trainings(request: HttpRequest) -> HttpResponse:
    filterset = selectors.trainings_visible(request.user, request.GET, request)
    exported = _exported(
        request,
        filterset,
        title="培训",
        what="township.trainingsession",
        headers=TRAINING_HEADERS,
        row=lambda t: [
            str(t.starts_on),
            t.topic,
            t.get_category_display(),
            t.trainer,
            float(t.hours),
            t.place,
            t.user_count + t.craftsman_count,
        ],
    )
    if exported is not None:
        return exported
    page, query = paginate(request, filterset.qs)
    visits = selectors.expert_visits_visible(request.user, {}, request).qs[:10]
    return render(
        request,
        "township/trainings.html",
        {
            "page_title": "培训与三师下乡",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "visits": visits,
            "may_record": _may_record(request),
        },
    )


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    duty_acts.ensure_act(None, request.user, DutyAct.RECORD)
    form = TrainingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["attendees"] = list(data["attendees"])
        data["craftsmen"] = list(data["craftsmen"])
        try:
            session = services.training_record(acting_user=signed_in_user(request), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记培训。")
            return redirect("township:training_detail", pk=session.pk)
    return render(request, "township/training_form.html", {"page_title": "登记培训", "form": form})


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.training_detail(request.user, pk)
    attendees, craftsmen = list(session.attendees.all()), list(session.craftsmen.all())
    return render(
        request,
        "township/training_detail.html",
        {
            "page_title": str(session),
            "t": session,
            "attendees": attendees,
            "craftsmen": craftsmen,
            "people": len(attendees) + len(craftsmen),
        },
    )


@login_required
def training_signin(request: HttpRequest, pk: int) -> FileResponse:
    session = selectors.training_detail(request.user, pk)
    if not session.signin_sheet:
        raise Http404("没有上传签到表。")
    response = FileResponse(
        session.signin_sheet.open("rb"), content_type=session.signin_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def craftsmen(request: HttpRequest) -> HttpResponse:
    filterset = selectors.craftsmen_visible(request.user, request.GET, request)
    exported = _exported(
        request,
        filterset,
        title="乡村建设工匠",
        what="township.craftsman",
        headers=CRAFTSMAN_HEADERS,  # no phone: the file leaves the page's masking behind
        row=lambda c: [
            c.region_code,
            c.name,
            c.certificate_no,
            str(c.certified_on or ""),
            c.skills,
            c.training_count,
            c.case_count,
        ],
    )
    if exported is not None:
        return exported
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "township/craftsmen.html",
        {
            "page_title": "乡村建设工匠",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "may_record": _may_record(request),
        },
    )


@login_required
def expert_visits(request: HttpRequest) -> HttpResponse:
    filterset = selectors.expert_visits_visible(request.user, request.GET, request)
    exported = _exported(
        request,
        filterset,
        title="三师下乡",
        what="township.expertvisit",
        headers=VISIT_HEADERS,
        row=lambda v: [
            str(v.visited_on),
            v.expert_name,
            v.get_expert_kind_display(),
            v.organisation,
            v.region.name,
            v.advice,
            v.follow_up,
            str(v.followed_up_on or ""),
        ],
    )
    if exported is not None:
        return exported
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "township/expert_visits.html",
        {
            "page_title": "三师下乡",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "may_record": _may_record(request),
            "follow_up_form": FollowUpForm(),
        },
    )


# --- publicity -------------------------------------------------------------------------------------


@login_required
def publicity(request: HttpRequest) -> HttpResponse:
    filterset, lines = selectors.publicity_log(request.user, request.GET, request)
    return render(
        request,
        "township/publicity.html",
        {
            "page_title": "宣传台账",
            "lines": lines,
            "filter": filterset,
            "form": filterset.form,
            "may_record": _may_record(request),
        },
    )


@login_required
def publicity_new(request: HttpRequest) -> HttpResponse:
    duty_acts.ensure_act(None, request.user, DutyAct.RECORD)
    form = PublicityActivityForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_record(acting_user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记宣传活动。")
            return redirect("township:publicity")
    return render(request, "township/publicity_form.html", {"page_title": "登记宣传活动", "form": form})


# --- working teams ---------------------------------------------------------------------------------


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "township/teams.html",
        {
            "page_title": "住房保障工作专班",
            "teams": selectors.teams_visible(request.user),
            "tasks": selectors.tasks_visible(request.user),
            "may_record": _may_record(request),
            "done_form": TaskDoneForm(),
        },
    )


# --- photos ----------------------------------------------------------------------------------------

PHOTO_KINDS: dict[str, tuple[Any, str]] = {
    "house": (TraditionalHousePhoto, "house__region_code"),
    "project": (ProjectPhoto, "report__project__region_code"),
    "training": (TrainingPhoto, "session__region_code"),
    "publicity": (PublicityPhoto, "activity__region_code"),
}


@login_required
def photo(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A photo of the township duties, only inside the user's region (else 404)."""
    spec = PHOTO_KINDS.get(kind)
    prefix = user_scope_prefix(request.user)
    if spec is None or prefix is None:
        raise Http404("文件不存在或不在您的管辖范围内。")
    model, lookup = spec
    try:
        obj = model.objects.get(pk=pk, **{f"{lookup}__startswith": prefix})
    except ObjectDoesNotExist as exc:
        raise Http404("文件不存在或不在您的管辖范围内。") from exc
    response = FileResponse(obj.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- the 登记 forms: one view, one entry per kind of record -------------------------------------


@dataclass(frozen=True)
class Record:
    form: type[RecordForm]
    service: Callable[..., Any]
    title: str
    back: str  # the list the form returns to
    done: str


RECORDS: dict[str, Record] = {
    "project": Record(ProjectForm, services.project_create, "登记人居环境项目", "township:projects", "已登记项目。"),
    "village": Record(VillageForm, services.village_add, "登记传统村落", "township:houses", "已登记传统村落。"),
    "house": Record(
        TraditionalHouseForm, services.traditional_house_add, "登记传统民居", "township:houses", "已登记传统民居。"
    ),
    "craftsman": Record(CraftsmanForm, services.craftsman_register, "登记工匠", "township:craftsmen", "已登记工匠。"),
    "expert_visit": Record(
        ExpertVisitForm, services.expert_visit_record, "登记三师下乡", "township:expert_visits", "已登记三师下乡。"
    ),
    "team": Record(TeamForm, services.team_establish, "建立住房保障工作专班", "township:teams", "已建立工作专班。"),
    "member": Record(MemberForm, services.team_member_add, "增加专班成员", "township:teams", "已增加专班成员。"),
    "task": Record(TaskForm, services.team_task_assign, "下达专班任务", "township:teams", "已下达任务。"),
}


def record(request: HttpRequest, kind: str) -> HttpResponse:
    """The 登记 form of one kind of record: the form parses, the service decides and audits."""
    duty_acts.ensure_act(None, request.user, DutyAct.RECORD)
    spec = RECORDS[kind]
    form = spec.form(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            spec.service(acting_user=signed_in_user(request), **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, spec.done)
            return redirect(spec.back)
    return render(request, "township/record_form.html", {"page_title": spec.title, "form": form, "back": spec.back})


def _record_view(kind: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return record(request, kind)

    view.__name__ = f"record_{kind}"
    return login_required(view)


record_project = _record_view("project")
record_village = _record_view("village")
record_house = _record_view("house")
record_craftsman = _record_view("craftsman")
record_expert_visit = _record_view("expert_visit")
record_team = _record_view("team")
record_member = _record_view("member")
record_task = _record_view("task")


@login_required
@require_POST
def expert_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(ExpertVisit.objects.select_related("region"), request.user, pk=pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("township:expert_visits")
    return run_action(
        request,
        lambda: services.expert_visit_follow_up(acting_user=signed_in_user(request), visit=visit, **form.cleaned_data),
        success=lambda v: f"已登记{v.expert_name}指导意见的落实情况。",
        then=lambda v: reverse("township:expert_visits"),
        otherwise=reverse("township:expert_visits"),
    )


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(TeamTask.objects.select_related("assignee"), request.user, pk=pk)
    form = TaskDoneForm(request.POST)
    back = (request.POST.get("back") == "index" and reverse("township:index")) or reverse("township:teams")
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    return run_action(
        request,
        lambda: services.team_task_complete(acting_user=signed_in_user(request), task=task, **form.cleaned_data),
        success=lambda t: f"任务「{t.title}」已完成。",
        then=lambda t: back,
        otherwise=back,
    )


# --- the duties' versioned settings (乡镇职责规则) ------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "township/policy_list.html",
        {"page_title": "乡镇职责规则", "policies": selectors.duty_policies_visible(request.user)},
    )


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = get_visible_or_404(selectors.duty_policies_visible(user), user, pk=pk)
    return render(
        request,
        "township/policy_detail.html",
        {
            "page_title": str(policy),
            "policy": policy,
            "v": selectors.duty_policy_view(policy),
            "can_edit": policy.is_editable and can_edit_config(user, policy),
            "can_derive": user.is_superuser or user.has_role(Role.PROVINCE_OFFICER),
        },
    )


POLICY_PAGES = ConfigPages(
    namespace="township",
    prefix="policy",
    visible=selectors.duty_policies_visible,
    derive=services.duty_policy_derive,
    activate=services.duty_policy_activate,
    discard=services.duty_policy_discard,
    update=services.duty_policy_update,
    config_kwarg="policy",
    activated="本省各乡镇的进度报告、巡查间隔、照片上限和传统民居验收项目即按此版本。",
    edit_template="township/policy_edit.html",
)
