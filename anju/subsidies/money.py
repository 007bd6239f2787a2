"""Amounts as the offices write them: 21,000 元, 7,500.50 元."""

from __future__ import annotations

from decimal import Decimal


def yuan(amount: Decimal | int | None) -> str:
    """Thousands separated; cents only when there are any."""
    value = Decimal(amount or 0)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"
