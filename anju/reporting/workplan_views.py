"""Pages of the county's annual work plan (年度工作方案, ADR 0037): the versions of a county's
plan per year, one version with its phases, per-township targets, tasks, cases and coverage,
its JSON editor, 印发 (activate), and the printable PDF."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.audit.services import log_export
from anju.core.pages import error_text, run_action
from anju.core.scoping import get_visible_or_404
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.reporting import selectors, services
from anju.reporting import workplan_acts as acts
from anju.reporting.filters import WorkPlanFilter


class WorkPlanEditForm(forms.Form):
    note = forms.CharField(label="修订说明", max_length=200, required=False)
    text = forms.CharField(
        label="方案内容（JSON）",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "form-control font-monospace small"}),
        error_messages={"required": "方案内容不能为空。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs.setdefault("class", "form-control")

    def clean_text(self) -> Any:
        try:
            return json.loads(self.cleaned_data["text"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）。") from exc


def _counties(user: Any) -> list[Region]:
    return list(Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")[:200])


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def workplan_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    year = _year(request)
    params = request.GET.copy()
    params.setdefault("year", str(year))
    plans = WorkPlanFilter(params, queryset=selectors.workplans_visible(user), request=request).qs
    own = user.region if user.region is not None and user.region.level == RegionLevel.COUNTY else None
    return render(
        request,
        "reporting/workplan_list.html",
        {
            "page_title": f"{year} 年度工作方案",
            "year": year,
            "plans": plans,
            "own": own,
            "may_draft": own is not None and not acts.act_refusal(own, user, acts.WorkPlanAct.DRAFT),
        },
    )


@login_required
@require_POST
def workplan_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    county = user.region
    try:
        year = int(request.POST.get("year") or 0)
    except ValueError:
        year = 0
    back = reverse("reporting:workplan_list") + f"?year={year}"
    if county is None:
        messages.error(request, "请以区/县住建局账号编制年度工作方案。")
        return redirect(back)
    return run_action(
        request,
        lambda: services.workplan_draft(acting_user=user, county=county, year=year, note=request.POST.get("note", "")),
        success=lambda plan: f"已建立{plan}（草稿）。",
        then=lambda plan: reverse("reporting:workplan_detail", args=[plan.pk]),
        otherwise=back,
    )


@login_required
def workplan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = get_visible_or_404(selectors.workplans_visible(user), user, pk=pk)
    versions = selectors.workplans_visible(user).filter(region=plan.region, year=plan.year).order_by("-version")
    return render(
        request,
        "reporting/workplan_detail.html",
        {
            "page_title": str(plan),
            **selectors.workplan_detail(plan, user),
            "acts": {a.kind: a for a in acts.available_acts(plan, user)},
            "versions": versions,
        },
    )


@login_required
def workplan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = get_visible_or_404(selectors.workplans_visible(user), user, pk=pk)
    refusal = acts.act_refusal(plan, user, acts.WorkPlanAct.EDIT)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        form = WorkPlanEditForm(request.POST)
        if form.is_valid():
            try:
                services.workplan_update(
                    acting_user=user, plan=plan, content=form.cleaned_data["text"], note=form.cleaned_data["note"]
                )
            except (ValidationError, PermissionDenied) as exc:
                for message in exc.messages if isinstance(exc, ValidationError) else [error_text(exc)]:
                    form.add_error(None, message)
            else:
                messages.success(request, "工作方案已保存（草稿）。")
                return redirect("reporting:workplan_detail", pk=plan.pk)
    else:
        form = WorkPlanEditForm(
            initial={"note": plan.note, "text": json.dumps(plan.content, ensure_ascii=False, indent=2)}
        )
    return render(
        request,
        "reporting/workplan_edit.html",
        {"page_title": f"修改 {plan}", "plan": plan, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def workplan_activate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = get_visible_or_404(selectors.workplans_visible(user), user, pk=pk)
    here = reverse("reporting:workplan_detail", args=[plan.pk])
    return run_action(
        request,
        lambda: services.workplan_activate(acting_user=user, plan=plan),
        success=lambda p: f"{p}已印发生效；年度计划的逾期清单按本方案的阶段计算。",
        then=lambda p: here,
        otherwise=here,
    )


@login_required
@require_POST
def workplan_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = get_visible_or_404(selectors.workplans_visible(user), user, pk=pk)
    year = plan.year
    return run_action(
        request,
        lambda: services.workplan_discard(acting_user=user, plan=plan),
        success=lambda _: "草稿已删除。",
        then=lambda _: reverse("reporting:workplan_list") + f"?year={year}",
        otherwise=reverse("reporting:workplan_detail", args=[pk]),
    )


@login_required
def workplan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from anju.reporting.pdf import workplan_pdf as build

    user = signed_in_user(request)
    plan = get_visible_or_404(selectors.workplans_visible(user), user, pk=pk)
    data = build(plan, user)
    log_export(
        actor=user, what=str(plan), filters={"id": plan.pk}, rows=len(plan.content.get("phases") or []), fmt="pdf"
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename*=UTF-8''{quote(f'{plan.region.name}{plan.year}年度工作方案-v{plan.version}.pdf')}"
    )
    return response
