"""`manage.py backup`: the database and the uploaded files into one folder with a manifest
(anju.core.backup; schedule in docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core.backup import BackupError, backup, read_manifest


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个目录（含行数与校验值清单）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            default=str(getattr(settings, "ANJU_BACKUP_DIR", Path(settings.VAR_DIR) / "backups")),
            help="备份存放目录（默认 ANJU_BACKUP_DIR 或 var/backups）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(folder)
        rows = sum(manifest.rows.values())
        files = len(manifest.data["media"])
        self.stdout.write(f"备份完成：{folder}（{len(manifest.rows)} 张表共 {rows} 行，{files} 个文件）")
