"""The home page's work queues: each domain app registers, from its own ``queues.py`` in its
AppConfig.ready, a function that answers the user's queue items for a role; the home page (the
top layer) only renders them. The registry lives here, at the bottom, so an app registering
imports nothing above itself (ADR 0025)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class QueueItem:
    """One line of a role's queue: how many wait, the oldest for how long, where the work is done
    (the filtered list) and the one-line next step."""

    title: str
    count: int
    oldest_days: int | None
    url: str
    next_step: str
    key: str = ""
    order: int = 50  # lower first; equal orders keep the registration order


QueueProvider = Callable[[Any, str], Iterable[QueueItem]]
_PROVIDERS: list[QueueProvider] = []


def register_queue(provider: QueueProvider) -> None:
    """``provider(user, role)`` yields the queue items it has for ``role`` (may be none)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def age_days(since: datetime.date | datetime.datetime | None) -> int | None:
    """Whole days since ``since`` (a date or an aware datetime), None when nothing waits."""
    if since is None:
        return None
    if isinstance(since, datetime.datetime):
        since = timezone.localdate(since)
    return max((timezone.localdate() - since).days, 0)


def queue_for(user: Any, role: str | None) -> list[QueueItem]:
    """The user's queue for ``role``: only items with something waiting, in order."""
    if not role:
        return []
    items = [item for provider in _PROVIDERS for item in provider(user, role) if item.count > 0]
    return sorted(items, key=lambda item: item.order)
