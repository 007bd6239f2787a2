"""Bounding how much memory a piece of work may add to this process (ADR 0022).

``RLIMIT_AS`` is set to the process's current address space plus a budget while the block
runs, and put back after: an allocation past it fails with ``MemoryError`` (Python) instead of
growing the worker until the host swaps or the kernel kills it. The limit is process-wide, so
it is only used where the process runs one job at a time (the job worker)."""

from __future__ import annotations

import contextlib
import os
import resource
from collections.abc import Iterator


def address_space_bytes() -> int:
    """The process's current virtual size (Linux ``/proc/self/statm``; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def memory_limit(extra_mb: int) -> Iterator[None]:
    """Let the block grow the process by at most ``extra_mb`` MB of address space (0: no limit)."""
    current = address_space_bytes()
    if extra_mb <= 0 or not current:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + (extra_mb << 20)
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            limit = min(limit, bound)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
