"""Recompute the dashboard's summaries: all of them, or the regions given. The full refresh (the
nightly one) first mends any house whose key-group flag drifted from its household's group
(``households.services.key_flags_repair``, ADR 0053), so the map's cells it writes are right."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.dashboard.services import summaries_refresh
from anju.households.services import key_flags_repair


class Command(BaseCommand):
    help = "重新统计动态清零看板（默认全部区划；可指定区划代码，只更新其下各村并向上汇总）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="区划代码（可多个）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if not options["codes"] and (mended := key_flags_repair()):
            self.stdout.write(f"已校正 {mended} 处房屋的重点对象标记。")
        rows = summaries_refresh(region_codes=options["codes"] or None)
        self.stdout.write(f"已更新 {rows} 行统计，用时 {time.perf_counter() - started:.2f} 秒。")
