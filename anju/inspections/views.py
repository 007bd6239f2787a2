"""Inspection pages: campaigns and coverage, the phone-first inspection form, referrals,
emergency boards, the occupied-dangerous-house board, village sign-offs and follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import Role
from anju.audit.services import log_export
from anju.core.exporting import table_response
from anju.core.filtering import refuse_invalid, select_fields
from anju.core.masking import Kind, shown
from anju.core.pages import error_text, form_error_text, paginate
from anju.core.scoping import get_visible_or_404
from anju.households.models import House, Household
from anju.inspections import acts, selectors, services
from anju.inspections.choices import ActKind, ReferralStatus
from anju.inspections.filters import (
    DangerBoardFilter,
    EmergencyTaskFilter,
    FollowUpFilter,
    InspectionFilter,
    ReferralFilter,
    UncoveredFilter,
)
from anju.inspections.forms import (
    CampaignForm,
    EventForm,
    FollowUpStepForm,
    HazardItemForm,
    HousingCheckForm,
    InspectionForm,
    MeasureForm,
    ReferralDecisionForm,
    VerifyForm,
)
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    EmergencyTask,
    FollowUp,
    HazardItem,
    Inspection,
    Referral,
    VillageList,
)
from anju.inspections.pdf import village_list_pdf
from anju.inspections.tables import INSPECTION_FIELDS, inspection_table
from anju.kit.forms import apply_errors


def _ensure_page(kind: str, user: Any, on: Any = None) -> None:
    """A page for an act the one table (inspections.acts) refuses is a 403 with its reason."""
    reason = acts.act_refusal(kind, user, on)
    if reason:
        raise PermissionDenied(reason)


def _sign_act(campaign: Campaign, user: Any) -> acts.Act | None:
    """A village head's signing of the campaign's list of their own region (None for anyone else):
    offered, or why not (another village's campaign, already signed)."""
    village = getattr(user, "region", None)
    if village is None or not user.has_role(Role.VILLAGE_HEAD):
        return None
    return acts.available_acts(acts.Signing(campaign, village), user)[0]


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "inspections/hub.html",
        {
            "page_title": "排查",
            "campaigns": Campaign.objects.visible_to(user).select_related("region")[:10],
            "events": EmergencyEvent.objects.visible_to(user).annotate(
                total=Count("tasks"), done=Count("tasks", filter=Q(tasks__inspection__isnull=False))
            )[:10],
            "occupied_dangerous": selectors.occupied_dangerous_houses(user).count(),
            "pending_referrals": Referral.objects.visible_to(user).filter(status=ReferralStatus.PENDING).count(),
            "open_follow_ups": FollowUp.objects.visible_to(user).filter(demolished_on__isnull=True).count(),
            "recent": Inspection.objects.visible_to(user).select_related("house__household", "inspector")[:10],
            "can_organise": acts.may(ActKind.CAMPAIGN, user),
            "can_manage_checklist": acts.may(ActKind.CHECKLIST, user),
        },
    )


