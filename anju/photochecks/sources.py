"""Where the stage photos are: each app that stores them registers a function listing its saved
photos as ``StagePhoto``s (in its ``AppConfig.ready``), so ``manage.py photo_checks_run`` can
check photos saved before the check existed without this app importing theirs (ADR 0025)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from anju.photochecks.services import StagePhoto

Source = Callable[[], Iterable[StagePhoto]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _SOURCES[name] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)
