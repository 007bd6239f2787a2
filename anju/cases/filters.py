"""The case list's one FilterSet: the page's filter form, ``/api/cases/`` and (through the
selector) every read of the filtered list; and the watch page's (跟踪监测), one per tab, which
drives its filter form and its export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from anju.cases.choices import Stage
from anju.cases.headline import COMPLETED_CASES, COUNTED_CASES
from anju.cases.models import RenovationCase
from anju.core.filtering import FlagFilter, IntegerFilter, SortFilter, year_filter
from anju.eligibility.choices import Programme
from anju.households.choices import DANGEROUS_GRADES, Grade, GradeSource
from anju.households.filters import search
from anju.households.models import House, Household
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

    headline = django_filters.ChoiceFilter(
        label="统计口径",
        choices=[("cases", "改造案件（不含终止，与统计大屏同口径）"), ("completed", "已竣工")],
        method="filter_headline",
        empty_label="统计口径：全部案件",
    )

    class Meta:
        model = RenovationCase
        fields: list[str] = []

    def filter_headline(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # The dashboard's headline numbers, by their one definition (docs/numbers.md).
        return qs.filter({"cases": COUNTED_CASES, "completed": COMPLETED_CASES}[value]) if value else qs

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


# --- 跟踪监测 (``/cases/watch/``) ---------------------------------------------------------------

WATCH_TABS = [("renovated", "已改造房屋"), ("exited", "出列农户")]


class _WatchFilter(RegionFilterSet):
    """Both tabs of the watch page: ``tab`` is checked here (a wrong one is an error, not the
    first tab), the view picks the FilterSet by it."""

    tab = django_filters.ChoiceFilter(label="名单", choices=WATCH_TABS, method="filter_tab", empty_label=None)

    def filter_tab(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs


class WatchedHouseFilter(_WatchFilter):
    """已改造房屋: renovated houses still within the watch window."""

    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    grade = django_filters.ChoiceFilter(
        label="当前等级",
        choices=[("CD", "再次成为危房（C/D 级）"), ("AB", "A/B 级")],
        method="filter_grade",
        empty_label="全部等级",
    )
    unchecked = FlagFilter(label="改造后未排查", method="filter_unchecked")

    class Meta:
        model = House
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))

    def filter_grade(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(current_grade__in=DANGEROUS_GRADES if value == "CD" else (Grade.A, Grade.B))

    def filter_unchecked(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        # What the page marks 「改造后未排查」: never inspected, or last inspected before the
        # acceptance that gave the house its grade.
        if value is None:
            return qs
        unchecked = Q(last_inspection__isnull=True) | Q(
            grade_source=GradeSource.ACCEPTANCE, last_inspection__date__lt=F("grade_on")
        )
        return qs.filter(unchecked) if value else qs.exclude(unchecked)


class ExitedHouseholdFilter(_WatchFilter):
    """出列农户: households that left the key groups within the watch window."""

    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("head_name",), id_numbers=("head_id_number",))


def watch_filter(params: Any, *, houses: QuerySet[House], households: QuerySet[Household]) -> _WatchFilter:
    """The watch page's FilterSet for the tab asked for (page and export alike)."""
    if params.get("tab") == "exited":
        return ExitedHouseholdFilter(params, queryset=households)
    return WatchedHouseFilter(params, queryset=houses)
