"""Django's admin as an inspection tool for the operator's superuser only (issue 21): a county
officer with staff status sees nothing there, and ``ANJU_ADMIN=0`` removes it altogether."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class AnjuAdminSite(admin.AdminSite):
    site_header = "anju 数据查看（仅系统管理员）"
    site_title = "anju"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class AnjuAdminConfig(AdminConfig):
    default_site = "anju.core.admin_site.AnjuAdminSite"
