"""``{{ amount|yuan }}``: 21,000 / 7,500.50 (the locale's grouping would write 2,1000)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from anju.subsidies.money import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | int | None) -> str:
    return "" if value is None else format_yuan(value)
