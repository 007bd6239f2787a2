"""Check every stored stage photo against its house (photos saved before the check existed, or
after a policy change). A flag found before stays; new ones are added and audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anju.photochecks.services import photo_check_record
from anju.photochecks.sources import sources


class Command(BaseCommand):
    help = "核验已保存的各阶段照片（位置、时间、重复），补记提示"

    def handle(self, *args: Any, **options: Any) -> None:
        for name, source in sources().items():
            count = 0
            for photo in source():
                photo_check_record(photo=photo, acting_user=None)
                count += 1
            self.stdout.write(f"{name}：已核验 {count} 张照片")
