"""Print the demo logins, one per role, for the newcomer who just typed `make run`."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.demo.data import DEMO_PASSWORD, DEMO_USERS, SUPERUSER


def _pad(text: str, width: int) -> str:
    """Pad to a display width, counting CJK characters as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - shown)


class Command(BaseCommand):
    help = "打印演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(User.objects.values_list("username", flat=True))
        lines = [
            "",
            f"安居演示系统：{options['url']}    所有演示账号的密码：{DEMO_PASSWORD}",
            "",
            _pad("账号", 14) + _pad("角色", 36) + "所属区划",
        ]
        users = {u.username: u for u in User.objects.select_related("region")}
        for demo in (*DEMO_USERS, SUPERUSER):
            if demo.username not in present:
                continue
            user = users[demo.username]
            roles = "、".join(Role(r).label for r in demo.roles[:3]) + ("等" if len(demo.roles) > 3 else "")
            region = user.region.full_name() if user.region else "全国（超级管理员）"
            lines.append(_pad(demo.username, 14) + _pad(roles, 36) + region)
        lines.append("")
        self.stdout.write("\n".join(lines))
