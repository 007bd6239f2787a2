"""Import divisions from a CSV/xlsx file on the command line (all-or-nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.regions.services import RegionImportError, region_import


class Command(BaseCommand):
    help = "从 CSV/Excel 导入统计用区划代码（code, name[, parent]）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--as-user", required=True, help="以该用户身份导入（记入审计日志）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            user = get_user_model().objects.select_related("region").get(username=options["as_user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {options['as_user']} 不存在。") from exc
        try:
            result = region_import(data=path.read_bytes(), filename=path.name, acting_user=user)
        except RegionImportError as exc:
            for error in exc.result.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"共 {result.total} 行：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}。"
        )
