"""A new, migrated database in about a second: a copy of a template that ``manage.py migrate``
built once for the current migrations (ADR 0052).

The tests that start ``manage.py`` processes on a database of their own (the workers, the backup
round trip, the killed import) and the benchmarks' smoke runs each needed a ``migrate`` of all 77
migrations first: 9 s of one core on SQLite, more on PostgreSQL, about a fifth of ``make test``.
Now the first caller builds the template (under a lock, so two test workers build it once) and
every caller copies it: a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.

The template is named by a hash of every migration file and of Django's version, so a changed
migration makes a new template and the old one is dropped. SQLite templates are kept in
``var/test-templates/`` (``ANJU_TEMPLATE_DIR``), PostgreSQL ones as databases ``anju_tpl_<hash>``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PREFIX = "anju_tpl_"
LOCK_KEY = 4_202_312  # pg_advisory_lock: one template build at a time on a server


def migrations_hash() -> str:
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted((ROOT / "anju").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrate(database_url: str) -> None:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_ALLOW_INSECURE_KEY": "1",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0", "--noinput"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed for the template: {done.stderr[-2000:]}")


def sqlite_template() -> Path:
    """The migrated SQLite template's file (built on first use)."""
    folder = Path(os.environ.get("ANJU_TEMPLATE_DIR", ROOT / "var" / "test-templates"))
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"migrated-{migrations_hash()}.sqlite3"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            _migrate(f"sqlite:///{building}")
            for old in folder.glob("migrated-*.sqlite3"):
                old.unlink()
            building.rename(template)
    return template


def postgres_template(server: str | dict[str, Any]) -> str:
    """The name of the migrated template database on the PostgreSQL server of ``server`` (a URL,
    or a Django database settings dict), built on first use."""
    import psycopg
    from psycopg import sql

    admin_url = _admin_url(server)
    name = f"{TEMPLATE_PREFIX}{migrations_hash()}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                building = f"{name}_building"
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building)))
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
                _migrate(urlparse(admin_url)._replace(path=f"/{building}").geturl())
                admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (building, name))))
                old = admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    [TEMPLATE_PREFIX + "%", name],
                ).fetchall()
                for (stale,) in old:
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(stale)))
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    return name


def _admin_url(server: str | dict[str, Any]) -> str:
    if isinstance(server, str):
        return urlparse(server)._replace(path="/postgres").geturl()
    user = quote(server.get("USER") or "postgres")
    password = f":{quote(server['PASSWORD'])}" if server.get("PASSWORD") else ""
    host, port = server.get("HOST") or "127.0.0.1", server.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/postgres"


def migrated_database(database_url: str) -> str:
    """Make the database at ``database_url`` (a ``sqlite:///`` file or a PostgreSQL URL) a fresh
    copy of the migrated template, replacing whatever was there. Returns ``database_url``."""
    url = urlparse(database_url)
    if url.scheme == "sqlite":
        target = Path(database_url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template(), target)
        return database_url
    import psycopg
    from psycopg import sql

    admin_url = _admin_url(database_url)
    template = postgres_template(admin_url)
    name = url.path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(*map(sql.Identifier, (name, template))))
    return database_url
