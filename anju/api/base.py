"""The base every API view starts from: the same region scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from anju.core.scoping import RegionScopedQuerySet


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Lists and details only what the requesting user may see; the rest is 404."""

    scoped_queryset: QuerySet[Any]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.scoped_queryset.all()
        if not isinstance(queryset, RegionScopedQuerySet):
            raise TypeError(f"{type(self).__name__}.scoped_queryset must be region-scoped")
        return queryset.visible_to(self.request.user)
