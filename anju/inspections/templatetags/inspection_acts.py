"""``{% acts_on obj as acts %}``: the acts the one table (``inspections.acts``) answers for the
page's user on ``obj``, by kind, so a page offers exactly the open ones and says why one waits."""

from __future__ import annotations

from typing import Any

from django import template

from anju.inspections import acts as inspection_acts

register = template.Library()


@register.simple_tag(takes_context=True)
def acts_on(context: dict[str, Any], obj: Any) -> dict[str, inspection_acts.Act]:
    return {act.kind: act for act in inspection_acts.available_acts(obj, context["request"].user)}
