"""Create the operator's first superuser; the password is typed in, never a default."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.accounts.services import user_bootstrap_superuser


class Command(BaseCommand):
    help = "创建运维超级管理员账号（密码需交互输入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        try:
            user_bootstrap_superuser(username=options["username"], password=password)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建超级管理员 {options['username']}。"))
