"""Kept under watch (杜绝"一改了之""一脱了之", ADR 0021): renovated houses within the policy's
watch window, and households that left the key groups within theirs. Both are read here for the
watch page and registered with the inspections app so that every routine campaign's 以人找房
must reach them too. The windows are the province's policy values (``CasePolicy`` ``watch``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from anju.cases.policy import watch_windows
from anju.cases.services import policy_for
from anju.households.models import House, Household, HouseholdStatus, RenovationHistory


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def windows_for(region_code: str) -> tuple[int, int]:
    """(renovated_years, exited_years) in force for a region."""
    return watch_windows(policy_for(region_code).content)


def watch_condition(region_code: str, on: datetime.date) -> Q:
    """The households under watch on ``on`` in a region's policy: a house renovated within the
    window, or no key group now and one ended within the window."""
    renovated_years, exited_years = windows_for(region_code)
    renovated = House.objects.filter(household=OuterRef("pk"), renovated_year__gte=on.year - renovated_years)
    # A renovation the national system records (imported history, ADR 0041) counts the same.
    national = RenovationHistory.objects.filter(household=OuterRef("pk"), year__gte=on.year - renovated_years)
    exited = HouseholdStatus.objects.filter(
        household=OuterRef("pk"), ended_on__gte=years_before(on, exited_years), ended_on__lte=on
    )
    return Q(Exists(renovated)) | Q(Exists(national)) | (Q(primary_group="") & Q(Exists(exited)))


def campaign_watch(campaign: Any) -> Q:
    """Registered with ``anju.inspections.selectors``: a campaign's 以人找房 reaches them too."""
    return watch_condition(campaign.region_code, campaign.starts_on)


def _user_region_code(user: Any) -> str:
    region = getattr(user, "region", None)
    return str(region.code) if region is not None else ""


def renovated_under_watch(user: Any, on: datetime.date) -> QuerySet[House]:
    """Renovated houses the user may see, renovated within the window, with their last
    inspection; the ones found dangerous again first."""
    renovated_years, _ = windows_for(_user_region_code(user))
    return (
        House.objects.visible_to(user)
        .filter(
            Q(renovated_year__gte=on.year - renovated_years)
            | Q(Exists(RenovationHistory.objects.filter(house=OuterRef("pk"), year__gte=on.year - renovated_years)))
        )
        .select_related("household", "region")
        .annotate(
            last_inspection=Max("inspections__inspected_at"),
            # A house on the list by the national system's record only shows that record's year.
            national_year=Subquery(
                RenovationHistory.objects.filter(house=OuterRef("pk")).order_by("-year").values("year")[:1]
            ),
        )
        .order_by("-current_grade", "last_inspection", "region_code", "pk")
    )


def exited_under_watch(user: Any, on: datetime.date) -> QuerySet[Household]:
    """Households the user may see that hold no key group now and left one within the window,
    with the day they left (``left_on``) and their only house."""
    _, exited_years = windows_for(_user_region_code(user))
    return (
        Household.objects.visible_to(user)
        .filter(primary_group="")
        .annotate(left_on=Max("statuses__ended_on"))
        .filter(left_on__gte=years_before(on, exited_years), left_on__lte=on)
        .select_related("region")
        .prefetch_related(Prefetch("houses", queryset=House.objects.filter(is_only_house=True), to_attr="only"))
        .order_by("-left_on", "region_code", "pk")
    )
