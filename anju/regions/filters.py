"""The filter every region-scoped list shares: ``?region=<code>`` narrows to that region's
subtree (an unknown code matches nothing). The queryset is already scoped to the user."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import ListFilterSet
from anju.regions.models import Region


class RegionFilterSet(ListFilterSet):
    region = django_filters.CharFilter(label="区划代码（含下级）", method="filter_region")

    def filter_region(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        region = Region.objects.filter(code=value.strip()).first()
        return qs.filter(region_code__subtree=region.prefix) if region else qs.none()
