"""Household and house pages: lists with filters, details with timelines, forms."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import Role
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.filtering import refuse_invalid, select_fields
from anju.core.masking import Kind, mask, may_see
from anju.core.pages import keyset_page
from anju.core.scoping import get_visible_or_404
from anju.households import selectors, services
from anju.households.forms import HouseForm, HouseholdForm, MemberForm, StatusEndForm, StatusForm
from anju.households.models import House, Household, HouseholdStatus, Member
from anju.households.permissions import can_write_households, can_write_statuses
from anju.households.safety import support_history
from anju.households.tables import HOUSE_FIELDS, HOUSEHOLD_FIELDS, house_table, household_table
from anju.jobs.exports import export_start, inline_limit
from anju.kit.forms import apply_errors
from anju.regions.selectors import region_picker

PAGE_SIZE = 25


def _list_context(request: HttpRequest, filterset: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    # 下一页 by the last row's key (ADR 0048); only the columns the table shows (ADR 0054).
    page, query = keyset_page(request, filterset.qs.only(*fields), PAGE_SIZE)
    return {
        "page": page,
        "filter": filterset,
        "selects": select_fields(filterset),
        "query": query,
        "regions": region_picker(viewer=request.user, selected=request.GET.get("region", "")),
        "selected_region": request.GET.get("region", ""),
        "can_write": can_write_households(request.user),
    }


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.household_list(viewer=request.user, params=request.GET)
    context = _list_context(request, filterset, HOUSEHOLD_FIELDS) | {"page_title": "农户"}
    page = context["page"]
    page.object_list = selectors.with_counts(list(page.object_list))  # the page's own counts only
    context["table"] = household_table(page.object_list, viewer=request.user)
    return render(request, "households/household_list.html", context)


def _export(
    request: HttpRequest, *, what: str, title: str, headers: Any, rows: Any, widths: Any = None
) -> HttpResponse:
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    response, count = table_response(fmt=fmt, title=title, headers=headers, rows=rows, widths=widths)
    filters = {k: v for k, v in request.GET.items() if k not in {"format", "page"}}
    log_export(actor=request.user, what=what, filters=filters, rows=count, fmt=fmt)
    return response


def _export_later(request: HttpRequest, *, source: str, title: str, total: int) -> HttpResponse | None:
    """A list longer than ``ANJU_EXPORT_INLINE_ROWS`` is exported by a background job: the job
    page shows its progress and then the download (ADR 0031). None: export it now."""
    if total <= inline_limit():
        return None
    filters = {k: str(v) for k, v in request.GET.items() if k not in {"format", "page"}}
    job = export_start(
        acting_user=signed_in_user(request),
        source=source,
        params=filters,
        fmt=request.GET.get("format", "xlsx"),
        title=title,
    )
    messages.info(request, f"共 {total} 行，已转入后台导出；完成后在本页下载。")
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
def household_export(request: HttpRequest) -> HttpResponse:
    """The filtered household list as xlsx or csv, in the import column layout."""
    filterset = selectors.household_list(viewer=request.user, params=request.GET)
    if refused := refuse_invalid(filterset):
        return refused
    if later := _export_later(request, source="households.household", title="农户名单", total=filterset.qs.count()):
        return later
    rows = selectors.household_export_rows(queryset=filterset.qs, viewer=request.user)
    return _export(
        request,
        what="households.household",
        title="农户名单",
        headers=selectors.HOUSEHOLD_EXPORT_HEADERS,
        rows=rows,
        widths=selectors.HOUSEHOLD_EXPORT_WIDTHS,
    )


@login_required
def house_export(request: HttpRequest) -> HttpResponse:
    filterset = selectors.house_list(viewer=request.user, params=request.GET)
    if refused := refuse_invalid(filterset):
        return refused
    if later := _export_later(request, source="households.house", title="房屋清单", total=filterset.qs.count()):
        return later
    rows = selectors.house_export_rows(queryset=filterset.qs, viewer=request.user)
    return _export(
        request, what="households.house", title="房屋清单", headers=selectors.HOUSE_EXPORT_HEADERS, rows=rows
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_detail(viewer=request.user, pk=pk)
    context = {
        "household": household,
        "decision": household.decisions.filter(is_current=True).first(),
        "timeline": selectors.household_timeline(household=household),
        "support_history": support_history(
            household=household, house=next((h for h in household.houses.all() if h.is_only_house), None)
        ),
        "can_write": can_write_households(request.user),
        "can_certify": can_write_statuses(request.user),
        "member_form": MemberForm(),
        "status_form": StatusForm(),
        "page_title": str(household),
    }
    return render(request, "households/household_detail.html", context)


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if not can_write_households(request.user):
        raise PermissionDenied("您的角色不能登记农户。")
    form = HouseholdForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(acting_user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {household}。")
            return redirect("households:household_detail", pk=household.pk)
    return render(request, "households/form.html", {"form": form, "page_title": "登记农户"})


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=pk)
    if not can_write_households(request.user):
        raise PermissionDenied("您的角色不能修改农户。")
    initial = {
        f: getattr(household, f)
        for f in (
            "region",
            "group_name",
            "address",
            "head_name",
            "head_id_number",
            "phone",
            "bank_name",
            "bank_account",
        )
    }
    # A bank account is shown whole only to its payer (anju.core.masking.POLICY): anyone else
    # re-enters it whole to change it, and a blank field keeps the one on record.
    account_hidden = bool(household.bank_account) and not may_see(request.user, Kind.ACCOUNT)
    if account_hidden:
        initial["bank_account"] = ""
    form = HouseholdForm(request.POST or None, initial=initial, viewer=request.user, editing=True)
    if account_hidden:
        form.fields[
            "bank_account"
        ].help_text = f"已登记 {mask(household.bank_account, Kind.ACCOUNT)}；留空则不变，如需更改请填写完整账号。"
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "head_id_number"}
        if account_hidden and not data.get("bank_account"):
            data.pop("bank_account", None)
        try:
            services.household_update(acting_user=signed_in_user(request), household=household, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("households:household_detail", pk=household.pk)
    return render(request, "households/form.html", {"form": form, "page_title": f"修改 {household}"})


def _form_action(request: HttpRequest, form: Any, action: Any, success: str) -> None:
    """Run a small form posted from the household page; report the outcome as a message."""
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return
    try:
        action(**form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=pk)
    action = partial(services.member_add, acting_user=signed_in_user(request), household=household)
    _form_action(request, MemberForm(request.POST), action, "已添加家庭成员。")
    return redirect("households:household_detail", pk=household.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("household__region"), request.user, pk=pk)
    try:
        services.member_remove(
            acting_user=signed_in_user(request), member=member, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除成员 {member.name}。")
    return redirect("households:household_detail", pk=member.household_id)


@login_required
@require_POST
def status_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=pk)
    action = partial(services.status_add, acting_user=signed_in_user(request), household=household)
    _form_action(request, StatusForm(request.POST), action, "已记录重点对象身份。")
    return redirect("households:household_detail", pk=household.pk)


@login_required
@require_POST
def status_end(request: HttpRequest, pk: int) -> HttpResponse:
    status = get_visible_or_404(HouseholdStatus.objects.select_related("household"), request.user, pk=pk)
    action = partial(services.status_end, acting_user=signed_in_user(request), status=status)
    _form_action(request, StatusEndForm(request.POST), action, "已记录出列。")
    return redirect("households:household_detail", pk=status.household_id)


@login_required
def house_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.house_list(viewer=request.user, params=request.GET)
    user = signed_in_user(request)
    context = _list_context(request, filterset, HOUSE_FIELDS) | {"page_title": "房屋"}
    can_appraise = user.is_superuser or user.has_role(Role.APPRAISER)
    context["table"] = house_table(context["page"].object_list, can_appraise=can_appraise)
    return render(request, "households/house_list.html", context)


@login_required
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    house = get_visible_or_404(House.objects.select_related("region", "household"), user, pk=pk)
    return render(
        request,
        "households/house_detail.html",
        {
            "house": house,
            "can_write": can_write_households(user),
            "can_appraise": user.is_superuser or user.has_role(Role.APPRAISER),
            "appraisals": house.appraisals.all()[:20],
            "cases": house.cases.order_by("-opened_on", "-pk")[:20],
            "page_title": str(house),
        },
    )


@login_required
def house_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=pk)
    if not can_write_households(request.user):
        raise PermissionDenied("您的角色不能登记房屋。")
    form = HouseForm(request.POST or None, initial={"group_name": household.group_name, "address": household.address})
    if request.method == "POST" and form.is_valid():
        try:
            house = services.house_create(acting_user=signed_in_user(request), household=household, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记房屋。")
            return redirect("households:house_detail", pk=house.pk)
    return render(request, "households/form.html", {"form": form, "page_title": f"为 {household} 登记房屋"})


@login_required
def house_edit(request: HttpRequest, pk: int) -> HttpResponse:
    house = get_visible_or_404(House.objects.select_related("region", "household"), request.user, pk=pk)
    if not can_write_households(request.user):
        raise PermissionDenied("您的角色不能修改房屋。")
    form = HouseForm(request.POST or None, instance=House.objects.get(pk=house.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.house_update(acting_user=signed_in_user(request), house=house, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("households:house_detail", pk=house.pk)
    return render(request, "households/form.html", {"form": form, "page_title": f"修改 {house}"})
