"""The decision list's one FilterSet: the page's filter form and ``/api/decisions/``; and the
circumstances' (``/api/circumstances/``, which has no list page)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import FlagFilter, IntegerFilter
from anju.eligibility.choices import CircumstanceKind, Outcome
from anju.eligibility.models import Circumstance, Decision
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet


class DecisionFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    outcome = django_filters.ChoiceFilter(label="结论", choices=Outcome.choices, empty_label="全部结论")
    rule_id = django_filters.CharFilter(label="规则编号（认定结论旁的小字）", method="filter_rule_id")
    household = IntegerFilter(label="农户", field_name="household_id")

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))

    def filter_rule_id(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(rule_id=value.strip())


class CircumstanceFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    household = IntegerFilter(label="农户", field_name="household_id")
    kind = django_filters.ChoiceFilter(label="情况", choices=CircumstanceKind.choices, empty_label="全部情况")
    withdrawn = FlagFilter(label="已撤销", field_name="withdrawn_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Circumstance
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))
