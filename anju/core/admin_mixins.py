"""Django's admin is an inspection tool for the operator's superuser only:
every write goes through anju's services (and so the audit trail), never the admin."""

from typing import Any

from django.http import HttpRequest


class ViewOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
