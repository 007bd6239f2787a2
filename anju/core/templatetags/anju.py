"""Template filters for masking personal information."""

from __future__ import annotations

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
