from __future__ import annotations

from django import template

from anju.audit.models import AuditEvent

register = template.Library()


@register.simple_tag
def audit_changes(event: AuditEvent, show_pii: bool) -> list[tuple[str, str, str]]:
    """``{% audit_changes event show_pii as rows %}``: labelled changes, masked unless allowed."""
    return event.changes_display(masked=not show_pii)
