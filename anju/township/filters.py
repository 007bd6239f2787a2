"""The township duties' lists, one FilterSet each: the page's filter form, the API's query
parameters and the export come from the same class (``core.filtering``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from anju.core.filtering import FlagFilter, date_filter
from anju.regions.choices import RegionLevel
from anju.regions.filters import RegionFilterSet
from anju.regions.models import Region
from anju.township.choices import (
    ExpertKind,
    ProjectKind,
    ProjectStatus,
    ProtectionGrade,
    PublicityForm,
    TeamRole,
    TrainingCategory,
)
from anju.township.models import (
    Craftsman,
    ExpertVisit,
    Project,
    PublicityActivity,
    TeamMember,
    TraditionalHouse,
    TrainingSession,
)


def _townships(request: Any) -> QuerySet[Region]:
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")


class TownshipFilterSet(RegionFilterSet):
    """``township`` narrows to one township (a choice of the user's townships)."""

    township = django_filters.ModelChoiceFilter(
        label="乡镇/街道", queryset=_townships, empty_label="全部乡镇", method="filter_township"
    )

    def filter_township(self, qs: QuerySet[Any], name: str, value: Region | None) -> QuerySet[Any]:
        return qs.filter(region_code__subtree=value.prefix) if value else qs


class DateRangeMixin(TownshipFilterSet):
    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error(None, "开始日期不能晚于结束日期。")
        return self.form.is_valid()


class HouseFilter(TownshipFilterSet):
    q = django_filters.CharFilter(label="名称或产权人", method="filter_q")
    grade = django_filters.ChoiceFilter(label="保护等级", choices=ProtectionGrade.choices, empty_label="全部")
    due = FlagFilter(label="只看待巡查", method="filter_due")

    class Meta:
        model = TraditionalHouse
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(name__icontains=value) | Q(owner_name__icontains=value) | Q(village__name__icontains=value))

    def filter_due(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        # ``check_due`` is annotated by the selector from the versioned check interval.
        if value is None:
            return qs
        return qs.filter(check_due=value)


class ProjectFilter(TownshipFilterSet):
    q = django_filters.CharFilter(label="项目名称", field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label="项目类型", choices=ProjectKind.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=ProjectStatus.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", field_name="year")
    late = FlagFilter(label="只看滞后", method="filter_late")

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_late(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        today = timezone.localdate()
        open_ = [ProjectStatus.PLANNED, ProjectStatus.UNDER_WAY]
        late = Q(status__in=open_, planned_end__lt=today) | Q(status=ProjectStatus.PLANNED, planned_start__lt=today)
        return qs.filter(late) if value else qs.exclude(late)


class TrainingFilter(DateRangeMixin):
    category = django_filters.ChoiceFilter(label="培训类别", choices=TrainingCategory.choices, empty_label="全部")
    date_from = date_filter(label="日期从", field_name="starts_on", lookup_expr="gte")
    date_to = date_filter(label="日期至", field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields: list[str] = []


class ExpertVisitFilter(DateRangeMixin):
    expert_kind = django_filters.ChoiceFilter(label="专家类别", choices=ExpertKind.choices, empty_label="全部")
    pending = FlagFilter(label="只看待落实", method="filter_pending")
    date_from = date_filter(label="日期从", field_name="visited_on", lookup_expr="gte")
    date_to = date_filter(label="日期至", field_name="visited_on", lookup_expr="lte")

    class Meta:
        model = ExpertVisit
        fields: list[str] = []

    def filter_pending(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(followed_up_on__isnull=value)


class CraftsmanFilter(TownshipFilterSet):
    q = django_filters.CharFilter(label="姓名或证书编号", method="filter_q")

    class Meta:
        model = Craftsman
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(name__icontains=value) | Q(certificate_no__icontains=value))


class PublicityFilter(DateRangeMixin):
    """The publicity log: the activities, and beside them the public notices of the cases in the
    same place and dates (the selector applies the same cleaned values to both)."""

    form_kind = django_filters.ChoiceFilter(
        label="形式", field_name="form", choices=PublicityForm.choices, empty_label="全部"
    )
    date_from = date_filter(label="日期从", field_name="held_on", lookup_expr="gte")
    date_to = date_filter(label="日期至", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = PublicityActivity
        fields: list[str] = []


class MemberFilter(TownshipFilterSet):
    role = django_filters.ChoiceFilter(label="专班职务", choices=TeamRole.choices, empty_label="全部")
    serving = FlagFilter(label="只看在任", method="filter_serving")

    class Meta:
        model = TeamMember
        fields: list[str] = []

    def filter_region(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        region = Region.objects.filter(code=value.strip()).first()
        return qs.filter(team__region_code__subtree=region.prefix) if region else qs.none()

    def filter_township(self, qs: QuerySet[Any], name: str, value: Region | None) -> QuerySet[Any]:
        return qs.filter(team__region_code__subtree=value.prefix) if value else qs

    def filter_serving(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        serving = Q(until__isnull=True) | Q(until__gte=timezone.localdate())
        return qs.filter(serving) if value else qs.exclude(serving)
