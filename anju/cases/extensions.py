"""What the apps above the case contribute to it, registered by them (ADR 0025): the panels of
the case page, what stands between a case and 销号, and how much was paid on it. The cases app
asks this registry and imports none of them; each app registers in its AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

Panel = Callable[..., Any]  # (case=…, user=…) -> the panel's context, or None
Blockers = Callable[[Any], list[str]]  # case -> Chinese reasons 销号 must wait for
Paid = Callable[[Any], Decimal]  # case -> total paid

_PANELS: dict[str, Panel] = {}
_BLOCKERS: list[tuple[int, Blockers]] = []
_PAID: list[Paid] = []


def register_panel(name: str, provider: Panel) -> None:
    """A panel of the case page, under ``name`` in the template's context."""
    _PANELS[name] = provider


def register_close_blockers(provider: Blockers, *, order: int) -> None:
    """What the app requires before 销号; ``order`` fixes where its reasons are listed."""
    if all(existing is not provider for _, existing in _BLOCKERS):
        _BLOCKERS.append((order, provider))
        _BLOCKERS.sort(key=lambda entry: entry[0])


def register_paid_total(provider: Paid) -> None:
    if provider not in _PAID:
        _PAID.append(provider)


def panels(*, case: Any, user: Any) -> dict[str, Any]:
    return {name: provider(case=case, user=user) for name, provider in _PANELS.items()}


def close_blockers(case: Any) -> list[str]:
    return [reason for _, provider in _BLOCKERS for reason in provider(case)]


def paid_total(case: Any) -> Decimal:
    return sum((provider(case) for provider in _PAID), Decimal("0"))
