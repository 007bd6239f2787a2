"""The inspection lists' FilterSets: ``InspectionFilter`` (排查记录) and ``ReferralFilter``
(以房找人转交) each drive the page's filter form and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import IntegerFilter, SortFilter
from anju.households.choices import Grade
from anju.households.filters import search
from anju.inspections.choices import ReferralStatus
from anju.inspections.models import Inspection, Referral
from anju.regions.filters import RegionFilterSet


def _q(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))


class InspectionFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    # This inspection's own first judgement (the house's current grade is the house list's).
    grade = django_filters.ChoiceFilter(
        label="初判等级", field_name="suspected_grade", choices=Grade.choices, empty_label="全部等级"
    )
    campaign = IntegerFilter(label="常规排查", field_name="campaign_id")
    event = IntegerFilter(label="应急排查", field_name="event_id")
    house = IntegerFilter(label="房屋", field_name="house_id")
    sort = SortFilter(
        orders={
            "-inspected": ("最近排查", ("-inspected_at", "-pk")),
            "inspected": ("最早排查", ("inspected_at", "pk")),
        },
        empty_label="默认排序",
    )

    class Meta:
        model = Inspection
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)


class ReferralFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=ReferralStatus.choices, empty_label="全部")

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)
