from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from anju.accounts.models import ApiToken, ApiTokenQuerySet, User, UserQuerySet, UserRole


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


def api_token_list(*, viewer: Any, owner: User | None = None) -> ApiTokenQuerySet:
    """The live (unexpired) tokens the viewer may see: their own, and an administrator's also
    those of users in their subtree; ``owner`` narrows to one user's. Newest first."""
    qs = ApiToken.objects.visible_to(viewer).live().select_related("user__region")
    if owner is not None:
        qs = qs.filter(user=owner)
    return qs.order_by("-created", "-id")
