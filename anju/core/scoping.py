"""Region scoping, in one place.

Every read of region-owned data starts from ``Model.objects.visible_to(user)``.
A user sees the subtree of their own region (statistical division codes nest by
prefix, so the subtree is ``code LIKE '<prefix>%'``, written with the ``subtree`` lookup as an
index range too, ADR 0050) and nothing of a sibling's.
Views turn "not visible" into a 404, the same answer as "does not exist".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from anju.core.actors import Viewer

_M = TypeVar("_M", bound=models.Model)


def user_scope_prefix(user: Viewer) -> str | None:
    """The code prefix a user may see; "" means everything, None means nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    region = getattr(user, "region", None)
    if region is None:
        # Only a superuser created by the operator may stand above the tree.
        return "" if user.is_superuser else None
    return str(region.prefix)


def in_scope(user: Viewer, region_code: str) -> bool:
    """Whether a region code lies in the user's subtree (the write-side twin of visible_to)."""
    prefix = user_scope_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


class RegionScopedQuerySet(models.QuerySet[_M]):
    """A queryset whose rows each belong to one region.

    ``region_code_lookup`` names the path from the model to a region's 12/15-digit
    code (``"region__code"`` by default, ``"code"`` for the Region model itself).
    """

    region_code_lookup = "region__code"

    def visible_to(self, user: Viewer) -> Self:
        prefix = user_scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == "":
            return self.all()
        return self.filter(**{f"{self.region_code_lookup}__subtree": prefix})


def get_visible_or_404(queryset: RegionScopedQuerySet[_M], user: Viewer, **lookup: Any) -> _M:
    """Fetch one object the user may see; anything else is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("对象不存在或不在您的管辖范围内。") from exc


def ancestor_codes(code: str) -> list[str]:
    """The codes of every division above ``code`` (no query: codes nest)."""
    from anju.core.divisions import parent_code_of

    codes: list[str] = []
    parent = parent_code_of(code)
    while parent:
        codes.append(parent)
        parent = parent_code_of(parent)
    return codes


class CoveringRegionScopedQuerySet(RegionScopedQuerySet[_M]):
    """For plans deployed from above (campaigns, emergency events): a user also sees those of
    the regions above theirs, since they cover the user's region. What the plan *contains*
    (households, houses, tasks) stays scoped to the user's own subtree."""

    def visible_to(self, user: Viewer) -> Self:
        prefix = user_scope_prefix(user)
        region = getattr(user, "region", None)  # set whenever the prefix is neither None nor ""
        if prefix is None or prefix == "" or region is None:
            return super().visible_to(user)
        return self.filter(
            models.Q(**{f"{self.region_code_lookup}__subtree": prefix})
            | models.Q(**{f"{self.region_code_lookup}__in": ancestor_codes(str(region.code))})
        )
