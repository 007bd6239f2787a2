"""The audit log of one's region and the history of one object."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from anju.audit.filters import AuditEventFilter
from anju.audit.models import AuditEvent
from anju.core.actors import signed_in_actor
from anju.core.navigation import AUDIT_ROLES
from anju.core.pages import paginate
from anju.core.scoping import RegionScopedQuerySet


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_actor(request)
    if not (user.is_superuser or user.has_role(*AUDIT_ROLES)):
        raise PermissionDenied("您的角色不能查看审计日志。")
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.visible_to(user).select_related("actor"))
    page, query = paginate(request, filterset.qs, 50)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "filter": filterset,
            "form": filterset.form,
            "query": query,
            "page_title": "审计日志",
        },
    )


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """History of one object; visible only if the object itself is."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError) as exc:
        raise Http404("对象不存在或不在您的管辖范围内。") from exc
    manager_qs = model._default_manager.all()
    if not isinstance(manager_qs, RegionScopedQuerySet) or model is AuditEvent:
        raise Http404("对象不存在或不在您的管辖范围内。")
    try:
        obj = manager_qs.visible_to(request.user).get(pk=object_id)
    except (model.DoesNotExist, ValueError) as exc:
        raise Http404("对象不存在或不在您的管辖范围内。") from exc
    events = AuditEvent.objects.filter(object_type=model._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/object_history.html",
        {"obj": obj, "page": page, "page_title": f"{obj} 的变更记录"},
    )
