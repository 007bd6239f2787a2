"""Reporting pages: submissions (list, detail with the diff and the acts, xlsx of a monthly
list), the timeliness board, the annual plan, and the calendar's versions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.pages import error_text, paginate, run_action
from anju.core.scoping import get_visible_or_404
from anju.kit.config_views import ConfigPages
from anju.kit.versioning import EDITOR_ROLE, can_edit_config
from anju.regions.models import Region
from anju.reporting import calendar as cal
from anju.reporting import selectors, services
from anju.reporting.choices import ReportKind, Timeliness
from anju.reporting.confirm import ConfirmationNeeded
from anju.reporting.forms import PrepareForm, ReasonForm
from anju.reporting.models import Submission

# --- submissions ----------------------------------------------------------------------------------------


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    # The page's default: the user's own level and the one below; the box asks for every level.
    params.setdefault("all_levels", "false")
    filterset = selectors.submission_list(request.user, params, request)
    page, query = paginate(request, filterset.qs)
    today = timezone.localdate()
    return render(
        request,
        "reporting/submission_list.html",
        {
            "page_title": "逐级报送",
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "query": query,
            "today": today,
            "regions": selectors.preparable_regions(request.user),
            "kinds": ReportKind.choices,
            "reporting_reminders": selectors.reminders(request.user, today),
        },
    )


def _get(request: HttpRequest, pk: int) -> Submission:
    return get_visible_or_404(selectors.submissions_visible(request.user), request.user, pk=pk)


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _get(request, pk)
    return render(
        request,
        "reporting/submission_detail.html",
        {"page_title": str(submission), "s": submission, **selectors.submission_detail(submission, request.user)},
    )


@login_required
@require_POST
def submission_prepare(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PrepareForm(request.POST)
    back = reverse("reporting:submission_list")
    region = user.region
    if not form.is_valid() or region is None:
        messages.error(request, "请选择报表和月份。")
        return redirect(back)
    return run_action(
        request,
        lambda: services.submission_prepare(acting_user=user, region=region, **form.cleaned_data),
        success=lambda s: f"已生成「{s}」草稿，核对后报送。",
        then=lambda s: reverse("reporting:submission_detail", args=[s.pk]),
        otherwise=back,
    )


def _act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    submission = _get(request, pk)
    detail = reverse("reporting:submission_detail", args=[submission.pk])
    user = signed_in_user(request)
    if act in ("return", "reopen"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请写明原因（300 字以内）。")
            return redirect(detail)
        reason = form.cleaned_data["reason"]
    if act == "prepare":
        return run_action(
            request,
            lambda: services.submission_prepare(
                acting_user=user,
                kind=submission.kind,
                year=submission.year,
                month=submission.month,
                region=submission.region,
            ),
            success=lambda s: "已按最新数据重新生成。",
            then=lambda s: detail,
            otherwise=detail,
        )
    action = {
        "sign_off": (
            lambda: services.submission_sign_off(acting_user=user, submission=submission),
            "已审核确认，报表已锁定。",
        ),
        "return": (
            lambda: services.submission_return(acting_user=user, submission=submission, reason=reason),
            "已退回下级。",
        ),
        "reopen": (
            lambda: services.submission_reopen(acting_user=user, submission=submission, reason=reason),
            "已重新打开，退回下级修改后重报。",
        ),
    }[act]
    return run_action(request, action[0], success=lambda s: action[1], then=lambda s: detail, otherwise=detail)


@login_required
@require_POST
def submission_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "prepare")


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """报送上级: while lower regions have not reported, or a list sent again adds or drops
    households, the service asks for a confirmation; this page shows what is to be confirmed
    and its button sends the warnings' token back."""
    submission = _get(request, pk)
    user = signed_in_user(request)
    detail = reverse("reporting:submission_detail", args=[submission.pk])
    confirm = request.POST.get("confirm", "")
    try:
        services.submission_submit(acting_user=user, submission=submission, confirm=confirm)
    except ConfirmationNeeded as exc:
        return render(
            request,
            "reporting/submit_confirm.html",
            {
                "page_title": f"确认报送 {submission}",
                "s": submission,
                "w": exc.warnings,
                "stale": bool(confirm),  # a confirmation for warnings that changed meanwhile
            },
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(detail)
    messages.success(request, "已报送上级。")
    return redirect(detail)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


@login_required
@require_POST
def submission_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "sign_off")


