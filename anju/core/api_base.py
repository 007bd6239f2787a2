"""The base every API view starts from: the same region scoping as the pages."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, viewsets

from anju.core.scoping import RegionScopedQuerySet

# The largest id or number a filter may carry: PostgreSQL's integer; beyond it a query fails
# (SQLite: OverflowError; PostgreSQL: "out of range") instead of matching nothing.
MAX_FILTER_NUMBER = 2**31 - 1


class BoundedFilterBackend(DjangoFilterBackend):
    """django-filter as the API's list filter, with every number checked before it reaches the
    database: a finite value within ``MAX_FILTER_NUMBER`` — else a 400 in Chinese."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        errors = {
            name: ["数值超出范围。"] for name, value in filterset.form.cleaned_data.items() if out_of_range(value)
        }
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs


def out_of_range(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not math.isfinite(value) or abs(value) > MAX_FILTER_NUMBER


def query_int(request: Any, name: str, *, default: int, low: int, high: int, label: str) -> int:
    """An integer query parameter (``?year=2026``), checked: a 400 in Chinese when it is not a
    whole number within [low, high]."""
    raw = str(request.query_params.get(name, "") or "").strip()
    if not raw:
        return default
    if not raw.lstrip("-").isdigit() or len(raw) > 12 or not low <= int(raw) <= high:
        raise exceptions.ValidationError({name: [f"{label}应为 {low}–{high} 的整数。"]})
    return int(raw)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # drf-stubs: generic over the model; left unparametrised
    """Lists and details only what the requesting user may see; the rest is 404."""

    scoped_queryset: QuerySet[Any]
    filter_backends = [BoundedFilterBackend]

    def get_object(self) -> Any:
        # An id beyond any the database can hold names nothing: a 404 like any other missing id.
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        numeric_id = self.lookup_field in ("pk", "id")  # region codes are 12 digits, not ids
        if numeric_id and value.lstrip("-").isdigit() and abs(int(value)) > MAX_FILTER_NUMBER:
            raise exceptions.NotFound("对象不存在或不在您的管辖范围内。")
        return super().get_object()

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.scoped_queryset.all()
        if not isinstance(queryset, RegionScopedQuerySet):
            raise TypeError(f"{type(self).__name__}.scoped_queryset must be region-scoped")
        return queryset.visible_to(self.request.user)


class SingleObjectSchema(AutoSchema):
    """For a view whose ``list`` answers one summary object (a board, totals), not a list: the
    schema says so (drf-spectacular otherwise assumes an array for every ``list`` action)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