# --- campaigns ---------------------------------------------------------------------------------


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    _ensure_page(ActKind.CAMPAIGN, request.user)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(acting_user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已部署「{campaign}」，共 {campaign.villages.count()} 个村。")
            return redirect("inspections:campaign_detail", pk=campaign.pk)
    return render(request, "households/form.html", {"form": form, "page_title": "部署常规排查"})


@login_required
def housing_check_new(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """以人找房: where a household with no house of its own to inspect lives."""
    campaign = get_visible_or_404(Campaign.objects.all(), request.user, pk=pk)
    household = get_visible_or_404(Household.objects.select_related("region"), request.user, pk=household_pk)
    _ensure_page(ActKind.HOUSING_CHECK, request.user, acts.HouseholdVisit(household, campaign))
    form = HousingCheckForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.housing_check_record(
                acting_user=signed_in_user(request), campaign=campaign, household=household, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录{household}的住房情况：{check.get_kind_display()}，本次排查已覆盖该户。")
            return redirect(reverse("inspections:campaign_detail", args=[campaign.pk]) + "#uncovered")
    return render(
        request,
        "inspections/housing_check_form.html",
        {"page_title": f"核实住房情况：{household}", "form": form, "campaign": campaign, "household": household},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_visible_or_404(Campaign.objects.select_related("region"), request.user, pk=pk)
    coverage = selectors.campaign_coverage(campaign, request.user)
    filterset = _uncovered(request, campaign)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "page_title": str(campaign),
            "campaign": campaign,
            "coverage": coverage,
            "page": page,
            "query": query,
            "village": request.GET.get("village", ""),
            "filter": filterset,
            "sign_offs": selectors.sign_off_status(campaign, request.user),
            "sign": _sign_act(campaign, request.user),
            "recording_refusal": acts.recording_refusal(request.user, campaign),
        },
    )


def _uncovered(request: HttpRequest, campaign: Campaign) -> UncoveredFilter:
    """The campaign's uncovered households as ``UncoveredFilter`` narrows them (page and export)."""
    uncovered = (
        selectors.campaign_households(campaign, request.user)
        .filter(covered=False)  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
        .select_related("region")
        .prefetch_related("houses")
        .order_by("region_code", "head_name")
    )
    return UncoveredFilter(request.GET, queryset=uncovered)


@login_required
def campaign_uncovered_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The uncovered key households: the clerks' to-do list, with the columns people import."""
    campaign = get_visible_or_404(Campaign.objects.all(), request.user, pk=pk)
    filterset = _uncovered(request, campaign)
    if refused := refuse_invalid(filterset):
        return refused
    qs = filterset.qs
    rows = (
        [
            h.region.name,
            h.group_name,
            h.head_name,
            shown(h.head_id_number, Kind.ID, request.user),
            shown(h.phone, Kind.PHONE, request.user),
            h.get_primary_group_display(),
            "有" if h.houses.all() else "无（须先登记房屋）",
        ]
        for h in qs.iterator(chunk_size=2000)
    )
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    response, count = table_response(
        fmt=fmt,
        title=f"未排查重点对象-{campaign.title}"[:60],
        headers=["村", "村民小组", "户主姓名", "身份证号", "联系电话", "重点对象类别", "房屋记录"],
        rows=rows,
        widths=[16, 10, 10, 22, 14, 16, 18],
    )
    log_export(
        actor=request.user,
        what="inspections.campaign.uncovered",
        filters={"campaign": pk, **{k: v for k, v in request.GET.items() if k not in {"format", "page"}}},
        rows=count,
        fmt=fmt,
    )
    return response


# --- inspections -------------------------------------------------------------------------------


@login_required
def inspection_new(request: HttpRequest, house_pk: int) -> HttpResponse:
    house = get_visible_or_404(House.objects.select_related("household", "region"), request.user, pk=house_pk)
    campaign = event = None
    if request.GET.get("campaign") or request.POST.get("campaign"):
        campaign = get_visible_or_404(
            Campaign.objects.all(), request.user, pk=request.GET.get("campaign") or request.POST.get("campaign")
        )
    if request.GET.get("event") or request.POST.get("event"):
        event = get_visible_or_404(
            EmergencyEvent.objects.all(), request.user, pk=request.GET.get("event") or request.POST.get("event")
        )
    if campaign is None and event is None:
        campaign = selectors.current_campaign(house, request.user)
    _ensure_page(ActKind.INSPECT, request.user, acts.HouseVisit(house, campaign, event))
    form = InspectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            inspection = services.inspection_record(
                acting_user=signed_in_user(request), house=house, campaign=campaign, event=event, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存排查记录（{inspection.get_suspected_grade_display()}）。")
            url = reverse("inspections:inspection_detail", args=[inspection.pk])
            if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                # The phone form posts with fetch and clears its draft only on this answer.
                return JsonResponse({"id": inspection.pk, "url": url}, status=201)
            return redirect(url)
    hazards_by_part: dict[str, list[Any]] = {}
    for item in HazardItem.objects.filter(is_active=True):
        hazards_by_part.setdefault(item.get_part_display(), []).append(item)
    return render(
        request,
        "inspections/inspection_form.html",
        {
            "page_title": f"排查：{house}",
            "house": house,
            "form": form,
            "campaign": campaign,
            "event": event,
            "hazards_by_part": hazards_by_part,
            "selected_hazards": set(form["hazards"].value() or []),
            "draft_key": f"anju-inspection-{house.pk}-{campaign.pk if campaign else ''}-{event.pk if event else ''}",
        },
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        Inspection.objects.select_related("house__household", "house__region", "inspector", "campaign", "event"),
        request.user,
        pk=pk,
    )
    labels = {
        code: label if active else f"{label}（已停用）"
        for code, label, active in HazardItem.objects.values_list("code", "label", "is_active")
    }
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "page_title": str(inspection),
            "inspection": inspection,
            "hazards": [labels.get(code, code) for code in inspection.hazards],
            "photos": inspection.photos.all(),
            "referral": Referral.objects.filter(inspection=inspection).first(),
        },
    )


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    qs = Inspection.objects.visible_to(request.user).select_related("house__household", "inspector")
    filterset = InspectionFilter(request.GET, queryset=qs, request=request)
    page, query = paginate(request, filterset.qs.only(*INSPECTION_FIELDS))  # the table's columns only (ADR 0054)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page_title": "排查记录",
            "page": page,
            "table": inspection_table(page.object_list),
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "selects": {select.name: select for select in select_fields(filterset)},
        },
    )


