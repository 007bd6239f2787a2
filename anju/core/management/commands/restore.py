"""`manage.py restore <folder>`: into an empty database and MEDIA_ROOT, after checking the
backup's manifest; refuses a damaged backup or a non-empty target, changing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库（先校验清单，恢复后核对行数）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="manage.py backup 生成的备份目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = restore(Path(options["folder"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：{len(rows)} 张表共 {sum(rows.values())} 行，与备份清单一致。")
