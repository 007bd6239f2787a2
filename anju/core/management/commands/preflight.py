"""`manage.py preflight`: refuse to serve in production with missing or weak settings, saying
which (issue 21). `make serve` runs it first; it exits 1 on a problem, 0 with warnings."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MIN_KEY_LENGTH = 50


def problems_and_warnings(env: dict[str, str]) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    if settings.DEBUG:
        problems.append("DJANGO_DEBUG 已开启：生产环境必须关闭（不设置或设为 0）。")
    key = env.get("DJANGO_SECRET_KEY", "")
    if not key:
        problems.append(
            "未设置 DJANGO_SECRET_KEY。生成一个：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    elif len(key) < MIN_KEY_LENGTH or len(set(key)) < 10:
        problems.append(f"DJANGO_SECRET_KEY 太弱：至少 {MIN_KEY_LENGTH} 个字符且不能重复单一字符。")
    if not env.get("DJANGO_ALLOWED_HOSTS", "").strip():
        problems.append("未设置 DJANGO_ALLOWED_HOSTS（用户访问本系统所用的域名或 IP，逗号分隔）。")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        warnings.append(
            "正在使用 SQLite（var/anju.sqlite3）：可供一个乡镇试用；正式部署请设置 DATABASE_URL 使用 PostgreSQL。"
        )
    if not settings.ANJU_HTTPS:
        warnings.append("未设置 ANJU_HTTPS=1：登录 Cookie 未标记 Secure，只应在内网 HTTP 下使用。")
    return problems, warnings


class Command(BaseCommand):
    help = "检查生产环境设置；缺少或过弱时拒绝启动并说明原因。"

    def handle(self, *args: Any, **options: Any) -> None:
        problems, warnings = problems_and_warnings(dict(os.environ))
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
        if problems:
            raise CommandError("无法以生产模式启动：\n" + "\n".join(f"  - {p}" for p in problems))
        self.stdout.write("生产环境设置检查通过。")
