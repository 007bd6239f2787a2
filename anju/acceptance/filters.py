"""The acceptance and rectification lists' FilterSets: each drives its page's filter form and
its API list (``/api/acceptances/``, ``/api/rectifications/``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.acceptance.choices import RectificationStatus
from anju.acceptance.models import Acceptance, Rectification
from anju.core.filtering import FlagFilter, IntegerFilter, date_filter
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet

RESULTS = [("passed", "验收通过"), ("failed", "验收未通过")]


def _q(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return search(
        qs,
        value,
        contains=("case__household__head_name", "case__archive_no"),
        id_numbers=("case__household__head_id_number",),
    )


class AcceptanceFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名、身份证号或档案编号", method="filter_q")
    result = django_filters.ChoiceFilter(label="结论", choices=RESULTS, method="filter_result", empty_label="全部")
    # The API's name: ``passed=true|false``.
    passed = FlagFilter(label="验收通过")
    date_from = date_filter(label="验收日期自", field_name="on", lookup_expr="gte")
    date_to = date_filter(label="至", field_name="on", lookup_expr="lte")
    # A plain number: "no such case" and "not your case" must look the same.
    case = IntegerFilter(label="改造案件", field_name="case_id")

    class Meta:
        model = Acceptance
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)

    def filter_result(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(passed=value == "passed")


class RectificationFilter(RegionFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=RectificationStatus.choices, method="filter_status", empty_label="全部"
    )
    q = django_filters.CharFilter(label="户主姓名、身份证号或档案编号", method="filter_q")
    due_before = date_filter(label="期限不晚于", field_name="due_on", lookup_expr="lte")
    case = IntegerFilter(label="改造案件", field_name="case_id")

    class Meta:
        model = Rectification
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)

    def filter_status(self, qs: Any, name: str, value: str) -> Any:
        if value == RectificationStatus.OPEN:
            return qs.open()
        if value == RectificationStatus.OVERDUE:
            return qs.overdue()
        return qs.filter(completed_on__isnull=False).order_by("-completed_on", "-pk")
