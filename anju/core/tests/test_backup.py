"""Backup → restore round trip on each backend (issue 21), with real `manage.py` processes on
their own databases: the restored database has every row and every file; a damaged backup and a
non-empty target are refused with nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.migrated import migrated_database

ROOT = Path(__file__).resolve().parents[3]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

MAKE_DATA = (
    "from django.core.files.base import ContentFile; from django.core.files.storage import default_storage;"
    "from anju.accounts.models import User;"
    "[User.objects.create(username=f'u{i}', full_name=f'乡镇干部{i}') for i in range(7)];"
    "default_storage.save('inspections/2026/12/照片.jpg', ContentFile(b'JPEG' * 1000));"
    "default_storage.save('archives/scan.pdf', ContentFile(b'%PDF-1.4 scan'))"
)
READ_BACK = (
    "from django.core.files.storage import default_storage; from anju.accounts.models import User;"
    "print(User.objects.filter(username__startswith='u').count(),"
    " len(default_storage.open('inspections/2026/12/照片.jpg').read()),"
    " default_storage.open('archives/scan.pdf').read().decode())"
)


def _manage(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed: {result.stderr[-2000:]}")
        return result

    return run


def _env(tmp_path: Path, name: str, database_url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_ALLOW_INSECURE_KEY": "1",
        "ANJU_VAR_DIR": str(tmp_path / name),
        "ANJU_MEDIA_ROOT": str(tmp_path / name / "media"),
    }


def _round_trip(tmp_path: Path, src_url: str, dst_url: str, third_url: str) -> None:
    source = _manage(_env(tmp_path, "src", migrated_database(src_url)))
    source("shell", "--no-imports", "-c", MAKE_DATA)
    made = source("backup", "--out", str(tmp_path / "backups")).stdout
    assert "备份完成" in made
    (folder,) = (tmp_path / "backups").iterdir()

    target = _manage(_env(tmp_path, "dst", dst_url))
    restored = target("restore", str(folder)).stdout
    assert "与备份清单一致" in restored
    assert target("shell", "--no-imports", "-c", READ_BACK).stdout.split() == ["7", "4000", "%PDF-1.4", "scan"]

    # Into a database that now holds data: refused.
    again = target("restore", str(folder), check=False)
    assert again.returncode == 1 and "不是空的" in again.stderr

    # A damaged backup: refused before anything is written.
    with (folder / "media.tar").open("ab") as f:
        f.write(b"x")
    third = _manage(_env(tmp_path, "third", third_url))
    damaged = third("restore", str(folder), check=False)
    assert damaged.returncode == 1 and "已损坏" in damaged.stderr
    assert not (tmp_path / "third" / "media").exists() or not any((tmp_path / "third" / "media").rglob("*"))


def test_sqlite_round_trip(tmp_path: Path) -> None:
    _round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'src.sqlite3'}",
        f"sqlite:///{tmp_path / 'dst.sqlite3'}",
        f"sqlite:///{tmp_path / 'third.sqlite3'}",
    )
    with sqlite3.connect(tmp_path / "third.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone() == (0,)


@pytest.fixture
def pg_databases() -> Iterator[list[str]]:
    psycopg = pytest.importorskip("psycopg")
    names = [f"anju_backup_{n}_{os.getpid()}" for n in ("src", "dst", "third")]
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc.__class__.__name__})")
    with admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        yield [f"postgresql://postgres@127.0.0.1:5432/{n}" for n in names]
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_round_trip(tmp_path: Path, pg_databases: list[str]) -> None:
    _round_trip(tmp_path, *pg_databases)
