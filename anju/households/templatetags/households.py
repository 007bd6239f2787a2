"""Template filters of the household registry."""

from __future__ import annotations

from django import template

from anju.households.choices import KeyGroup

register = template.Library()


@register.filter
def key_group_label(value: str | None) -> str:
    return str(KeyGroup(value).label) if value in KeyGroup.values else (value or "")
