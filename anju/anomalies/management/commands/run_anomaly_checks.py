"""`manage.py run_anomaly_checks`: the nightly run of the anomaly checks, county by county
(each county under the version of the checks in force for it). Schedule it with cron or a
systemd timer (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.anomalies.choices import RunTrigger
from anju.anomalies.services import checks_run
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


class Command(BaseCommand):
    help = "运行异常核查（夜间定时任务）：逐个区/县运行全部启用的核查规则。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help="只核查该区划代码所在的区/县（默认全部区/县）。")

    def handle(self, *args: Any, **options: Any) -> None:
        counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        if options["region"]:
            counties = counties.filter(code=options["region"].strip())
            if not counties.exists():
                raise CommandError(f"区划代码 {options['region']} 不是一个区/县。")
        for county in counties:
            run = checks_run(region=county, acting_user=None, trigger=RunTrigger.NIGHTLY)
            self.stdout.write(f"{county.name}：新发现 {run.found}，仍存在 {run.still_open}，已纠正 {run.fixed}。")
