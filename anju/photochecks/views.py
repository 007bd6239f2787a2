"""The township's list of photo flags and the explain form (ADR 0033)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.core.pages import error_text, paginate
from anju.core.scoping import get_visible_or_404
from anju.photochecks import selectors, services
from anju.photochecks.forms import ExplainForm
from anju.photochecks.models import PhotoFlag


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.flags_visible(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    page.object_list = selectors.with_acts(page.object_list, request.user)
    return render(
        request,
        "photochecks/flag_list.html",
        {
            "page_title": "照片核验提示",
            "page": page,
            "query": query,
            "filter": filterset,
            "form": filterset.form,
            "counts": selectors.flag_counts(request.user),
            "explain_form": ExplainForm(),
        },
    )


@login_required
@require_POST
def flag_explain(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_visible_or_404(PhotoFlag.objects.all(), request.user, pk=pk)
    form = ExplainForm(request.POST)
    target = form.data.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if form.is_valid():
        try:
            services.photo_flag_explain(
                acting_user=signed_in_user(request), flag=flag, explanation=form.cleaned_data["explanation"]
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "说明已保存，提示保留并标为已说明。")
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(target or "photochecks:flag_list")
