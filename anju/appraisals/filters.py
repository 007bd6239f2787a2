"""The appraisal list's one FilterSet: the page's filter form and ``/api/appraisals/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, QuerySet

from anju.appraisals.models import Appraisal
from anju.core.filtering import FlagFilter, IntegerFilter, SortFilter, date_filter
from anju.households.choices import Grade
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet


class AppraisalFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    grade = django_filters.ChoiceFilter(
        label="鉴定等级", field_name="final_grade", choices=Grade.choices, empty_label="全部等级"
    )
    # The API's name for the same filter.
    final_grade = django_filters.ChoiceFilter(label="鉴定等级", choices=Grade.choices, empty_label="全部等级")
    overridden = FlagFilter(label="仅看调整过等级的", method="filter_overridden")
    outside_guideline = FlagFilter(label="仅看三层及以上", method="filter_outside_guideline")
    date_from = date_filter(label="鉴定日期自", field_name="appraised_on", lookup_expr="gte")
    date_to = date_filter(label="至", field_name="appraised_on", lookup_expr="lte")
    # Plain numbers, not model choices: "no such house" and "not your house" must look the same.
    house = IntegerFilter(label="房屋", field_name="house_id")
    household = IntegerFilter(label="农户", field_name="household_id")
    sort = SortFilter(
        orders={
            "-date": ("鉴定日期（新→旧）", ("-appraised_on", "-pk")),
            "date": ("鉴定日期（旧→新）", ("appraised_on", "pk")),
        },
        empty_label="默认排序",
    )

    class Meta:
        model = Appraisal
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))

    def filter_overridden(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.exclude(final_grade=F("computed_grade")) if value else qs

    def filter_outside_guideline(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(outside_guideline=True) if value else qs
