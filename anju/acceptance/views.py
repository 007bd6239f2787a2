"""Acceptance pages: the acceptance form of a case awaiting it, an acceptance and its printable
竣工验收表, the acceptance list, and the rectifications (list, completion form)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anju.acceptance import selectors, services
from anju.acceptance.forms import (
    AcceptanceForm,
    RectificationCompleteForm,
    acceptance_initial,
)
from anju.acceptance.models import Acceptance, Rectification
from anju.accounts.actors import signed_in_user
from anju.cases import policy as pol
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.services import can_act
from anju.core.pages import error_text, paginate
from anju.core.scoping import get_visible_or_404
from anju.kit.forms import apply_errors


def case_url(case: RenovationCase) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def _posted_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
def acceptance_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(
        RenovationCase.objects.select_related("household", "region", "policy"), request.user, pk=case_pk
    )
    if not can_act(request.user, StepKind.ACCEPT, case):
        raise PermissionDenied("竣工验收须由乡镇建环办或区/县住建局办理。")
    if case.stage != Stage.COMPLETED:
        # A form posted after someone else moved the case: the service's check says who acted
        # meanwhile (stale version) rather than only that the case no longer awaits acceptance.
        try:
            services.acceptance_check_allowed(
                acting_user=signed_in_user(request), case=case, version=_posted_version(request)
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(case_url(case))
    items = services.checklist(case)
    today = timezone.localdate()
    if request.method == "POST":
        form = AcceptanceForm(request.POST, items=items)
        if form.is_valid():
            try:
                acceptance = services.acceptance_record(
                    acting_user=signed_in_user(request),
                    case=case,
                    photos=request.FILES.getlist("photos"),
                    device=(request.POST.get("device_latitude"), request.POST.get("device_longitude")),
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if acceptance.passed:
                    messages.success(request, f"第 {acceptance.attempt} 次竣工验收通过。")
                else:
                    due = acceptance.rectification.due_on
                    messages.warning(request, f"竣工验收未通过，已下达整改，期限 {due:%Y-%m-%d}。")
                return redirect("acceptance:detail", pk=acceptance.pk)
    else:
        form = AcceptanceForm(items=items, initial=acceptance_initial(case, today))
    area = pol.area_check(case.policy.content, household_size=case.household_size, area=case.built_area)
    previous = selectors.latest_acceptance(case)
    return render(
        request,
        "acceptance/acceptance_form.html",
        {
            "page_title": f"竣工验收 · {case}",
            "case": case,
            "case_url": case_url(case),
            "form": form,
            "area": area,
            "previous": previous,
            "suggested_due": services.suggested_due(case, today),
            "rectification_days": services.rectification_days(case),
        },
    )


@login_required
def acceptance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    acceptance = get_visible_or_404(
        selectors.acceptances_visible(request.user).select_related("case__policy"), request.user, pk=pk
    )
    rectification = Rectification.objects.filter(acceptance=acceptance).select_related("completed_by").first()
    case = acceptance.case
    return render(
        request,
        "acceptance/acceptance_detail.html",
        {
            "page_title": str(acceptance),
            "acceptance": acceptance,
            "case": case,
            "case_url": case_url(case),
            "rectification": rectification,
            "others": Acceptance.objects.filter(case=case).exclude(pk=acceptance.pk).order_by("attempt"),
            "can_complete": bool(
                rectification
                and rectification.is_open
                and case.stage == Stage.RECTIFYING
                and can_act(request.user, StepKind.RECTIFIED, case)
            ),
        },
    )


@login_required
def acceptance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from anju.acceptance.pdf import acceptance_pdf as build

    acceptance = get_visible_or_404(
        selectors.acceptances_visible(request.user).select_related("case__policy"), request.user, pk=pk
    )
    response = HttpResponse(build(acceptance), content_type="application/pdf")
    name = f"竣工验收表-{acceptance.case.household.head_name}-第{acceptance.attempt}次-{acceptance.on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def acceptance_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.acceptance_list(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "acceptance/acceptance_list.html",
        {
            "page_title": "竣工验收",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.rectification_counts(request.user),
        },
    )


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.rectifications_visible(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "acceptance/rectification_list.html",
        {
            "page_title": "验收整改",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.rectification_counts(request.user),
        },
    )


@login_required
def rectification_complete(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = get_visible_or_404(
        Rectification.objects.select_related("case__household", "case__region", "acceptance"), request.user, pk=pk
    )
    case = rectification.case
    if not can_act(request.user, StepKind.RECTIFIED, case):
        raise PermissionDenied("整改完成须由乡镇建环办或区/县住建局登记。")
    if not rectification.is_open:
        messages.info(request, f"该整改已于 {rectification.completed_on:%Y-%m-%d} 登记完成。")
        return redirect("acceptance:detail", pk=rectification.acceptance_id)
    if request.method == "POST":
        form = RectificationCompleteForm(request.POST)
        if form.is_valid():
            try:
                services.rectification_complete(
                    acting_user=signed_in_user(request),
                    rectification=rectification,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已登记整改完成，案件转为已竣工待验收，请组织复验。")
                return redirect(case_url(case))
    else:
        form = RectificationCompleteForm(initial={"version": case.version})
    return render(
        request,
        "acceptance/rectification_complete.html",
        {
            "page_title": f"整改完成 · {case}",
            "rectification": rectification,
            "case": case,
            "case_url": case_url(case),
            "form": form,
        },
    )
