"""The lists' FilterSets: ``RouteFilter`` (一般户保障途径: page, API) and ``HardshipFilter``
(突发严重困难户: page, API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from anju.core.filtering import FlagFilter
from anju.dynamic.choices import HardshipCause, RouteKind, RouteStage
from anju.dynamic.models import Hardship, HousingRoute
from anju.regions.filters import RegionFilterSet


class RouteFilter(RegionFilterSet):
    kind = django_filters.ChoiceFilter(label="保障途径", choices=RouteKind.choices, empty_label="全部途径")
    stage = django_filters.ChoiceFilter(label="状态", choices=RouteStage.choices, empty_label="全部状态")
    overdue = FlagFilter(label="只看逾期", method="filter_overdue")

    class Meta:
        model = HousingRoute
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        late = qs.filter(stage=RouteStage.OPEN, due_on__lt=timezone.localdate())
        return late if value else qs.exclude(pk__in=late.values("pk"))


class HardshipFilter(RegionFilterSet):
    cause = django_filters.ChoiceFilter(label="致困原因", choices=HardshipCause.choices, empty_label="全部原因")
    year = django_filters.NumberFilter(label="登记年度", field_name="registered_on__year")
    awaiting = FlagFilter(label="只看待鉴定", method="filter_awaiting")

    class Meta:
        model = Hardship
        fields: list[str] = []

    def filter_awaiting(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        """Families whose house has had no appraisal since the hardship (``appraised_on`` is
        annotated by ``selectors.hardships_annotated``)."""
        if value is None:
            return qs
        return qs.filter(appraised_on__isnull=value)
