"""What the apps after eligibility add to a household's decision page (ADR 0025): the case
app shows the household's open case, or offers to open one. Registered by those apps in their
AppConfig.ready; this app imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (household=…, decision=…, user=…) -> extra template context
DecisionExtra = Callable[..., dict[str, Any]]
_EXTRAS: list[DecisionExtra] = []


def register_decision_extra(provider: DecisionExtra) -> None:
    if provider not in _EXTRAS:
        _EXTRAS.append(provider)


def decision_extras(*, household: Any, decision: Any, user: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for provider in _EXTRAS:
        extra |= provider(household=household, decision=decision, user=user)
    return extra
