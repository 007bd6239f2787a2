"""Case pages: the list with counts per stage, the case page (timeline, what is needed next
and the form for it, patrols, and the acceptance, payment and archive panels), and the
renovation-policy versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import Role
from anju.audit.services import log_export
from anju.cases import acts as case_acts
from anju.cases import extensions, selectors, services, watch
from anju.cases import policy as pol
from anju.cases.choices import Stage, StepKind
from anju.cases.filters import ExitedHouseholdFilter, watch_filter
from anju.cases.forms import (
    AgreementForm,
    ApproveForm,
    CompleteForm,
    DetailsForm,
    EndForm,
    OpenForm,
    PatrolForm,
    StepForm,
)
from anju.cases.models import RenovationCase
from anju.cases.photos import STEP_STAGES
from anju.cases.tables import CASE_FIELDS, case_table
from anju.core.exporting import table_response
from anju.core.filtering import refuse_invalid, select_fields
from anju.core.masking import Kind, shown
from anju.core.pages import error_text, form_error_text, paginate, run_action
from anju.core.scoping import get_visible_or_404
from anju.households.models import Household
from anju.kit.config_views import ConfigPages
from anju.kit.forms import apply_errors
from anju.kit.versioning import can_edit_config
from anju.photochecks import selectors as photo_selectors

# The note each act asks for (label, required).
NOTES: dict[str, tuple[str, bool]] = {
    StepKind.APPLY: ("申请情况（申请书编号、收件人等）", False),
    StepKind.VILLAGE_REVIEW: ("评议情况（到会人数、同意人数）", True),
    StepKind.TOWNSHIP_REVIEW: ("审核意见", True),
    StepKind.COUNTY_APPROVE: ("审批意见", True),
    StepKind.FILE: ("说明（公示期间有无异议）", False),
    StepKind.SIGN_AGREEMENT: ("说明", False),
    StepKind.START: ("说明", False),
    StepKind.COMPLETE: ("说明", False),
    StepKind.CLOSE: ("说明", False),
    StepKind.END: ("终止情况说明", True),
}
ACT_SERVICES: dict[str, Callable[..., Any]] = {
    StepKind.APPLY: services.case_apply,
    StepKind.VILLAGE_REVIEW: services.case_village_review,
    StepKind.TOWNSHIP_REVIEW: services.case_township_review,
    StepKind.COUNTY_APPROVE: services.case_approve,
    StepKind.FILE: services.case_file,
    StepKind.SIGN_AGREEMENT: services.case_sign_agreement,
    StepKind.START: services.case_start,
    StepKind.COMPLETE: services.case_complete,
    StepKind.CLOSE: services.case_close,
    StepKind.END: services.case_end,
}


def _methods(case: RenovationCase) -> list[tuple[str, str]]:
    return pol.methods_for(case.policy.content, case.grade)


def _act_form(kind: str, case: RenovationCase, data: Any = None) -> forms.Form:
    label, required = NOTES[kind]
    initial: dict[str, Any] = {"version": case.version}
    common: dict[str, Any] = {"note_label": label, "note_required": required, "initial": initial}
    if kind == StepKind.COUNTY_APPROVE:
        initial["method"] = case.method
        return ApproveForm(data, methods=_methods(case), **common)
    if kind == StepKind.SIGN_AGREEMENT:
        initial["method"] = case.method
        return AgreementForm(data, methods=_methods(case), **common)
    if kind == StepKind.COMPLETE:
        initial["built_area"] = case.planned_area
        return CompleteForm(data, **common)
    if kind == StepKind.END:
        return EndForm(data, **common)
    return StepForm(data, **common)


def _details_form(case: RenovationCase, data: Any = None) -> DetailsForm:
    return DetailsForm(
        data,
        initial={
            "construction_mode": case.construction_mode,
            "builder_name": case.builder_name,
            "builder_cert_no": case.builder_cert_no,
            "planned_area": case.planned_area,
            "energy_tags": case.energy_tags,
            "version": case.version,
        },
    )


def _only_house_text(household: Any) -> str:
    only = household.only  # prefetched by the selector
    return str(only[0].grade_text) if only else "未登记房屋"


def _local_day(at: Any) -> Any:
    return timezone.localtime(at).date() if at else None


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    """跟踪监测: renovated houses and households that left the key groups, within the policy's
    windows (一改了之、一脱了之), with what the last visit found; the tab's FilterSet narrows the
    page and the export alike."""
    today = timezone.localdate()
    filterset = watch_filter(
        request.GET,
        houses=watch.renovated_under_watch(request.user, today),
        households=watch.exited_under_watch(request.user, today),
    )
    tab = "exited" if isinstance(filterset, ExitedHouseholdFilter) else "renovated"
    renovated_years, exited_years = watch.windows_for(getattr(getattr(request.user, "region", None), "code", ""))
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        if refused := refuse_invalid(filterset):
            return refused
        title, headers, rows = _watch_table(tab, filterset.qs, request.user)
        response, count = table_response(fmt=fmt, title=title, headers=headers, rows=rows)
        filters = {k: v for k, v in request.GET.items() if k not in {"format", "page"}}
        log_export(actor=request.user, what=f"cases.watch.{tab}", filters=filters | {"tab": tab}, rows=count, fmt=fmt)
        return response
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "cases/watch_list.html",
        {
            "page_title": "跟踪监测",
            "tab": tab,
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "renovated_years": renovated_years,
            "exited_years": exited_years,
        },
    )


def _watch_table(tab: str, listing: Any, viewer: Any) -> tuple[str, list[str], Any]:
    """The export of one tab: its title, headers and rows (ID numbers as ``viewer`` may see them)."""
    if tab == "renovated":
        headers = ["村", "户主", "身份证号", "改造年份", "改造类型", "当前等级", "最近排查"]
        rows = (
            [
                h.region.name,
                h.household.head_name,
                shown(h.household.head_id_number, Kind.ID, viewer),
                h.renovated_year,
                h.get_renovation_programme_display(),
                h.grade_text,
                _local_day(getattr(h, "last_inspection", None)) or "改造后未排查",
            ]
            for h in listing
        )
        return "已改造房屋跟踪监测", headers, rows
    headers = ["村", "户主", "身份证号", "出列日期", "唯一住房当前等级"]
    rows = (
        [
            h.region.name,
            h.head_name,
            shown(h.head_id_number, Kind.ID, viewer),
            getattr(h, "left_on", None),
            _only_house_text(h),
        ]
        for h in listing
    )
    return "出列农户跟踪监测", headers, rows


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.case_list(request.user, request.GET)
    page, query = paginate(request, filterset.qs.only(*CASE_FIELDS))  # the table's columns only (ADR 0054)
    return render(
        request,
        "cases/case_list.html",
        {
            "page_title": "改造案件",
            "page": page,
            "table": case_table(page.object_list),
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "selects": {select.name: select for select in select_fields(filterset)},
            "counts": selectors.stage_counts(request.user),
        },
    )


def _detail(request: HttpRequest, case: RenovationCase, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    user = signed_in_user(request)
    bound = bound or {}
    next_kind = selectors.NEXT_ACT.get(case.stage)
    blockers = services.close_blockers(case) if case.stage == Stage.ACCEPTED else []
    # The page offers exactly the acts the one table allows (cases.acts); the services assert it.
    acts = {act.kind: act for act in case_acts.available_acts(case, user)}
    next_act = acts.get(next_kind) if next_kind else None
    act_form = (bound.get(next_act.kind) or _act_form(next_act.kind, case)) if next_act and next_act.allowed else None
    can_end = acts[StepKind.END].allowed
    can_patrol = acts[StepKind.PATROL].allowed
    can_details = acts[StepKind.DETAILS].allowed
    return render(
        request,
        "cases/case_detail.html",
        {
            "page_title": str(case),
            "case": case,
            "steps": selectors.case_steps(case),
            "patrols": selectors.case_patrols(case),
            "hint": selectors.next_step_hint(case),
            "next_kind": next_kind,
            "next_label": StepKind(next_kind).label if next_kind else "",
            # why the next act is not offered, when that is not the 销号 gaps listed below
            "next_refusal": next_act.reason if next_act and not next_act.allowed and not blockers else "",
            "act_form": act_form,
            "act_takes_photos": next_kind in STEP_STAGES,
            "end_form": (bound.get(StepKind.END) or _act_form(StepKind.END, case)) if can_end else None,
            "patrol_form": (bound.get(StepKind.PATROL) or PatrolForm()) if can_patrol else None,
            "details_form": (bound.get(StepKind.DETAILS) or _details_form(case)) if can_details else None,
            "blockers": blockers,
            # acceptance_panel, subsidies_panel, archives_panel, supervision_panel, reporting_panel,
            # dashboard_panel: each app registers its own (cases.extensions)
            **extensions.panels(case=case, user=user),
            "photo_flags": photo_selectors.with_acts(
                photo_selectors.case_flags(user, case_id=case.pk, house_id=case.house_id), user
            ),
            "area_range": pol.area_check(case.policy.content, household_size=case.household_size, area=None),
        },
    )


def _case(request: HttpRequest, pk: int) -> RenovationCase:
    return get_visible_or_404(
        RenovationCase.objects.select_related("household", "house", "region", "policy", "previous_case"),
        request.user,
        pk=pk,
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = _case(request, pk)
    if kind not in ACT_SERVICES:
        raise Http404("没有这个办理事项。")
    form = _act_form(kind, case, request.POST)
    extra: dict[str, Any] = {}
    if kind in STEP_STAGES:  # 开工 and 竣工 take the site's photos and the phone's position
        extra = {"photos": request.FILES.getlist("photos")}
        extra |= {k: request.POST.get(k) for k in ("device_latitude", "device_longitude")}
    if form.is_valid():
        try:
            ACT_SERVICES[kind](acting_user=signed_in_user(request), case=case, **form.cleaned_data, **extra)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                messages.error(request, error_text(exc))
                case.refresh_from_db()
                return redirect("cases:case_detail", pk=case.pk)
        else:
            messages.success(request, f"已办理「{StepKind(kind).label}」。")
            return redirect("cases:case_detail", pk=case.pk)
    return _detail(request, case, {kind: form})


@login_required
@require_POST
def patrol_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = PatrolForm(request.POST)
    if not request.FILES.getlist("photos"):
        form.add_error(None, "请至少上传一张现场照片。")
    if form.is_valid():
        try:
            services.patrol_record(
                acting_user=signed_in_user(request),
                case=case,
                photos=request.FILES.getlist("photos"),
                device_latitude=request.POST.get("device_latitude"),
                device_longitude=request.POST.get("device_longitude"),
                **form.cleaned_data,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("cases:case_detail", pk=case.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error(None, error_text(exc))
        else:
            messages.success(request, "质量巡查已记录。")
            return redirect("cases:case_detail", pk=case.pk)
    return _detail(request, case, {StepKind.PATROL: form})


@login_required
@require_POST
def details_update(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = _details_form(case, request.POST)
    if form.is_valid():
        try:
            services.case_update_details(acting_user=signed_in_user(request), case=case, **form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("cases:case_detail", pk=case.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error(None, error_text(exc))
        else:
            messages.success(request, "改造信息已修改。")
            return redirect("cases:case_detail", pk=case.pk)
    return _detail(request, case, {StepKind.DETAILS: form})


@login_required
@require_POST
def case_open(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=household_pk)
    form = OpenForm(request.POST)
    back = reverse("eligibility:household_decision", args=[household.pk])
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(back)
    return run_action(
        request,
        lambda: services.case_open(acting_user=signed_in_user(request), household=household, **form.cleaned_data),
        success=lambda case: f"已建立改造案件（{case.get_programme_display()}），下一步：登记农户申请。",
        then=lambda case: reverse("cases:case_detail", args=[case.pk]),
        otherwise=back,
    )


# --- policy versions (versioning: anju.kit.versioning) -------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/policy_list.html",
        {"page_title": "改造政策", "policies": selectors.policies_visible(request.user)},
    )


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = get_visible_or_404(selectors.policies_visible(user), user, pk=pk)
    try:
        pol.validate_policy(policy.content)
        problems: list[str] = []
        sections = selectors.policy_sections(policy)
    except ValidationError as exc:
        problems, sections = exc.messages, {}
    return render(
        request,
        "cases/policy_detail.html",
        {
            "page_title": str(policy),
            "policy": policy,
            "s": sections,
            "problems": problems,
            "can_edit": policy.is_editable and can_edit_config(user, policy),
            "can_derive": user.is_superuser or user.has_role(Role.PROVINCE_OFFICER),
            "used": RenovationCase.objects.visible_to(user).filter(policy=policy).count(),
        },
    )


POLICY_PAGES = ConfigPages(
    namespace="cases",
    prefix="policy",
    visible=selectors.policies_visible,
    derive=services.policy_derive,
    activate=services.policy_activate,
    discard=services.policy_discard,
    update=services.policy_update,
    config_kwarg="policy",
    activated="此后新建的案件按此版本办理，已有案件仍按原版本。",
    edit_template="cases/policy_edit.html",
)
