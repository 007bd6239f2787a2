"""Supervision pages: visits (list, form, detail with findings and the order form), orders
(list, detail with the follow-up history and the next step's form, printable notice) and the
region-checked photo view."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.core.pages import error_text, paginate
from anju.core.scoping import get_visible_or_404, user_scope_prefix
from anju.kit.forms import apply_errors
from anju.supervision import acts as supervision_acts
from anju.supervision import selectors, services
from anju.supervision.acts import SupervisionAct
from anju.supervision.forms import (
    CloseForm,
    FindingForm,
    OrderIssueForm,
    RespondForm,
    ReturnForm,
    VisitForm,
)
from anju.supervision.models import FindingPhoto, RectificationOrder, ResponsePhoto, SupervisionVisit


def _require_role(request: HttpRequest, kind: str) -> None:
    """Refuse a form to a user whose role may never do ``kind`` (the table: supervision.acts);
    the service asks the table again about the place, the visit or the order."""
    supervision_acts.ensure_act(None, request.user, kind)


# --- visits --------------------------------------------------------------------------------------


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.visits_visible(request.user, request.GET, request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "supervision/visit_list.html",
        {
            "page_title": "督导检查",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "may_record": not supervision_acts.act_refusal(None, request.user, SupervisionAct.VISIT),
            "counts": selectors.order_counts(request.user),
        },
    )


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    _require_role(request, SupervisionAct.VISIT)
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(acting_user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已录入督导检查，请逐条添加发现的问题。")
            return redirect("supervision:visit_detail", pk=visit.pk)
    return render(request, "supervision/visit_form.html", {"page_title": "录入督导检查", "form": form})


def _visit(request: HttpRequest, pk: int) -> SupervisionVisit:
    return get_visible_or_404(
        SupervisionVisit.objects.select_related("region", "township", "recorded_by", "office"), request.user, pk=pk
    )


def _render_visit(
    request: HttpRequest,
    visit: SupervisionVisit,
    finding_form: FindingForm | None = None,
    order_form: OrderIssueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    unordered = visit.findings.filter(order__isnull=True).order_by("pk")
    findings = selectors.visit_findings(visit)
    orders = sorted({f.order for f in findings if f.order is not None}, key=lambda o: o.pk)
    # The page offers exactly the acts the one table allows (supervision.acts).
    acts = {act.kind: act for act in supervision_acts.available_acts(visit, user)}
    may_add, may_issue = acts[SupervisionAct.FINDING], acts[SupervisionAct.ISSUE]
    context: dict[str, Any] = {
        "page_title": str(visit),
        "visit": visit,
        "findings": findings,
        "orders": orders,
        "acts": acts,
        "finding_form": (finding_form or FindingForm(user=user, township=visit.township)) if may_add.allowed else None,
        "order_form": (order_form or OrderIssueForm(findings=unordered, due_days=selectors.order_due_days(visit)))
        if may_issue.allowed
        else None,
        # why no order can be issued now, to an officer who may record findings
        "issue_refusal": may_issue.reason if may_add.allowed and not may_issue.allowed else "",
    }
    return render(request, "supervision/visit_detail.html", context, status=status)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_visit(request, _visit(request, pk))


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    _require_role(request, SupervisionAct.FINDING)
    form = FindingForm(request.POST, request.FILES, user=request.user, township=visit.township)
    if form.is_valid():
        try:
            services.finding_add(acting_user=signed_in_user(request), visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已添加发现的问题。")
            return redirect("supervision:visit_detail", pk=visit.pk)
    return _render_visit(request, visit, finding_form=form)


@login_required
@require_POST
def order_issue(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    _require_role(request, SupervisionAct.ISSUE)
    form = OrderIssueForm(
        request.POST, findings=visit.findings.filter(order__isnull=True), due_days=selectors.order_due_days(visit)
    )
    if form.is_valid():
        try:
            order = services.order_issue(
                acting_user=signed_in_user(request),
                findings=list(form.cleaned_data["findings"].select_related("visit__township")),
                requirements=form.cleaned_data["requirements"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已下发整改通知 {order.number}，整改期限 {order.due_on:%Y-%m-%d}。")
            return redirect("supervision:order_detail", pk=order.pk)
    return _render_visit(request, visit, order_form=form)


# --- orders --------------------------------------------------------------------------------------


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.orders_visible(request.user, request.GET, request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "supervision/order_list.html",
        {
            "page_title": "整改通知",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.order_counts(request.user),
        },
    )


def _render_order(
    request: HttpRequest,
    order: RectificationOrder,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    given = forms or {}
    context: dict[str, Any] = {
        "page_title": f"整改通知 {order.number}",
        "order": order,
        "findings": selectors.order_findings(order),
        "history": selectors.order_history(order),
    }
    # The page offers exactly the acts the one table allows (supervision.acts); the services assert it.
    acts = {act.kind: act for act in supervision_acts.available_acts(order, user)}
    context["acts"] = acts
    if acts[SupervisionAct.RESPOND].allowed:
        context["respond_form"] = given.get("respond") or RespondForm()
    if acts[SupervisionAct.RETURN].allowed:
        context["return_form"] = given.get("return") or ReturnForm()
    if acts[SupervisionAct.CLOSE].allowed:
        context["close_form"] = given.get("close") or CloseForm()
    return render(request, "supervision/order_detail.html", context, status=status)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_order(request, selectors.order_detail(request.user, pk))


def _order_step(request: HttpRequest, pk: int, key: str, form: Any, act: Any, done: str) -> HttpResponse:
    """Run one follow-up step: the form's errors and the service's refusals stay on the page."""
    order = selectors.order_detail(request.user, pk)
    if form.is_valid():
        try:
            act(order, form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # A refusal of the step itself (the order has moved on): the form is gone.
                messages.error(request, error_text(exc))
                return redirect("supervision:order_detail", pk=order.pk)
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return redirect("supervision:order_detail", pk=order.pk)
        else:
            messages.success(request, done)
            return redirect("supervision:order_detail", pk=order.pk)
    return _render_order(request, order, {key: form})


@login_required
@require_POST
def order_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_step(
        request,
        pk,
        "respond",
        RespondForm(request.POST, request.FILES),
        lambda order, data: services.order_respond(acting_user=signed_in_user(request), order=order, **data),
        "已反馈整改情况，等待下发单位复核。",
    )


@login_required
@require_POST
def order_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_step(
        request,
        pk,
        "return",
        ReturnForm(request.POST),
        lambda order, data: services.order_return(acting_user=signed_in_user(request), order=order, **data),
        "已退回乡镇重新整改。",
    )


@login_required
@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_step(
        request,
        pk,
        "close",
        CloseForm(request.POST),
        lambda order, data: services.order_close(acting_user=signed_in_user(request), order=order, **data),
        "整改通知已销号。",
    )


@login_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from anju.supervision.pdf import order_pdf as build

    order = selectors.order_detail(request.user, pk)
    response = HttpResponse(build(order), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'整改通知书-{order.number}.pdf')}"
    return response


# --- photos --------------------------------------------------------------------------------------

PHOTO_KINDS: dict[str, tuple[Any, str]] = {
    "finding": (FindingPhoto, "finding__visit__region_code"),
    "response": (ResponsePhoto, "follow_up__order__region_code"),
}


@login_required
def photo(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A finding's or response's photo, only inside the user's region (else 404, like the
    protected file view it stands in for)."""
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
