"""Pages of the general households' routes (/self-repair/) and the sudden-hardship families
(/hardship/): lists with counts, a phone-first registration form, detail pages with the next
act's form. Thin: the services decide and refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.core.pages import paginate
from anju.core.scoping import get_visible_or_404
from anju.dynamic import acts, selectors, services
from anju.dynamic.choices import DutyAct
from anju.dynamic.forms import CloseForm, CompleteForm, HardshipForm, ReliefForm, RemindForm, RouteOpenForm
from anju.dynamic.models import Hardship, HousingRoute
from anju.households.idcard import normalize_id_number
from anju.households.models import Household
from anju.kit.forms import apply_errors

# --- 一般户保障途径 ---------------------------------------------------------------------------------


@login_required
def route_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.route_list(request.user, request.GET, request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "dynamic/route_list.html",
        {
            "page_title": "一般户自行整改与其他途径",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.route_counts(request.user),
            "awaiting": selectors.households_awaiting_route(request.user),
            "may_open": not acts.act_refusal(None, request.user, DutyAct.ROUTE_OPEN),
        },
    )


def _route(request: HttpRequest, pk: int) -> HousingRoute:
    return get_visible_or_404(
        HousingRoute.objects.select_related("household", "house", "region", "verified_by"), request.user, pk=pk
    )


@login_required
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(request, pk)
    return render(request, "dynamic/route_detail.html", _route_context(request, route))


def _route_context(request: HttpRequest, route: HousingRoute, **forms: Any) -> dict[str, Any]:
    return {
        "page_title": str(route),
        "route": route,
        "steps": route.steps.select_related("actor"),
        "photos": route.photos.all(),
        "acts": acts.available_acts(route, request.user),
        "remind_form": forms.get("remind") or RemindForm(),
        "complete_form": forms.get("complete") or CompleteForm(),
        "close_form": forms.get("close") or CloseForm(),
    }


@login_required
def route_open(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=household_pk)
    acts.ensure_act(None, request.user, DutyAct.ROUTE_OPEN)
    form = RouteOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            route = services.route_open(acting_user=signed_in_user(request), household=household, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已确定{household.head_name}户的保障途径：{route.get_kind_display()}。")
            return redirect(route)
    return render(request, "dynamic/form.html", {"page_title": f"确定保障途径 · {household.head_name}户", "form": form})


ROUTE_ACTS: dict[str, tuple[type[forms.Form], Callable[..., HousingRoute], str]] = {
    "remind": (RemindForm, services.route_remind, "已记录督促情况。"),
    "complete": (CompleteForm, services.route_complete, "已登记完成，等待乡镇核验。"),
    "close": (CloseForm, services.route_close, "已核验销号。"),
}


@login_required
@require_POST
def route_act(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    route = _route(request, pk)
    if kind not in ROUTE_ACTS:
        return redirect(route)
    form_class, service, done = ROUTE_ACTS[kind]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            service(acting_user=signed_in_user(request), route=route, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(route)
    route.refresh_from_db()
    return render(request, "dynamic/route_detail.html", _route_context(request, route, **{kind: form}), status=400)


# --- 突发严重困难户 ----------------------------------------------------------------------------------


@login_required
def hardship_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.hardship_list(request.user, request.GET, request)
    page, query = paginate(request, filterset.qs)
    for h in page:
        h.task_state = selectors.hardship_task_state(h)
    return render(
        request,
        "dynamic/hardship_list.html",
        {
            "page_title": "突发严重困难户",
            "page": page,
            "query": query,
            "form": filterset.form,
            "may_register": not acts.act_refusal(None, request.user, DutyAct.REGISTER),
        },
    )


@login_required
def hardship_new(request: HttpRequest) -> HttpResponse:
    acts.ensure_act(None, request.user, DutyAct.REGISTER)
    fixed = request.GET.get("household") or request.POST.get("household") or ""
    if fixed and not fixed.isdigit():
        raise Http404("农户不存在或不在您的管辖范围内。")
    household = (
        get_visible_or_404(Household.objects.select_related("region"), request.user, pk=int(fixed)) if fixed else None
    )
    form = HardshipForm(request.POST or None, fixed_household=household is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = normalize_id_number(data.pop("head_id_number", "") or "")
        if household is None:
            household = (
                Household.objects.visible_to(request.user).filter(head_id_number=number).first() if number else None
            )
        if household is None:
            form.add_error(
                "head_id_number" if "head_id_number" in form.fields else None,
                "请填写已登记农户的户主身份证号（在您的管辖范围内未找到该户）。" if number else "请填写户主身份证号。",
            )
        else:
            try:
                hardship = services.hardship_register(acting_user=signed_in_user(request), household=household, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已登记突发严重困难户：{household.head_name}户，请于 {hardship.appraise_by:%Y-%m-%d} 前完成鉴定。",
                )
                return redirect(hardship)
    return render(
        request,
        "dynamic/hardship_form.html",
        {"page_title": "登记突发严重困难户", "form": form, "household": household},
    )


@login_required
def hardship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dynamic/hardship_detail.html", _hardship_context(request, pk))


def _hardship_context(request: HttpRequest, pk: int, form: ReliefForm | None = None) -> dict[str, Any]:
    scoped: Any = selectors.hardships_annotated(Hardship.objects.all())  # still the model's scoped QuerySet
    hardship: Hardship = get_visible_or_404(scoped, request.user, pk=pk)
    return {
        "page_title": str(hardship),
        "hardship": hardship,
        "task_state": selectors.hardship_task_state(hardship),
        "reliefs": hardship.reliefs.all(),
        "relief_form": form or ReliefForm(),
        "relief_refusal": acts.act_refusal(hardship, request.user, DutyAct.RELIEF),
    }


@login_required
@require_POST
def relief_add(request: HttpRequest, pk: int) -> HttpResponse:
    hardship = get_visible_or_404(Hardship.objects.all(), request.user, pk=pk)
    form = ReliefForm(request.POST)
    if form.is_valid():
        try:
            services.relief_record(acting_user=signed_in_user(request), hardship=hardship, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记应急救助措施。")
            return redirect(hardship)
    return render(request, "dynamic/hardship_detail.html", _hardship_context(request, pk, form), status=400)
