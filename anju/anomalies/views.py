"""The findings board (counts by rule × severity, drill-down), the list with its xlsx export,
a finding's page with the explain form, and the run button (a background job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.anomalies import acts as anomaly_acts
from anju.anomalies import selectors, services
from anju.anomalies.acts import AnomalyAct
from anju.anomalies.forms import ExplainForm
from anju.anomalies.models import Finding
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.filtering import refuse_invalid
from anju.core.pages import error_text, paginate
from anju.core.scoping import get_visible_or_404
from anju.kit.forms import apply_errors


@login_required
def board(request: HttpRequest) -> HttpResponse:
    filterset = selectors.findings_visible(request.user, request.GET, request)
    region = getattr(request.user, "region", None)
    return render(
        request,
        "anomalies/board.html",
        {
            "page_title": "异常核查",
            "filter": filterset,
            "form": filterset.form,
            "board": selectors.board(request.user, filterset),
            "runs": selectors.recent_runs(request.user),
            "run_refusal": anomaly_acts.act_refusal(region, request.user, AnomalyAct.RUN) if region else "",
            "may_see_run": region is not None and not anomaly_acts.act_refusal(None, request.user, AnomalyAct.RUN),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.findings_visible(request.user, request.GET, request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "anomalies/finding_list.html",
        {"page_title": "异常核查发现", "page": page, "query": query, "filter": filterset, "form": filterset.form},
    )


@login_required
def finding_export(request: HttpRequest) -> HttpResponse:
    filterset = selectors.findings_visible(request.user, request.GET, request)
    refused = refuse_invalid(filterset)
    if refused is not None:
        return refused
    response, count = table_response(
        fmt="xlsx",
        title="异常核查发现",
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.export_rows(filterset),
        widths=[24, 24, 8, 14, 60, 8, 16, 16, 40, 10, 16],
    )
    log_export(actor=request.user, what="anomalies.findings", filters=dict(request.GET.items()), rows=count, fmt="xlsx")
    return response


def _finding(request: HttpRequest, pk: int) -> Finding:
    return get_visible_or_404(Finding.objects.select_related("explained_by", "check_set"), request.user, pk=pk)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    return render(
        request,
        "anomalies/finding_detail.html",
        {
            "page_title": finding.rule_name,
            "finding": finding,
            "acts": anomaly_acts.available_acts(finding, request.user),
            "form": ExplainForm(),
        },
    )


@login_required
@require_POST
def finding_explain(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = ExplainForm(request.POST)
    if form.is_valid():
        try:
            services.finding_explain(
                finding=finding, reason=form.cleaned_data["reason"], acting_user=signed_in_user(request)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return redirect("anomalies:finding_detail", pk=pk)
        else:
            messages.success(request, "已记录情况说明。")
            return redirect("anomalies:finding_detail", pk=pk)
    acts = anomaly_acts.available_acts(finding, request.user)
    context = {"page_title": finding.rule_name, "finding": finding, "acts": acts, "form": form}
    return render(request, "anomalies/finding_detail.html", context, status=400)


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.region is None:
        messages.error(request, "您的账号没有所属区划，不能运行异常核查。")
        return redirect("anomalies:board")
    try:
        job = services.checks_start(region=user.region, acting_user=user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("anomalies:board")
    return redirect("jobs:job_detail", pk=job.pk)
