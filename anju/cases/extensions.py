"""What the apps above the case contribute to it, registered by them (ADR 0025): the panels of
the case page, what stands between a case and 销号, how much was paid on it, and who wants to
know that a case was opened (the archive files the house's 鉴定表, ADR 0029). The cases app
asks this registry and imports none of them; each app registers in its AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

Panel = Callable[..., Any]  # (case=…, user=…) -> the panel's context, or None
Blockers = Callable[[Any], list[str]]  # case -> Chinese reasons 销号 must wait for
Closable = Callable[[Any], Any]  # cases (a queryset) -> those of them the app lets close
Paid = Callable[[Any], Decimal]  # case -> total paid

_PANELS: dict[str, Panel] = {}
_BLOCKERS: list[tuple[int, Blockers]] = []
_CLOSABLE: dict[Blockers, Closable] = {}
_PAID: list[Paid] = []
Opened = Callable[[Any, Any], None]  # (case, acting_user), after the opening committed
_OPENED: list[Opened] = []


def register_panel(name: str, provider: Panel) -> None:
    """A panel of the case page, under ``name`` in the template's context."""
    _PANELS[name] = provider


def register_close_blockers(provider: Blockers, *, order: int, closable: Closable | None = None) -> None:
    """What the app requires before 销号; ``order`` fixes where its reasons are listed.
    ``closable(cases)`` is the same requirement as a filter over many cases at once (the home
    queue counts them in one query): it keeps exactly the cases ``provider`` has nothing against."""
    if all(existing is not provider for _, existing in _BLOCKERS):
        _BLOCKERS.append((order, provider))
        _BLOCKERS.sort(key=lambda entry: entry[0])
    if closable is not None:
        _CLOSABLE[provider] = closable


def register_paid_total(provider: Paid) -> None:
    if provider not in _PAID:
        _PAID.append(provider)


def panels(*, case: Any, user: Any) -> dict[str, Any]:
    return {name: provider(case=case, user=user) for name, provider in _PANELS.items()}


def close_blockers(case: Any) -> list[str]:
    return [reason for _, provider in _BLOCKERS for reason in provider(case)]


def closable(cases: Any) -> Any | None:
    """``cases`` narrowed to those no app has a blocker against, in the database; None when an
    app registered blockers without their filter (then only ``close_blockers`` case by case can say)."""
    for _, provider in _BLOCKERS:
        narrow = _CLOSABLE.get(provider)
        if narrow is None:
            return None
        cases = narrow(cases)
    return cases


def paid_total(case: Any) -> Decimal:
    return sum((provider(case) for provider in _PAID), Decimal("0"))


def register_opened(listener: Opened) -> None:
    if listener not in _OPENED:
        _OPENED.append(listener)


def case_opened(case: Any, acting_user: Any) -> None:
    """Tell the listeners once the current transaction (the opening) has committed."""

    def tell() -> None:
        for listener in _OPENED:
            listener(case, acting_user)

    transaction.on_commit(tell)


# Whether a newly opened case counts against the year's 年度任务 or is 动态新增 is decided by the
# county's annual work plan (``reporting``, ADR 0037), which registers the answer here.
TaskKindOf = Callable[[str, int, Any], str]  # (region code, year, opened on) -> TaskKind value
_TASK_KIND: list[TaskKindOf] = []


def register_task_kind(provider: TaskKindOf) -> None:
    _TASK_KIND[:] = [provider]


def task_kind_of(region_code: str, year: int, opened_on: Any) -> str:
    """The kind a case opened on ``opened_on`` is marked with; 年度任务 when no plan says otherwise."""
    from anju.cases.choices import TaskKind

    return _TASK_KIND[0](region_code, year, opened_on) if _TASK_KIND else TaskKind.ANNUAL


Origin = Callable[[Any, Any], tuple[str, str] | None]  # (household, on) -> (CaseOrigin value, note) or None
_ORIGINS: list[Origin] = []


def register_origin(provider: Origin) -> None:
    """An app above that knows a household came as 动态新增 (the sudden-hardship register, ADR
    0035) says so when its case opens."""
    if provider not in _ORIGINS:
        _ORIGINS.append(provider)


def origin_of(household: Any, on: Any) -> tuple[str, str] | None:
    for provider in _ORIGINS:
        found = provider(household, on)
        if found is not None:
            return found
    return None
