"""Job kinds register a handler here; the worker looks it up by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anju.jobs.models import Job

Handler = Callable[["Job", Callable[[int, int, str], None]], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Handler:
    return _HANDLERS[kind]


# Rules a result file is checked against again at download, by name: a handler writes
# ``result["file_check"] = name`` when its file holds what only some roles may see (full ID
# numbers), and the app that owns the rule registers it here (the jobs app knows no domain).
FileCheck = Callable[[Any], bool]
_FILE_CHECKS: dict[str, FileCheck] = {}


def file_check(name: str) -> Callable[[FileCheck], FileCheck]:
    def register(fn: FileCheck) -> FileCheck:
        _FILE_CHECKS[name] = fn
        return fn

    return register


def file_allowed(name: str, user: Any) -> bool:
    """Whether ``user`` may still take a file made under rule ``name`` (unknown: no)."""
    check = _FILE_CHECKS.get(name)
    return bool(check is not None and check(user))