# --- referrals ---------------------------------------------------------------------------------


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    qs = Referral.objects.visible_to(request.user).select_related("household", "inspection__inspector", "decided_by")
    # A department's liaison sees the referrals addressed to their own department only: the
    # other department's are neither theirs to decide nor to read (``acts.DEPARTMENT_ROLE``).
    own = [dept for dept, role in acts.DEPARTMENT_ROLE.items() if request.user.has_role(role)]  # type: ignore[union-attr]  # django-stubs: request.user may be AnonymousUser; this view requires login
    if own and not request.user.is_superuser:
        qs = qs.filter(department__in=own)
    params = request.GET.copy()
    params.setdefault("status", ReferralStatus.PENDING)  # the page opens on what waits; ?status= is all
    filterset = ReferralFilter(params, queryset=qs, request=request)
    status = params["status"]
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "inspections/referral_list.html",
        {
            "page_title": "以房找人转交",
            "page": page,
            "query": query,
            "status": status,
            "statuses": ReferralStatus.choices,
            "filter": filterset,
            "form": ReferralDecisionForm(),
        },
    )


@login_required
@require_POST
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_visible_or_404(Referral.objects.select_related("household"), request.user, pk=pk)
    form = ReferralDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择核实结论。")
        return redirect("inspections:referral_list")
    try:
        services.referral_decide(acting_user=signed_in_user(request), referral=referral, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"{referral.household}：{error_text(exc)}")
    else:
        messages.success(request, f"已核实 {referral.household}。")
    return redirect("inspections:referral_list")


