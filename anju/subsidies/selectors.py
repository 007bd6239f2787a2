"""Reads of this app. (Placeholder while the app is being built: see anju/cases/services.py
``close_blockers`` for how it is used.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def case_close_blockers(case: Any) -> list[str]:
    return []


def paid_total(case: Any) -> Decimal:
    return Decimal(0)
