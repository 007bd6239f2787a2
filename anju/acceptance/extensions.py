"""What the apps above acceptance add to a case's checklist, registered by them (ADR 0025): the
township duties add a traditional house's protection items (ADR 0044). Acceptance asks this
registry and imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ExtraItems = Callable[[Any], list[dict[str, Any]]]  # case -> items {code, name, group, required}
_EXTRA: list[ExtraItems] = []


def register_extra_items(provider: ExtraItems) -> None:
    if provider not in _EXTRA:
        _EXTRA.append(provider)


def extra_items(case: Any) -> list[dict[str, Any]]:
    return [item for provider in _EXTRA for item in provider(case)]
