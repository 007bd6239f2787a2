"""Reads of households and houses for pages, the API and exports."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from anju.audit.models import AuditEvent
from anju.households.filters import HouseFilter, HouseholdFilter
from anju.households.models import House, Household, HouseholdStatus, Member
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


def household_list(*, viewer: Any, params: Any) -> HouseholdFilter:
    base = (
        Household.objects.visible_to(viewer)
        .select_related("region")
        .annotate(member_count=Count("members", distinct=True), house_count=Count("houses", distinct=True))
        .order_by("region_code", "head_name")
    )
    return HouseholdFilter(params, queryset=base)


def house_list(*, viewer: Any, params: Any) -> HouseFilter:
    base = (
        House.objects.visible_to(viewer)
        .select_related("region", "household")
        .order_by("region_code", "household__head_name")
    )
    return HouseFilter(params, queryset=base)


def household_detail(*, viewer: Any, pk: int) -> Household:
    from anju.core.scoping import get_visible_or_404

    queryset = Household.objects.select_related("region").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("birth_date")),
        Prefetch("statuses", queryset=HouseholdStatus.objects.order_by("ended_on", "-certified_on")),
        Prefetch("houses", queryset=House.objects.order_by("-is_only_house", "id")),
    )
    return get_visible_or_404(queryset, viewer, pk=pk)


def household_timeline(*, household: Household, limit: int = 100) -> QuerySet[AuditEvent]:
    """Every audited change of the household, its members, statuses and houses."""
    members = [str(m.pk) for m in household.members.all()]
    statuses = [str(s.pk) for s in household.statuses.all()]
    houses = [str(h.pk) for h in household.houses.all()]
    condition = Q(object_type="households.household", object_id=str(household.pk))
    condition |= Q(object_type="households.member", object_id__in=members)
    condition |= Q(object_type="households.householdstatus", object_id__in=statuses)
    condition |= Q(object_type="households.house", object_id__in=houses)
    return AuditEvent.objects.filter(condition).order_by("-at", "-id")[:limit]


def region_options(*, viewer: Any, deepest: int = RegionLevel.VILLAGE) -> list[Region]:
    """Townships and villages the viewer may pick in a filter, in tree order."""
    return list(
        Region.objects.visible_to(viewer).filter(level__gte=RegionLevel.COUNTY, level__lte=deepest).order_by("code")
    )
