"""The payment list's FilterSets: ``PaymentFilter`` drives the 拨付记录 tab and ``/api/payments/``;
``DueCaseFilter`` the 待拨付案件 tab, with the same parameters."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.cases.models import RenovationCase
from anju.core.filtering import FlagFilter, IntegerFilter, year_filter
from anju.eligibility.choices import Programme
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet
from anju.subsidies import selectors
from anju.subsidies.models import Payment


class PaymentFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主、身份证号或凭证号", method="filter_q")
    case = IntegerFilter(label="案件", field_name="case_id")
    year = year_filter(label="计划年度", field_name="case__year")
    programme = django_filters.ChoiceFilter(
        label="项目", field_name="case__programme", choices=Programme.choices, empty_label="全部"
    )
    overdue = FlagFilter(label="只看尾款逾期", method="filter_overdue")

    class Meta:
        model = Payment
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(
            qs,
            value,
            contains=("case__household__head_name", "voucher_no"),
            id_numbers=("case__household__head_id_number",),
        )

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return qs
        # Among the cases the payments already are scoped to: the overdue ones.
        late = selectors.with_paid(RenovationCase.objects.all()).filter(selectors.overdue_q())
        return qs.filter(case__in=late.values("pk"))


class DueCaseFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主、身份证号或凭证号", method="filter_q")
    year = year_filter(label="计划年度")
    programme = django_filters.ChoiceFilter(label="项目", choices=Programme.choices, empty_label="全部")
    overdue = FlagFilter(label="只看尾款逾期", method="filter_overdue")

    class Meta:
        model = RenovationCase
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("household__head_name",), id_numbers=("household__head_id_number",))

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(selectors.overdue_q()) if value else qs
