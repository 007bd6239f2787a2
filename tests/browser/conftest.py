"""Headless Chromium (Debian's package) driven by Playwright against live_server.

Skips with the reason printed when /usr/bin/chromium is missing; `.ci/run`
installs it, so CI always runs these.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.test import override_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("ANJU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does)")
    # Playwright's sync API runs an event loop; Django must allow ORM use beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


# The demo as loaded once per test process, per ``upto``: SQLite copies of the database that the
# next test restores in a few milliseconds instead of loading the demo again (a full load is
# ~30 s; the browser tests ask for it 15 times). Files the demo wrote stay in the process's
# in-memory storage, so the restored rows find them.
_DEMO_SNAPSHOTS: dict[str, sqlite3.Connection] = {}


def load_demo(upto: str = "") -> None:
    """``manage.py load_demo [--upto]`` into the (empty, transactional) test database."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    def load() -> None:
        with override_settings(DEBUG=True):
            call_command("load_demo", *(["--upto", upto] if upto else []), stdout=StringIO())

    if connection.vendor != "sqlite":
        load()
        return
    connection.ensure_connection()
    raw = connection.connection
    snapshot = _DEMO_SNAPSHOTS.get(upto)
    if snapshot is None:
        load()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(snapshot)
        _DEMO_SNAPSHOTS[upto] = snapshot
    else:
        snapshot.backup(raw)
        # The flush after the last test re-created the content types under new ids.
        ContentType.objects.clear_cache()


def text_of(page: Page, selector: str) -> str:
    """The element's text content (the test fails if the element is missing)."""
    text = page.text_content(selector)
    assert text is not None, f"no {selector} on the page"
    return text


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