@login_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reopen")


LIST_HEADERS = (
    "序号",
    "户主",
    "身份证号",
    "所在村",
    "重点对象类别",
    "鉴定等级",
    "鉴定日期",
    "认定结论",
    "认定规则",
    "较上月",
)


PROGRESS_HEADERS = (
    "项目",
    "认定纳入（户）",
    "任务（户）",
    "改造案件",
    "建档",
    "开工",
    "竣工",
    "验收",
    "销号",
    "竣工率（%）",
    "已拨付（元）",
)


def _list_rows(submission: Submission, user: Any) -> list[tuple[Any, ...]]:
    info = selectors.submission_detail(submission, user)
    return [
        (
            n,
            r["head_name"],
            r["id_masked"],
            r["village"],
            r["group_label"],
            r["grade"],
            r["appraised_on"],
            r["outcome_label"],
            r["rule_name"] or r["rule_id"],
            "新增"
            if r["added"]
            else (f"等级 {r['regraded']['before']}→{r['regraded']['after']}" if r["regraded"] else ""),
        )
        for n, r in enumerate(info["rows"], start=1)
    ]


def _rate(text: str) -> Decimal | str:
    """竣工率 as a number of percent when it could be computed, else the reason it could not."""
    return Decimal(text.rstrip("%")) if text.endswith("%") else text


def _progress_rows(submission: Submission) -> list[tuple[Any, ...]]:
    """The progress report's rows and 合计 with figures as numbers (a task not issued is empty)."""
    out: list[tuple[Any, ...]] = []
    for r in submission.snapshot.get("rows", []):
        counts = [r["cases"], r["filed"], r["started"], r["completed"], r["accepted"], r["closed"]]
        rate, paid = _rate(r["completion_rate"]), Decimal(r["paid"])
        out.append((r["programme_label"], r["routed"], r["tasks"], *counts, rate, paid))
    total = submission.snapshot.get("total")
    if total:
        paid = sum((Decimal(r["paid"]) for r in submission.snapshot.get("rows", [])), Decimal("0"))
        rate = _rate(total["completion_rate"])
        out.append(("合计", total["routed"], total["tasks"], total["cases"], None, None, total["completed"]))
        out[-1] = (*out[-1], None, None, rate, paid)
    return out


