"""Reads that may be served by a PostgreSQL read replica (issue 23 item 5, ADR 0043).

When ``ANJU_REPLICA_DATABASE_URL`` is set, settings add a ``replica`` database alias and turn
``ANJU_REPLICA_READS`` on. Code that only reads — the dashboard, the map, an export job — runs its
reads inside ``replica_reads()`` (or a view decorated with ``@reads_from_replica``), and
``ReplicaRouter`` sends them to the replica. Everything else, every write, and the reads of the
models that must be current (sessions, users and roles, jobs, login attempts) stay on
``default``. A replica lags its primary by a moment: fine for summaries and exports, wrong for
the page a user sees right after saving, which is why routing is opt-in per read."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
# Models read on the primary even inside replica_reads(): who is logged in, what a job has done.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "jobs", "django_tasks_db", "contenttypes"})

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("anju_replica_reads", default=False)


def replica_enabled() -> bool:
    return bool(getattr(settings, "ANJU_REPLICA_READS", False)) and REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may go to the replica (when one is configured)."""
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


_V = TypeVar("_V", bound=Callable[..., Any])


def reads_from_replica(view: _V) -> _V:
    """A read-only view whose queries may be served by the replica."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature at runtime; mypy sees (*args, **kwargs)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads inside ``replica_reads()`` to the replica, the rest to
    ``default``. Migrations run on ``default`` only (the replica follows by streaming)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _active.get() or not replica_enabled():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        # Inside a write transaction the reads must see its own writes.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same data on both aliases

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA
