"""Subsidy pages: record a payment for a case, the payments and the cases still owed money,
and the totals by region and programme."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from anju.accounts.actors import signed_in_user
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.masking import Kind, mask
from anju.core.numbers import yuan
from anju.core.pages import paginate
from anju.core.scoping import get_visible_or_404
from anju.kit.forms import apply_errors
from anju.regions.models import Region
from anju.subsidies import selectors, services
from anju.subsidies.forms import PaymentForm, TotalsFilterForm


@login_required
def pay(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(
        RenovationCase.objects.select_related("household", "policy", "region"), request.user, pk=case_pk
    )
    if not services.can_pay(request.user, case):
        raise PermissionDenied("补助资金拨付须由区/县住建局登记。")
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record(acting_user=signed_in_user(request), case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"已登记第 {payment.instalment} 次拨付 {yuan(payment.amount)} 元（凭证号 {payment.voucher_no}）。",
            )
            return redirect(selectors.case_url(case) or "subsidies:payment_list")
    panel = selectors.case_panel(case=case, user=request.user)
    return render(
        request,
        "subsidies/pay.html",
        {
            "page_title": f"拨付补助资金 · {case.household.head_name}户",
            "case": case,
            "form": form,
            "panel": panel,
            "case_url": selectors.case_url(case),
            # Which card, to confirm it: masked even for the payer, who reads it whole in the list.
            "account_masked": mask(case.household.bank_account, Kind.ACCOUNT),
            "final_needs_acceptance": case.stage != Stage.ACCEPTED,
        },
    )


# The columns of a case the 待拨付 table and its deadline read (``QuerySet.only``; the scenario
# test of 10 vs 200 rows fails if a cell reads another).
DUE_FIELDS = (
    "household__head_name",
    "archive_no",
    "year",
    "stage",
    "subsidy_amount",
    "accepted_on",
    "policy",
    "region_code",
)


@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    view = "due" if request.GET.get("view") == "due" else "payments"
    filterset: Any
    if view == "due":
        filterset = selectors.due_filter(request.user, request.GET)
        rows_qs = filterset.qs.only(*DUE_FIELDS)  # what the table and the deadline read (ADR 0054)
    else:
        filterset = selectors.payment_filter(request.user, request.GET)
        rows_qs = filterset.qs
    page, query = paginate(request, rows_qs)
    today = timezone.localdate()
    if view == "due":
        rows = [
            {
                "case": case,
                "owed": case.subsidy_amount - case.paid_sum,
                "due": selectors.final_payment_due(case),
                "overdue": selectors.is_overdue(case, case.paid_sum, today),
            }
            for case in page
        ]
    else:
        rows = [{"payment": p, "account": selectors.account_shown(request.user, p.bank_account)} for p in page]
    tabs = request.GET.copy()
    for key in ("page", "view"):
        tabs.pop(key, None)
    return render(
        request,
        "subsidies/payment_list.html",
        {
            "page_title": "补助资金",
            "page": page,
            "query": query,
            "rows": rows,
            "filter_query": tabs.urlencode(),
            "filter": filterset,
            "form": filterset.form,
            "view": view,
            "may_pay": services.can_pay(request.user),
        },
    )


@login_required
def totals(request: HttpRequest) -> HttpResponse:
    form = TotalsFilterForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = form.cleaned_data.get("year") if form.is_valid() else None
    code = request.GET.get("region", "").strip()
    region = get_visible_or_404(Region.objects.all(), request.user, code=code) if code else None
    table = selectors.totals(request.user, year, region)
    own = getattr(request.user, "region", None)
    # The way back up, as far as the user's own region.
    trail = [r for r in (region.ancestors() if region else []) if own is None or r.is_within(own)]
    return render(
        request,
        "subsidies/totals.html",
        {"page_title": "补助资金汇总", "form": form, "table": table, "year": year or "", "trail": trail},
    )
