from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from anju.accounts.models import User, UserQuerySet, UserRole


def user_list(*, viewer: Any, q: str = "", role: str = "", active: str = "") -> UserQuerySet:
    qs = (
        User.objects.visible_to(viewer)
        .select_related("region")
        .prefetch_related(Prefetch("role_grants", queryset=UserRole.objects.order_by("role")))
        .order_by("region__code", "username")
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
    if role:
        qs = qs.filter(role_grants__role=role)
    if active in {"0", "1"}:
        qs = qs.filter(is_active=active == "1")
    return qs
