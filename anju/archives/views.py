"""Archive pages: the list of archives in scope, a case's checklist (upload per item, withdraw,
joint review) and the printable archive."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts.actors import signed_in_user
from anju.archives import selectors, services
from anju.archives.forms import ReviewForm, WithdrawForm
from anju.archives.models import ArchiveDocument
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.cases.models import RenovationCase
from anju.core.pages import paginate, run_action
from anju.core.scoping import get_visible_or_404


def _case(request: HttpRequest, case_pk: int) -> RenovationCase:
    return get_visible_or_404(
        RenovationCase.objects.select_related("household__region", "region", "policy", "house"),
        request.user,
        pk=case_pk,
    )


@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.archives_visible(request.user, request.GET)
    page, query = paginate(request, filterset.qs)
    context = {"page_title": "一户一档", "page": page, "query": query, "filter": filterset, "form": filterset.form}
    return render(request, "archives/archive_list.html", context)


def _render_case(
    request: HttpRequest,
    case: RenovationCase,
    *,
    upload_errors: dict[str, list[str]] | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = selectors.case_page(case=case, user=request.user)
    errors = upload_errors or {}
    withdrawable = context["withdrawable"]
    context |= {
        "page_title": f"一户一档 · {case.household.head_name}户",
        "rows": [
            {
                "item": item,
                "errors": errors.get(item.code, []),
                "documents": [(d, d.pk in withdrawable) for d in item.documents],
            }
            for item in context["items"]
        ],
        # An upload refused for a code that is not in the list (an old page, a forged form).
        "other_error": "；".join(
            m for code, e in errors.items() if code not in {i.code for i in context["items"]} for m in e
        ),
        "review_form": review_form or ReviewForm(roles=context["review_roles"]),
    }
    return render(request, "archives/case_archive.html", context, status=status)


@login_required
def case_archive(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _render_case(request, _case(request, case_pk))


@login_required
@require_POST
def upload(request: HttpRequest, case_pk: int) -> HttpResponse:
    """One or several files (``<input type=file multiple>``) under one item: all filed, or none
    with every refused file named."""
    case = _case(request, case_pk)
    code = request.POST.get("code", "")
    try:
        documents = services.documents_upload(
            acting_user=signed_in_user(request),
            case=case,
            code=code,
            uploads=request.FILES.getlist("file"),
            device=(request.POST.get("device_latitude"), request.POST.get("device_longitude")),
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        return _render_case(request, case, upload_errors={code: exc.messages})
    names = "、".join(d.original_name for d in documents)
    item = selectors.document_name(case, code)
    count = f"{len(documents)} 个文件" if len(documents) > 1 else ""
    messages.success(request, f"已归档「{item}」{count}：{names}。")
    return redirect(reverse("archives:case_archive", args=[case.pk]) + f"#item-{code}")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_visible_or_404(ArchiveDocument.objects.select_related("case__policy"), request.user, pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    page = reverse("archives:case_archive", args=[document.case_id])
    return run_action(
        request,
        lambda: services.document_withdraw(acting_user=signed_in_user(request), document=document, reason=reason),
        success=lambda d: f"已撤回「{selectors.document_name(d.case, d.code)}」中的 {d.original_name}（保留记录）。",
        then=lambda d: page,
        otherwise=page,
    )


@login_required
@require_POST
def review(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    roles = selectors.case_page(case=case, user=request.user)["review_roles"]
    form = ReviewForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            result = services.archive_review(
                acting_user=signed_in_user(request),
                case=case,
                agreed=form.cleaned_data["agreed"],
                opinion=form.cleaned_data["opinion"],
                on=form.cleaned_data["on"],
                role=form.cleaned_data.get("role") or "",
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已记录共同审定：{result}。")
            return redirect("archives:case_archive", case_pk=case.pk)
    return _render_case(request, case, review_form=form)


@login_required
def archive_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
    from anju.archives.pdf import archive_pdf as build

    case = _case(request, case_pk)
    content = build(case)
    # Printing the archive takes personal data out of the system: logged like every export.
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=case, note="打印一户一档（PDF）")
    response = HttpResponse(content, content_type="application/pdf")
    name = f"一户一档-{case.household.head_name}-{case.archive_no or case.pk}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
