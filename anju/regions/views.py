"""Browsing the region tree and importing divisions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from anju.core.actors import signed_in_actor
from anju.core.roles import Role
from anju.core.scoping import get_visible_or_404
from anju.jobs.services import job_start
from anju.kit.acts import refusal_text
from anju.regions.acts import IMPORT_BOUNDARIES, act_refusal, may
from anju.regions.forms import BoundaryImportForm, RegionImportForm
from anju.regions.models import Region
from anju.regions.selectors import boundary_summary, region_children, region_roots
from anju.regions.services import BoundaryImportError, boundary_import


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    roots = region_roots(viewer=request.user)
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(request, "regions/browse.html", {"roots": roots, "page_title": "行政区划"})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_actor(request)
    region = get_visible_or_404(Region.objects.all(), user, code=code)
    user_region = getattr(user, "region", None)
    crumbs = [
        {"label": r.name, "url": reverse("regions:detail", args=[r.code])}
        for r in region.ancestors()
        if user_region is None or r.is_within(user_region)
    ]
    crumbs.append({"label": region.name, "url": ""})
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "children": region_children(viewer=user, region=region),
            "breadcrumbs": crumbs,
            "can_import": user.is_superuser or user.has_role(Role.ADMIN),
            "can_import_boundaries": may(region, user, IMPORT_BOUNDARIES),
            "page_title": region.name,
        },
    )


@login_required
def import_regions(request: HttpRequest) -> HttpResponse:
    user = signed_in_actor(request)
    if not (user.is_superuser or user.has_role(Role.ADMIN)):
        raise PermissionDenied("只有系统管理员可以导入行政区划。")
    form = RegionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ANJU_MAX_IMPORT_BYTES:
            form.add_error("file", "文件过大。")
        else:
            job = job_start(
                acting_user=user,
                kind="regions.import",
                title=f"导入行政区划：{upload.name}",
                params={"filename": upload.name},
                input_name=upload.name,
                input_data=upload.read(),
            )
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "regions/import.html", {"form": form, "page_title": "导入行政区划"})


@login_required
def import_boundaries(request: HttpRequest, code: str) -> HttpResponse:
    """A county's boundary file: upload, every feature checked, all or nothing (ADR 0028)."""
    user = signed_in_actor(request)
    county = get_visible_or_404(Region.objects.all(), user, code=code)
    refused = act_refusal(county, user, IMPORT_BOUNDARIES)
    if refused is not None:
        raise PermissionDenied(refusal_text(refused))
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = boundary_import(data=upload.read(), filename=upload.name, county=county, acting_user=user)
        except BoundaryImportError as exc:
            errors = [str(exc), *(str(e) for e in exc.errors)]
        else:
            removed = f"，原有而新文件未含的 {result.removed} 个边界已删除" if result.removed else ""
            messages.success(request, f"已导入 {result.imported} 个区划的边界{removed}。")
            return redirect("regions:boundaries", code=county.code)
    return render(
        request,
        "regions/boundaries.html",
        {
            "region": county,
            "form": form,
            "errors": errors,
            "summary": boundary_summary(county=county),
            "page_title": f"导入边界 · {county.name}",
        },
    )
