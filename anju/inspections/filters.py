"""The inspection lists' FilterSets: ``InspectionFilter`` (排查记录) and ``ReferralFilter``
(以房找人转交) each drive the page's filter form and the API list; ``UncoveredFilter`` a
campaign's uncovered households (page and export), ``EmergencyTaskFilter`` an emergency's tasks
(page and API), ``DangerBoardFilter`` the 危房不住人 board (page and export) and
``FollowUpFilter`` the follow-ups (page and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import FlagFilter, IntegerFilter, SortFilter
from anju.households.choices import DANGEROUS_GRADES, Department, Grade
from anju.households.filters import search
from anju.households.models import House, Household
from anju.inspections.choices import ReferralStatus
from anju.inspections.models import EmergencyTask, FollowUp, Inspection, Referral
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
    department = django_filters.ChoiceFilter(label="转交部门", choices=Department.choices, empty_label="全部部门")

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)


def _village(label: str = "村（区划代码，含下级）") -> django_filters.CharFilter:
    # The boards link each village as ``?village=<code>``: its subtree, as ``region`` reads it.
    return django_filters.CharFilter(label=label, method="filter_region")


class UncoveredFilter(RegionFilterSet):
    """A campaign's key households not yet reached (page and export)."""

    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    village = _village()

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(qs, value, contains=("head_name",), id_numbers=("head_id_number",))


class EmergencyTaskFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    event = IntegerFilter(label="应急排查", field_name="event_id")
    village = _village()
    open = FlagFilter(label="只看未排查", field_name="inspection", lookup_expr="isnull")

    class Meta:
        model = EmergencyTask
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(
            qs, value, contains=("house__household__head_name",), id_numbers=("house__household__head_id_number",)
        )


class DangerBoardFilter(RegionFilterSet):
    """危房不住人: the board's houses (page and export)."""

    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    grade = django_filters.ChoiceFilter(
        label="当前等级",
        field_name="current_grade",
        choices=[c for c in Grade.choices if c[0] in DANGEROUS_GRADES],
        empty_label="C/D 级",
    )
    unmeasured = FlagFilter(label="未采取管控措施", method="filter_unmeasured")

    class Meta:
        model = House
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)

    def filter_unmeasured(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        # ``measures`` is the board selector's count of control measures.
        if value is None:
            return qs
        return qs.filter(measures=0) if value else qs.filter(measures__gt=0)


FOLLOW_UP_STATES = [("open", "未完成"), ("done", "已完成"), ("all", "全部")]


class FollowUpFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    # The page opens on ``open``; the API without ``state`` lists every follow-up.
    state = django_filters.ChoiceFilter(
        label="状态", choices=FOLLOW_UP_STATES, method="filter_state", empty_label="全部"
    )

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _q(qs, value)

    def filter_state(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "all":
            return qs
        return qs.filter(demolished_on__isnull=value == "open")
