from __future__ import annotations

from typing import Any

from django import template

from anju.audit.models import AuditEvent

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_changes(context: dict[str, Any], event: AuditEvent) -> list[tuple[str, str, str]]:
    """``{% audit_changes event as rows %}``: labelled changes, personal data as the page's viewer
    (``request.user``) may see it (``anju.core.masking.POLICY``)."""
    request = context.get("request")
    return event.changes_display(viewer=getattr(request, "user", None))
