"""Template filters: masking personal information, amounts in yuan."""

from __future__ import annotations

from decimal import Decimal

from django import template

from anju.households.idcard import mask_account, mask_id_number, mask_phone

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return mask_id_number(value or "")


@register.filter(name="mask_phone")
def mask_phone_filter(value: str | None) -> str:
    return mask_phone(value or "")


@register.filter(name="mask_account")
def mask_account_filter(value: str | None) -> str:
    return mask_account(value or "")


@register.filter
def key_group_label(value: str | None) -> str:
    from anju.households.choices import KeyGroup

    return KeyGroup(value).label if value in KeyGroup.values else (value or "")


@register.filter
def yuan(value: Decimal | int | float | None) -> str:
    """An amount as the offices write it: 21,000 / 7,500.50 (Django's zh locale groups by four)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


@register.filter
def area(value: Decimal | None) -> str:
    """A floor area without trailing zeros: 45, 46.5."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).normalize():f}"
