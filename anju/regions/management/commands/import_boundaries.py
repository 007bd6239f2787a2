"""Import a county's boundary file (GeoJSON) on the command line: all or nothing (ADR 0028)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.kit.acts import refusal_text
from anju.regions.models import Region
from anju.regions.services import BoundaryImportError, boundary_import


class Command(BaseCommand):
    help = "导入一个区/县的边界文件（GeoJSON 要素集合，要素属性含区划代码），替换该区/县原有的边界。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--county", required=True, help="区/县的区划代码，如 140405000000")
        parser.add_argument("--as-user", required=True, help="以该用户身份导入（记入审计日志）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            user = get_user_model().objects.select_related("region").get(username=options["as_user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {options['as_user']} 不存在。") from exc
        county = Region.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"区划代码 {options['county']} 不存在。")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        try:
            result = boundary_import(data=data, filename=path.name, county=county, acting_user=user)
        except BoundaryImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from exc
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(refusal_text(exc)) from exc
        removed = f"，删除新文件未含的 {result.removed} 个" if result.removed else ""
        self.stdout.write(f"{county.name}：导入 {result.imported} 个区划的边界{removed}。")
