"""The base every API view starts from: the same region scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from anju.core.scoping import RegionScopedQuerySet


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Lists and details only what the requesting user may see; the rest is 404."""

    scoped_queryset: RegionScopedQuerySet[Any]

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped_queryset.all().visible_to(self.request.user)
