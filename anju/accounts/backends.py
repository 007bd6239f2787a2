"""The session's user, read with their region and roles in one query (ADR 0054).

Every page reads the signed-in user's region (the scope of every list, the audit row's region,
the request log) and most ask for their roles (the menu, who may act). Django's
``ModelBackend.get_user`` reads the user alone, so each request paid a query for the region and
another for the roles; here they come in one (on PostgreSQL the roles as an array; elsewhere
the roles stay a query of their own, on first use). Passwords, permissions and
``user_can_authenticate`` are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Q


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        User = get_user_model()
        users = User._default_manager.select_related("region")
        with_roles = connections[users.db].vendor == "postgresql"
        if with_roles:
            users = users.annotate(
                role_list=ArrayAgg("role_grants__role", filter=Q(role_grants__isnull=False), default=[])
            )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if with_roles:
            user._role_codes = set(user.role_list)  # type: ignore[attr-defined]  # the annotation above; User.role_codes reads _role_codes
        return user if self.user_can_authenticate(user) else None
