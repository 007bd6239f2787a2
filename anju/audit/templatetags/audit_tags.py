from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from anju.audit.models import AuditEvent

register = template.Library()

# Fields whose values are codes an auditor looks up (a rule's id): shown as a small muted code,
# never as if it were wording meant for the reader.
CODE_FIELDS = frozenset({"rule_id"})


@register.simple_tag(takes_context=True)
def audit_changes(context: dict[str, Any], event: AuditEvent) -> list[tuple[str, str, str]]:
    """``{% audit_changes event as rows %}``: labelled changes, personal data as the page's viewer
    (``request.user``) may see it (``anju.core.masking.POLICY``)."""
    request = context.get("request")
    rows = event.changes_display(viewer=getattr(request, "user", None))
    fields = [field for field, diff in (event.changes or {}).items() if isinstance(diff, dict)]
    return [
        (label, _code(before), _code(after)) if field in CODE_FIELDS else (label, before, after)
        for field, (label, before, after) in zip(fields, rows, strict=True)
    ]


def _code(value: str) -> str:
    return value if value == "（空）" else format_html('<code class="small text-muted">{}</code>', value)
