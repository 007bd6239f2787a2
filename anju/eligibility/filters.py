"""The decision list's one FilterSet: the page's filter form and ``/api/decisions/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import IntegerFilter
from anju.eligibility.choices import Outcome
from anju.eligibility.models import Decision
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet


class DecisionFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    outcome = django_filters.ChoiceFilter(label="结论", choices=Outcome.choices, empty_label="全部结论")
    rule_id = django_filters.CharFilter(label="规则编号，如 R08-key-dangerous", method="filter_rule_id")
    household = IntegerFilter(label="农户", field_name="household_id")

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))

    def filter_rule_id(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(rule_id=value.strip())
