"""Backup and restore (issue 21; ADR 0026): the database and the uploaded files in one folder,
with a manifest of row counts and file hashes that a restore checks before it touches anything
and again after it has finished.

A backup folder holds:

- ``db.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``db.sqlite3`` (SQLite: its online
  backup API, consistent while the server runs);
- ``media.tar``: every file under MEDIA_ROOT (photos, scans, imported lists, job results);
- ``manifest.json``: when, which engine, the latest migration of each app, the number of rows
  of every table, and the SHA-256 of the dump, of the tar and of every file in it.

A restore goes into an empty database (created, never migrated) and an empty MEDIA_ROOT only: it refuses a damaged or
incomplete backup (a hash that differs, a file missing) and a target that holds data, changing
nothing, and after restoring compares every table's row count with the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal, in Chinese, with nothing changed."""


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    @property
    def rows(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.data["rows"].items()}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def _tables() -> list[str]:
    """Every table of every installed model (auto-created many-to-many tables included)."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def row_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    counts: dict[str, int] = {}
    with conn.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _dump_database(engine: str, folder: Path) -> Path:
    if engine == "postgresql":
        target = folder / "db.dump"
        args, env = _pg_env()
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
        return target
    target = folder / "db.sqlite3"
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
    try:
        with sqlite3.connect(str(target)) as out:
            source.backup(out)
    finally:
        source.close()
    return target


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _archive_media(folder: Path) -> tuple[Path, dict[str, str]]:
    root = Path(settings.MEDIA_ROOT)
    target = folder / "media.tar"
    hashes: dict[str, str] = {}
    with tarfile.open(target, "w") as tar:
        for path in _media_files():
            name = path.relative_to(root).as_posix()
            hashes[name] = sha256(path)
            tar.add(path, arcname=name, recursive=False)
    return target, hashes


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def backup(out_dir: Path) -> Path:
    """Write one backup folder under ``out_dir`` and return it."""
    engine = _engine()
    folder = out_dir / timezone.localtime().strftime("anju-%Y%m%d-%H%M%S")
    if folder.exists():
        raise BackupError(f"备份目录已存在：{folder}")
    folder.mkdir(parents=True)
    try:
        rows = row_counts()
        dump = _dump_database(engine, folder)
        media, media_hashes = _archive_media(folder)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "migrations": _latest_migrations(),
            "rows": rows,
            "files": {dump.name: sha256(dump), media.name: sha256(media)},
            "media": media_hashes,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def read_manifest(folder: Path) -> Manifest:
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} 中没有 manifest.json，不是完整的备份。") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError("manifest.json 已损坏，无法读取。") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("manifest.json 的格式不是本版本 anju 的备份格式。")
    return Manifest(data)


def verify(folder: Path) -> Manifest:
    """Check every file the manifest names against its hash; raise BackupError otherwise."""
    manifest = read_manifest(folder)
    for name, expected in manifest.data["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少 {name}。")
        if sha256(path) != expected:
            raise BackupError(f"备份已损坏：{name} 的校验值与清单不符。")
    return manifest


def _target_is_empty() -> bool:
    """A database never migrated: no table at all (a migrated one already holds seeded rows)."""
    return not connection.introspection.table_names()


def _restore_database(manifest: Manifest, folder: Path) -> None:
    if manifest.engine == "postgresql":
        args, env = _pg_env()
        connection.close()
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args,
             str(folder / "db.dump")],
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
        return
    connection.close()
    source = sqlite3.connect(str(folder / "db.sqlite3"))
    try:
        with sqlite3.connect(str(settings.DATABASES["default"]["NAME"])) as target:
            source.backup(target)
    finally:
        source.close()


def _restore_media(manifest: Manifest, folder: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = manifest.data["media"]
    with tarfile.open(folder / "media.tar") as tar:
        names = set(tar.getnames())
        if names != set(expected):
            raise BackupError("media.tar 中的文件与清单不符。")
        tar.extractall(root, filter="data")
    for name, digest in expected.items():
        if sha256(root / name) != digest:
            raise BackupError(f"恢复后的文件 {name} 校验值不符。")


def restore(folder: Path) -> dict[str, int]:
    """Restore a verified backup into an empty database and MEDIA_ROOT; return the row counts."""
    manifest = verify(folder)
    if manifest.engine != _engine():
        raise BackupError(f"这是 {manifest.engine} 数据库的备份，当前数据库是 {_engine()}；请恢复到同类数据库。")
    if not _target_is_empty():
        raise BackupError(
            "目标数据库不是空的（已有数据表）：只能恢复到新建的空数据库（不要先执行 migrate），未做任何改动。"
        )
    if any(Path(settings.MEDIA_ROOT).glob("*")) and _media_files():
        raise BackupError(f"文件目录 {settings.MEDIA_ROOT} 不是空的：只能恢复到空目录，未做任何改动。")
    _restore_database(manifest, folder)
    _restore_media(manifest, folder)
    restored = row_counts()
    differing = {t: (n, restored.get(t)) for t, n in manifest.rows.items() if restored.get(t) != n}
    if differing:
        detail = "；".join(f"{t}: 备份 {a} 行，恢复 {b} 行" for t, (a, b) in list(differing.items())[:5])
        raise BackupError(f"恢复后的行数与清单不符：{detail}")
    return restored
