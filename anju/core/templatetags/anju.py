"""Template tags and filters: personal information as the viewer may see it, amounts in yuan."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from anju.core.masking import Kind, mask_account, mask_id_number, mask_phone, shown
from anju.core.numbers import plain_number, yuan

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context: dict[str, Any], value: str | None, kind: str, empty: str = "") -> str:
    """``{% personal household.head_id_number "id" %}`` (kinds: id, phone, account): whole to a
    viewer (the template's ``request.user``) whose role may see it (``anju.core.masking.POLICY``),
    masked otherwise; ``empty`` when there is no value."""
    request = context.get("request")
    return shown(value, Kind(kind), getattr(request, "user", None)) or empty


# Indent of a division under its county in a region picker, by level (township, village).
_INDENT = {4: "\u3000", 5: "\u3000\u3000"}


@register.simple_tag
def region_options(regions: Any, selected: str) -> str:
    """``{% region_options regions selected_region %}``: a region picker's ``<option>``s, the
    townships and villages indented under their county. Written here rather than looped in the
    template: a county's 250 divisions cost the template engine ~15 ms a page (ADR 0054)."""
    out = []
    for r in regions:
        chosen = " selected" if r.code == selected else ""
        out.append(f'<option value="{escape(r.code)}"{chosen}>{_INDENT.get(r.level, "")}{escape(r.name)}</option>')
    return mark_safe("".join(out))  # codes and names escaped above


# The mask_* filters always mask, whoever looks (they can never show a value whole).
@register.filter
def mask_id(value: str | None) -> str:
    return mask_id_number(value or "")


@register.filter(name="mask_phone")
def mask_phone_filter(value: str | None) -> str:
    return mask_phone(value or "")


@register.filter(name="mask_account")
def mask_account_filter(value: str | None) -> str:
    return mask_account(value or "")


@register.filter(name="yuan")
def yuan_filter(value: Decimal | int | float | None) -> str:
    return "" if value is None or value == "" else yuan(value)


@register.filter
def area(value: Decimal | None) -> str:
    return "" if value is None or value == "" else plain_number(value)
