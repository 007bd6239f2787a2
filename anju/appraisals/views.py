"""Appraisal pages: the appraiser's form for a house, the appraisal and its printable form,
the list with filters, and the province's template versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anju.accounts.actors import signed_in_user
from anju.appraisals import selectors, services
from anju.appraisals.forms import (
    AppraisalForm,
    ComponentFormSet,
    TemplateMetaForm,
    content_from_formset,
    formset_initial,
)
from anju.appraisals.models import Appraisal
from anju.core.pages import paginate
from anju.core.scoping import get_visible_or_404
from anju.households.choices import StructureType
from anju.households.models import House
from anju.kit.config_views import ConfigPages
from anju.kit.forms import apply_errors
from anju.kit.versioning import EDITOR_ROLE, can_edit_config


def _can_appraise(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False) or user.has_role(*services.APPRAISE_ROLES))  # type: ignore[attr-defined]  # the views are behind login: user is a User (typed object until the acting user is typed)


@login_required
def appraisal_new(request: HttpRequest, house_pk: int) -> HttpResponse:
    house = get_visible_or_404(House.objects.select_related("household", "region"), request.user, pk=house_pk)
    if not _can_appraise(request.user):
        raise PermissionDenied("只有具备鉴定人员角色的用户才能录入鉴定结果。")
    template = services.template_for(house.region_code)
    components = template.components_for(house.structure)
    if request.method == "POST":
        form = AppraisalForm(request.POST, request.FILES, components=components)
        if form.is_valid():
            try:
                appraisal = services.appraisal_record(
                    acting_user=signed_in_user(request), house=house, **form.service_kwargs()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                if "components" in getattr(exc, "message_dict", {}):
                    form.add_error(None, exc.message_dict["components"])
            else:
                messages.success(request, f"已录入鉴定：{appraisal.final_grade} 级。")
                return redirect("appraisals:appraisal_detail", pk=appraisal.pk)
    else:
        form = AppraisalForm(components=components, initial=selectors.last_appraiser_details(request.user))
    return render(
        request,
        "appraisals/appraisal_form.html",
        {"page_title": f"鉴定 · {house}", "house": house, "form": form, "template": template},
    )


@login_required
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_visible_or_404(
        Appraisal.objects.select_related("house__region", "household", "template", "recorded_by"), request.user, pk=pk
    )
    criteria = {c["code"]: c["criteria"] for c in appraisal.template.content.get("components", [])}
    rows = [{**c, "criterion": criteria.get(c["code"], {}).get(c["grade"], "")} for c in appraisal.components]
    return render(
        request,
        "appraisals/appraisal_detail.html",
        {
            "page_title": str(appraisal),
            "appraisal": appraisal,
            "rows": rows,
            "photos": appraisal.photos.all(),
            "others": appraisal.house.appraisals.exclude(pk=appraisal.pk)[:20],
        },
    )


@login_required
def appraisal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from anju.appraisals.pdf import appraisal_pdf as build

    appraisal = get_visible_or_404(
        Appraisal.objects.select_related("house__region", "household", "template"), request.user, pk=pk
    )
    response = HttpResponse(build(appraisal), content_type="application/pdf")
    name = f"鉴定表-{appraisal.household.head_name}-{appraisal.appraised_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def appraisal_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.appraisal_list(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "appraisals/appraisal_list.html",
        {"page_title": "鉴定记录", "page": page, "query": query, "filter": filterset, "form": filterset.form},
    )


# --- templates (versioning: anju.kit.versioning) ---------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "appraisals/template_list.html",
        {
            "page_title": "鉴定模板",
            "templates": selectors.templates_visible(user),
            "can_derive": bool(user.is_superuser or (user.has_role(EDITOR_ROLE) and user.region_id)),
        },
    )


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_visible_or_404(selectors.templates_visible(request.user), request.user, pk=pk)
    structures = {s.value: s.label for s in StructureType}
    components = [
        {**c, "structure_labels": [structures.get(s, s) for s in c["structures"]]}
        for c in template.content.get("components", [])
    ]
    return render(
        request,
        "appraisals/template_detail.html",
        {
            "page_title": str(template),
            "template": template,
            "components": components,
            "can_edit": template.is_editable and can_edit_config(signed_in_user(request), template),
            "used": Appraisal.objects.visible_to(request.user).filter(template=template).count(),
        },
    )


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_visible_or_404(selectors.templates_visible(request.user), request.user, pk=pk)
    if not can_edit_config(signed_in_user(request), template):
        raise PermissionDenied("您不能修改这个鉴定模板。")
    if not template.is_editable:
        messages.error(request, "已启用或停用的版本不能修改；请基于它建立新版本。")
        return redirect("appraisals:template_detail", pk=template.pk)
    if request.method == "POST":
        meta = TemplateMetaForm(request.POST)
        formset = ComponentFormSet(request.POST, prefix="c")
        if meta.is_valid() and formset.is_valid():
            try:
                services.template_update(
                    acting_user=signed_in_user(request),
                    template=template,
                    content=content_from_formset(template, formset),
                    name=meta.cleaned_data["name"],
                    note=meta.cleaned_data["note"],
                )
            except ValidationError as exc:
                meta.add_error(None, exc.messages)
            else:
                messages.success(request, "模板已保存。")
                return redirect("appraisals:template_detail", pk=template.pk)
    else:
        meta = TemplateMetaForm(initial={"name": template.name, "note": template.note})
        formset = ComponentFormSet(initial=formset_initial(template), prefix="c")
    return render(
        request,
        "appraisals/template_edit.html",
        {"page_title": f"修改 {template}", "template": template, "meta": meta, "formset": formset},
    )


TEMPLATE_PAGES = ConfigPages(
    namespace="appraisals",
    prefix="template",
    visible=selectors.templates_visible,
    derive=services.template_derive,
    activate=services.template_activate,
    discard=services.template_discard,
    config_kwarg="template",
    activated="此后的鉴定按此版本，已有鉴定仍按原版本。",
)
