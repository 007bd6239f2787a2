"""Eligibility pages: a household's decision with its reasons in plain Chinese, the list of
current decisions, circumstances found on a visit, and the rule-set versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.core.pages import error_text, paginate
from anju.core.scoping import get_visible_or_404
from anju.eligibility import engine, extensions, selectors, services
from anju.eligibility.choices import Outcome
from anju.eligibility.facts import FACTS, show
from anju.eligibility.forms import CircumstanceForm, RuleSetForm, WithdrawForm
from anju.eligibility.models import Circumstance, Decision
from anju.households.models import Household
from anju.kit.config_views import ConfigPages
from anju.kit.forms import apply_errors
from anju.kit.versioning import can_edit_config


def _facts_table(facts: dict[str, Any]) -> list[tuple[str, str]]:
    return [(FACTS[name].label, show(name, facts.get(name))) for name in FACTS if name in facts]


@login_required
def household_decision(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=pk)
    decision = Decision.objects.filter(household=household, is_current=True).select_related("rule_set").first()
    form = CircumstanceForm()
    if request.method == "POST":
        form = CircumstanceForm(request.POST)
        if form.is_valid():
            try:
                services.circumstance_record(
                    acting_user=signed_in_user(request), household=household, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已登记核实情况，资格已重新认定。")
                return redirect("eligibility:household_decision", pk=household.pk)
    user = signed_in_user(request)
    return render(
        request,
        "eligibility/household_decision.html",
        {
            "page_title": f"资格认定 · {household}",
            "household": household,
            "decision": decision,
            "facts": _facts_table(decision.facts) if decision else [],
            "history": Decision.objects.filter(household=household).select_related("rule_set", "decided_by")[:30],
            "circumstances": Circumstance.objects.filter(household=household).select_related(
                "recorded_by", "withdrawn_by"
            ),
            "form": form,
            "can_record": bool(user.is_superuser or user.has_role(*services.CIRCUMSTANCE_ROLES)),
            # open_case / can_open_case: from the cases app (eligibility.extensions)
            **extensions.decision_extras(household=household, decision=decision, user=user),
        },
    )


@login_required
@require_POST
def household_reevaluate(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=pk)
    try:
        decision = services.household_reevaluate(acting_user=signed_in_user(request), household=household)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已重新认定：{decision.get_outcome_display()}。")
    return redirect("eligibility:household_decision", pk=household.pk)


@login_required
@require_POST
def circumstance_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    circumstance = get_visible_or_404(Circumstance.objects.all(), request.user, pk=pk)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写撤销理由。")
        services.circumstance_withdraw(
            acting_user=signed_in_user(request), circumstance=circumstance, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已撤销，资格已重新认定。")
    return redirect("eligibility:household_decision", pk=circumstance.household_id)


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.current_decisions(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "eligibility/decision_list.html",
        {
            "page_title": "保障资格认定",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.outcome_counts(request.user),
        },
    )


# --- rule sets (versioning: anju.kit.versioning) ---------------------------------------------------


@login_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "eligibility/rule_set_list.html",
        {"page_title": "资格规则", "rule_sets": selectors.rule_sets_visible(request.user)},
    )


@login_required
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = get_visible_or_404(selectors.rule_sets_visible(request.user), request.user, pk=pk)
    try:
        spec: engine.RuleSetSpec | None = engine.parse(rule_set.text)
        problems: list[str] = []
    except engine.RuleSetError as exc:
        spec, problems = None, exc.messages
    return render(
        request,
        "eligibility/rule_set_detail.html",
        {
            "page_title": str(rule_set),
            "rule_set": rule_set,
            "spec": spec,
            "rules": [(r, Outcome(r.outcome).label, _reason_template(r.reason)) for r in [*spec.rules, spec.default]]
            if spec
            else [],
            "problems": problems,
            "can_edit": rule_set.is_editable and can_edit_config(signed_in_user(request), rule_set),
            "used": Decision.objects.visible_to(request.user).filter(rule_set=rule_set).count(),
        },
    )


def _reason_template(reason: str) -> str:
    """A rule's reason as its page shows it: each {fact} as 〔the fact's Chinese name〕."""
    try:
        return reason.format_map({name: f"〔{fact.label}〕" for name, fact in FACTS.items()})
    except (KeyError, ValueError, IndexError):
        return reason


@login_required
def rule_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = get_visible_or_404(selectors.rule_sets_visible(request.user), request.user, pk=pk)
    if not can_edit_config(signed_in_user(request), rule_set):
        raise PermissionDenied("您不能修改这个规则集。")
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                services.rule_set_update(acting_user=signed_in_user(request), rule_set=rule_set, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "规则已保存（草稿）。")
                return redirect("eligibility:rule_set_detail", pk=rule_set.pk)
    else:
        form = RuleSetForm(initial={"name": rule_set.name, "note": rule_set.note, "text": rule_set.text})
    return render(
        request,
        "eligibility/rule_set_edit.html",
        {"page_title": f"修改 {rule_set}", "rule_set": rule_set, "form": form, "facts": FACTS.items()},
    )


RULE_SET_PAGES = ConfigPages(
    namespace="eligibility",
    prefix="rule_set",
    visible=selectors.rule_sets_visible,
    derive=services.rule_set_derive,
    activate=services.rule_set_activate,
    discard=services.rule_set_discard,
    config_kwarg="rule_set",
    activated="辖区农户正在后台重新认定。",
)
