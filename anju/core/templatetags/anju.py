"""Template filters: masking personal information, amounts in yuan."""

from __future__ import annotations

from decimal import Decimal

from django import template

from anju.core.masking import mask_account, mask_id_number, mask_phone
from anju.core.numbers import plain_number, yuan

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


@register.filter(name="yuan")
def yuan_filter(value: Decimal | int | float | None) -> str:
    return "" if value is None or value == "" else yuan(value)


@register.filter
def area(value: Decimal | None) -> str:
    return "" if value is None or value == "" else plain_number(value)
