"""Numbers as the offices write them, for pages, PDFs and messages alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def yuan(amount: Any) -> str:
    """An amount in yuan: 21,000 / 7,500.50 (thousands separated; cents only when there are any;
    Django's zh locale would group by four)."""
    value = Decimal(str(amount or 0))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def plain_number(value: Any) -> str:
    """A measure without trailing zeros: 240.00 → 240, 85.50 → 85.5 (areas, m²)."""
    return f"{Decimal(str(value)).normalize():f}"
