"""The base every API view starts from: the same region scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import exceptions, viewsets

from anju.core.scoping import RegionScopedQuerySet


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Lists and details only what the requesting user may see; the rest is 404."""

    scoped_queryset: QuerySet[Any]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.scoped_queryset.all()
        if not isinstance(queryset, RegionScopedQuerySet):
            raise TypeError(f"{type(self).__name__}.scoped_queryset must be region-scoped")
        return queryset.visible_to(self.request.user)


def service_errors(exc: Exception) -> exceptions.APIException:
    """A service's refusal as the API's answer: PermissionDenied → 403, ValidationError → 400
    with the same Chinese messages as the pages (per field where the service named one)."""
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, DjangoValidationError)
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)
