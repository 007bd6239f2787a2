from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from anju.accounts.filters import UserFilter
from anju.accounts.models import ApiToken, ApiTokenQuerySet, User, UserRole
from anju.core.actors import Viewer


def user_list(*, viewer: Viewer, params: Any) -> UserFilter:
    """The users the viewer may manage, narrowed by ``UserFilter`` (page and API alike)."""
    qs = (
        User.objects.visible_to(viewer)
        .select_related("region")
        .prefetch_related(Prefetch("role_grants", queryset=UserRole.objects.order_by("role")))
        .order_by("region__code", "username")
    )
    return UserFilter(params, queryset=qs)


def api_token_list(*, viewer: Viewer, owner: User | None = None) -> ApiTokenQuerySet:
    """The live (unexpired) tokens the viewer may see: their own, and an administrator's also
    those of users in their subtree; ``owner`` narrows to one user's. Newest first."""
    qs = ApiToken.objects.visible_to(viewer).live().select_related("user__region")
    if owner is not None:
        qs = qs.filter(user=owner)
    return qs.order_by("-created", "-id")