@login_required
def submission_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as xlsx: the monthly list (ID numbers masked: the snapshot never holds them in
    full) or the progress report (its figures as numbers), as the page shows it."""
    submission = _get(request, pk)
    headers: tuple[str, ...]
    if submission.kind == ReportKind.MONTHLY_LIST:
        headers, rows = LIST_HEADERS, _list_rows(submission, request.user)
        widths = [6, 10, 22, 18, 14, 8, 12, 26, 18, 12]
    else:
        headers, rows = PROGRESS_HEADERS, _progress_rows(submission)
        widths = [16, 14, 12, 10, 8, 8, 8, 8, 8, 20, 16]
    response, count = table_response(fmt="xlsx", title=str(submission), headers=headers, rows=rows, widths=widths)
    log_export(
        actor=request.user,
        what=f"{submission.get_kind_display()} {submission}",
        filters={"submission": submission.pk},
        rows=count,
        fmt="xlsx",
    )
    return response


# --- timeliness board and annual plan ------------------------------------------------------------------


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        if 2009 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _ancestors_in_scope(user: Any, region: Region | None) -> list[Region]:
    """The breadcrumb above the board's region, from the user's own region down."""
    if region is None:
        return []
    own = getattr(user, "region", None)
    return [r for r in region.ancestors() if own is None or r.is_within(own)]


@login_required
def timeliness_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = _month(request.GET.get("month"), today)
    kind = request.GET.get("kind") or ReportKind.MONTHLY_LIST
    if kind not in (*ReportKind.values, selectors.VILLAGE_LIST):
        kind = ReportKind.MONTHLY_LIST
    parent = selectors.board_parent(request.user, request.GET.get("region"))
    if request.GET.get("region") and parent is None:
        raise Http404("区划不存在或不在您的管辖范围内。")
    result: selectors.Board | None = None
    if parent and kind == selectors.VILLAGE_LIST:
        # The villages' signed lists are due once a year: the month picked gives the year.
        result = selectors.village_list_board(parent=parent, year=year, user=request.user, today=today)
    elif parent:
        result = selectors.board(parent=parent, kind=kind, year=year, month=month, today=today)
    months = []
    y, m = today.year, today.month
    for _ in range(12):
        months.append((f"{y}-{m:02d}", f"{y} 年 {m} 月"))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return render(
        request,
        "reporting/board.html",
        {
            "page_title": "报送及时率",
            "board": result,
            "parent": parent,
            "ancestors": _ancestors_in_scope(request.user, parent),
            "kind": kind,
            "kinds": [*ReportKind.choices, (selectors.VILLAGE_LIST, village_list_name(parent))],
            "month_value": f"{year}-{month:02d}",
            "months": months,
            "states": Timeliness.choices,
        },
    )


@login_required
def annual_plan(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    code = request.GET.get("region")
    regions = Region.objects.visible_to(request.user).filter(level__lte=4)
    region = (regions.filter(code=code) if code else regions.order_by("level", "code")).first()
    if region is None:
        if code:
            raise Http404("区划不存在或不在您的管辖范围内。")
        region = getattr(request.user, "region", None)
    if region is None:
        raise Http404("没有可查看的区划。")
    return render(
        request,
        "reporting/annual_plan.html",
        {
            "page_title": f"{year} 年度工作方案",
            **selectors.annual_plan(user=request.user, region=region, year=year, today=today),
        },
    )


# --- calendar versions (versioning: anju.kit.versioning) ----------------------------------------------


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/calendar_list.html",
        {"page_title": "报送日历", "calendars": selectors.calendars_visible(request.user)},
    )


@login_required
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    calendar = get_visible_or_404(selectors.calendars_visible(user), user, pk=pk)
    try:
        cal.validate_calendar(calendar.content)
        problems: list[str] = []
        sections = selectors.calendar_sections(calendar.content)
    except ValidationError as exc:
        problems, sections = exc.messages, {}
    return render(
        request,
        "reporting/calendar_detail.html",
        {
            "page_title": str(calendar),
            "calendar": calendar,
            "s": sections,
            "problems": problems,
            "can_edit": calendar.is_editable and can_edit_config(user, calendar),
            "can_derive": user.is_superuser or user.has_role(EDITOR_ROLE),
            "used": Submission.objects.visible_to(user).filter(calendar=calendar).count(),
        },
    )


def village_list_name(parent: Region | None) -> str:
    """The villages' list as the province calendar names it (村级疑似危房清单), with its due day."""
    calendar = services.calendar_for(parent.code) if parent else services.ensure_national_calendar()
    section = cal.village_list_section(calendar.content)
    return f"{section['name']}（每年 {section['due']} 前）"


def reminders_context(user: Any) -> dict[str, Any]:
    """For the home page: ``{% include "reporting/_reminders.html" %}`` with this context."""
    return {"reporting_reminders": selectors.reminders(user)}


CALENDAR_PAGES = ConfigPages(
    namespace="reporting",
    prefix="calendar",
    visible=selectors.calendars_visible,
    derive=services.calendar_derive,
    activate=services.calendar_activate,
    discard=services.calendar_discard,
    update=services.calendar_update,
    config_kwarg="calendar",
    activated="此后生成的报表按此版本计算截止日期。",
    edit_template="reporting/calendar_edit.html",
)
