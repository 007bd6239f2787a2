"""The case list's one FilterSet: the page's filter form, ``/api/cases/`` and (through the
selector) every read of the filtered list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.filtering import IntegerFilter, SortFilter, year_filter
from anju.eligibility.choices import Programme
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet

FLAGS = [("area", "面积超出标准"), ("energy", "含节能改造"), ("reentry", "再次纳入")]


class CaseFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名、身份证号或档案编号", method="filter_q")
    stage = django_filters.ChoiceFilter(label="阶段", choices=Stage.choices, empty_label="全部阶段")
    programme = django_filters.ChoiceFilter(label="项目", choices=Programme.choices, empty_label="全部项目")
    year = year_filter(label="计划年度")
    flag = django_filters.ChoiceFilter(label="提示", choices=FLAGS, method="filter_flag", empty_label="全部标记")
    household = IntegerFilter(label="农户", field_name="household_id")
    sort = SortFilter(
        orders={
            "-days": ("本阶段停留最久", ("stage_since", "pk")),
            "-opened": ("最近建案", ("-opened_on", "-pk")),
            "name": ("按户主姓名", ("household__head_name", "pk")),
        },
        empty_label="按区划排序",
        default=("region_code", "-opened_on", "pk"),
    )

    class Meta:
        model = RenovationCase
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(
            qs, value, contains=("household__head_name", "archive_no"), id_numbers=("household__head_id_number",)
        )

    def filter_flag(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "area":
            return qs.exclude(area_problem="")
        if value == "energy":
            return qs.exclude(energy_tags=[])
        return qs.filter(previous_case__isnull=False)
