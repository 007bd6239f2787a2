"""The shape every "who may act now" table shares (cases, inspections, reporting, supervision;
ADR 0025): each app's ``acts.py`` decides, for one object, user and act, the refusal — a
``PermissionDenied`` for who and where, a ``ValidationError`` for when — or None. This module
turns that answer into the page's and API's ``Act`` rows, the Chinese reason, and the services'
first check, so the four tables differ only in their rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

Refusal = Exception | None


@dataclass(frozen=True)
class Act:
    """One act a page may offer: open, or the reason it is not."""

    kind: str
    allowed: bool
    reason: str = ""
    label: str = ""


def refusal_text(refused: Refusal) -> str:
    """The refusal in Chinese as a user reads it; "" when there is none."""
    if refused is None:
        return ""
    return "；".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)


def raise_refusal(refused: Refusal) -> None:
    """The services' first line: refuse with the table's own exception."""
    if refused is not None:
        raise refused


def acts_for(kinds: Iterable[str], refusal: Callable[[str], Refusal], label: Callable[[str], str]) -> list[Act]:
    """Every act in ``kinds``, each open or with its reason, in order."""
    answers = []
    for kind in kinds:
        reason = refusal_text(refusal(kind))
        answers.append(Act(kind=kind, allowed=not reason, reason=reason, label=label(kind)))
    return answers