# --- emergency inspections ---------------------------------------------------------------------


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    _ensure_page(ActKind.EMERGENCY, request.user)
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["villages"] = list(data["villages"])
        try:
            event = services.emergency_declare(acting_user=signed_in_user(request), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已启动「{event}」应急排查，生成任务 {event.tasks.count()} 个。")
            return redirect("inspections:event_detail", pk=event.pk)
    return render(request, "households/form.html", {"form": form, "page_title": "启动应急排查"})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(EmergencyEvent.objects.select_related("region"), request.user, pk=pk)
    tasks = (
        EmergencyTask.objects.visible_to(request.user)
        .filter(event=event)
        .select_related("house__household", "house__region", "inspection")
    )
    filterset = EmergencyTaskFilter(request.GET, queryset=tasks.order_by("inspection", "priority", "region_code", "pk"))
    page, query = paginate(request, filterset.qs, 50)
    board = selectors.event_board(event, request.user)
    return render(
        request,
        "inspections/event_detail.html",
        {
            "page_title": str(event),
            "event": event,
            "board": board,
            "total": sum(r["total"] for r in board),
            "done": sum(r["done"] for r in board),
            "page": page,
            "query": query,
            "recording_refusal": acts.recording_refusal(request.user, None),
            "filter": filterset,
            "form": filterset.form,
        },
    )


# --- control measures and the occupied-dangerous board -----------------------------------------


@login_required
def danger_board(request: HttpRequest) -> HttpResponse:
    filterset = DangerBoardFilter(request.GET, queryset=selectors.occupied_dangerous_houses(request.user))
    houses = filterset.qs
    if request.GET.get("format") in ("xlsx", "csv"):
        if refused := refuse_invalid(filterset):
            return refused
        rows = (
            [
                h.region.name,
                h.household.head_name,
                shown(h.household.head_id_number, Kind.ID, request.user),
                h.grade_text,
                h.occupants if h.last_inspected_at else "未核实",
                h.elderly_occupants if h.last_inspected_at else "未核实",
                h.days_at_grade,
                getattr(h, "measures", 0),
                getattr(h, "verified_measures", 0),
            ]
            for h in houses
        )
        fmt = request.GET["format"]
        response, count = table_response(
            fmt=fmt,
            title="住人危房清单",
            headers=["村", "户主", "身份证号", "当前等级", "居住人数", "60岁以上", "在榜天数", "管控措施", "已核查"],
            rows=rows,
        )
        filters = {k: v for k, v in request.GET.items() if k not in {"format", "page"}}
        log_export(actor=request.user, what="inspections.danger_board", filters=filters, rows=count, fmt=fmt)
        return response
    page, query = paginate(request, houses, exact=True)  # 仍有 N 处: the figure itself
    return render(
        request,
        "inspections/danger_board.html",
        {
            "page_title": "危房住人清零",
            "page": page,
            "query": query,
            "filter": filterset,
            "filters": filterset.form,
            "by_township": selectors.occupied_dangerous_by_township(request.user),
            "form": MeasureForm(),
        },
    )


@login_required
def house_measures(request: HttpRequest, house_pk: int) -> HttpResponse:
    house = get_visible_or_404(House.objects.select_related("household", "region"), request.user, pk=house_pk)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_record(acting_user=signed_in_user(request), house=house, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记管控措施。")
            return redirect("inspections:house_measures", house_pk=house.pk)
    return render(
        request,
        "inspections/house_measures.html",
        {
            "page_title": f"管控措施：{house}",
            "house": house,
            "measures": selectors.measures_of(house),
            "form": form,
            "verify_form": VerifyForm(),
            "dangerous": house.is_dangerous,
        },
    )


@login_required
@require_POST
def measure_verify(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(ControlMeasure.objects.all(), request.user, pk=pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.measure_verify(acting_user=signed_in_user(request), measure=measure, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "已记录核查。")
    else:
        messages.error(request, form_error_text(form))
    return redirect("inspections:house_measures", house_pk=measure.house_id)


# --- village lists -----------------------------------------------------------------------------


@login_required
def village_list_sign(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_visible_or_404(Campaign.objects.all(), request.user, pk=campaign_pk)
    village = getattr(request.user, "region", None)
    sign = _sign_act(campaign, request.user)
    if sign is None or village is None:
        raise PermissionDenied("只有村主要负责人可以签字。")
    existing = acts.latest_list(campaign, village)
    if request.method == "POST":
        try:
            record = services.village_list_sign(acting_user=signed_in_user(request), campaign=campaign, village=village)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "已签字，清单已报送乡镇。")
            return redirect("inspections:village_list_detail", pk=record.pk)
    return render(
        request,
        "inspections/village_list_sign.html",
        {
            "page_title": f"{village.name}疑似危房清单签字",
            "campaign": campaign,
            "village": village,
            "houses": services.village_list_content(campaign, village),
            "existing": existing,
            "sign": sign,
        },
    )


@login_required
def village_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(
        VillageList.objects.select_related("campaign", "village", "signed_by", "received_by"), request.user, pk=pk
    )
    history = (
        VillageList.objects.visible_to(request.user)
        .filter(campaign=record.campaign_id, village=record.village_id)
        .select_related("signed_by", "received_by", "returned_by")
        .order_by("-round")
    )
    return render(
        request,
        "inspections/village_list_detail.html",
        {"page_title": str(record), "record": record, "history": history},
    )


@login_required
def village_list_download(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(
        VillageList.objects.select_related("campaign", "village", "signed_by", "received_by"), request.user, pk=pk
    )
    response = HttpResponse(village_list_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="village-list-{record.village.code}.pdf"'
    return response


@login_required
@require_POST
def village_list_receive(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(VillageList.objects.all(), request.user, pk=pk)
    try:
        services.village_list_receive(acting_user=signed_in_user(request), village_list=record)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已接收。")
    return redirect("inspections:village_list_detail", pk=record.pk)


def _list_act_with_reason(request: HttpRequest, pk: int, act: Callable[..., VillageList], done: str) -> HttpResponse:
    record = get_visible_or_404(VillageList.objects.all(), request.user, pk=pk)
    try:
        result = act(acting_user=signed_in_user(request), village_list=record, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("inspections:village_list_detail", pk=record.pk)
    messages.success(request, done)
    return redirect("inspections:village_list_detail", pk=result.pk)


@login_required
@require_POST
def village_list_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_act_with_reason(request, pk, services.village_list_return, "已退回，待村里修改后重新签字。")


@login_required
@require_POST
def village_list_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_act_with_reason(request, pk, services.village_list_supplement, "已补报并签字，清单已重新报送乡镇。")


# --- follow-ups --------------------------------------------------------------------------------


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    qs = FollowUp.objects.visible_to(request.user).select_related("household", "house__region")
    params = request.GET.copy()
    params.setdefault("state", "open")  # the page opens on what is left to do
    filterset = FollowUpFilter(params, queryset=qs)
    page, query = paginate(request, filterset.qs)
    context = {"page_title": "跟进任务", "page": page, "query": query, "state": params["state"]}
    return render(request, "inspections/follow_up_list.html", context | {"filter": filterset, "form": filterset.form})


@login_required
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_visible_or_404(
        FollowUp.objects.select_related("household", "house__region", "inspection"), request.user, pk=pk
    )
    form = FollowUpStepForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_step(acting_user=signed_in_user(request), follow_up=follow_up, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记。")
            return redirect("inspections:follow_up_detail", pk=follow_up.pk)
    next_step = None
    if follow_up.moved_on is None:
        next_step = "moved"
    elif follow_up.demolished_on is None:
        next_step = "demolished"
    if next_step and not form.is_bound:
        form = FollowUpStepForm(initial={"step": next_step})
    return render(
        request,
        "inspections/follow_up_detail.html",
        {
            "page_title": str(follow_up),
            "follow_up": follow_up,
            "form": form,
            "next_step": next_step,
            # the next step as the one table answers it: offered, or why it waits
            "next_act": next(a for a in acts.available_acts(follow_up, request.user) if a.kind == next_step)
            if next_step
            else None,
        },
    )


# --- the hazard checklist (one list for every region; see services.can_manage_checklist) --------


def _checklist_admin(request: HttpRequest) -> None:
    _ensure_page(ActKind.CHECKLIST, request.user)


@login_required
def checklist(request: HttpRequest) -> HttpResponse:
    _checklist_admin(request)
    items = list(HazardItem.objects.all())
    return render(
        request,
        "inspections/checklist.html",
        {
            "page_title": "隐患检查项",
            "active": [i for i in items if i.is_active],
            "retired": [i for i in items if not i.is_active],
        },
    )


@login_required
def checklist_new(request: HttpRequest) -> HttpResponse:
    _checklist_admin(request)
    form = HazardItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.hazard_item_create(acting_user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新增「{item.label}」（代码 {item.code}），排在最后。")
            return redirect("inspections:checklist")
    return render(request, "households/form.html", {"form": form, "page_title": "新增隐患检查项"})


@login_required
def checklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _checklist_admin(request)
    item = get_object_or_404(HazardItem, pk=pk)
    initial = {"label": item.label, "part": item.part, "serious": item.serious}
    form = HazardItemForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_item_update(acting_user=signed_in_user(request), item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。已录入的排查记录随之显示新的描述。")
            return redirect("inspections:checklist")
    return render(request, "households/form.html", {"form": form, "page_title": f"修改隐患检查项（代码 {item.code}）"})


def _checklist_action(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    _checklist_admin(request)
    item = get_object_or_404(HazardItem, pk=pk)
    try:
        act(item)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        if done:
            messages.success(request, done.format(label=item.label))
    return redirect("inspections:checklist")


@login_required
@require_POST
def checklist_move(request: HttpRequest, pk: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _checklist_action(
        request,
        pk,
        lambda item: services.hazard_item_move(acting_user=signed_in_user(request), item=item, direction=direction),
        "",
    )


@login_required
@require_POST
def checklist_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _checklist_action(
        request,
        pk,
        lambda item: services.hazard_item_retire(acting_user=signed_in_user(request), item=item),
        "已停用「{label}」：排查表不再显示，已录入的排查记录仍保留这一项。",
    )


@login_required
@require_POST
def checklist_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _checklist_action(
        request,
        pk,
        lambda item: services.hazard_item_restore(acting_user=signed_in_user(request), item=item),
        "已重新启用「{label}」。",
    )
