"""The supervision lists' FilterSets: ``VisitFilter`` (督导检查) and ``OrderFilter`` (整改通知)
each drive the page's filter form and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from anju.core.filtering import FlagFilter, date_filter
from anju.regions.choices import RegionLevel
from anju.regions.filters import RegionFilterSet
from anju.regions.models import Region
from anju.supervision.choices import OrderStatus, Topic
from anju.supervision.models import RectificationOrder, SupervisionVisit

ORDER_STATUSES = [
    ("open", "未销号"),
    (OrderStatus.ISSUED, "待整改"),
    ("returned", "退回重新整改"),
    (OrderStatus.RESPONDED, "已反馈待复核"),
    (OrderStatus.CLOSED, "已销号"),
]


def _townships(request: Any) -> QuerySet[Region]:
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")


class VisitFilter(RegionFilterSet):
    township = django_filters.ModelChoiceFilter(label="乡镇", queryset=_townships, empty_label="全部乡镇")
    topic = django_filters.ChoiceFilter(label="督导内容", choices=Topic.choices, empty_label="全部")
    date_from = date_filter(label="督导日期从", field_name="visited_on", lookup_expr="gte")
    date_to = date_filter(label="督导日期至", field_name="visited_on", lookup_expr="lte")

    class Meta:
        model = SupervisionVisit
        fields: list[str] = []

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error(None, "开始日期不能晚于结束日期。")
        return self.form.is_valid()


class OrderFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="文号", field_name="number", lookup_expr="icontains")
    township = django_filters.ModelChoiceFilter(label="乡镇", queryset=_townships, empty_label="全部乡镇")
    status = django_filters.ChoiceFilter(
        label="状态", choices=ORDER_STATUSES, method="filter_status", empty_label="全部"
    )
    overdue = FlagFilter(label="只看逾期", method="filter_overdue")

    class Meta:
        model = RectificationOrder
        fields: list[str] = []

    def filter_status(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "returned":
            return qs.filter(status=OrderStatus.ISSUED, times_returned__gt=0)
        if value == "open":
            return qs.exclude(status=OrderStatus.CLOSED)
        return qs.filter(status=value)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        late = qs.filter(due_on__lt=timezone.localdate()).exclude(status=OrderStatus.CLOSED)
        return late if value else qs.exclude(pk__in=late.values("pk"))
