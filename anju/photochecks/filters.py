"""The photo flags list's FilterSet: it drives the page's filter form and ``/api/photo-flags/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import IntegerFilter
from anju.households.filters import search
from anju.photochecks.choices import FlagKind, PhotoStage
from anju.photochecks.models import PhotoFlag
from anju.regions.filters import RegionFilterSet

STATES = [("open", "未说明"), ("explained", "已说明")]


class PhotoFlagFilter(RegionFilterSet):
    kind = django_filters.ChoiceFilter(label="提示", choices=FlagKind.choices, empty_label="全部")
    stage = django_filters.ChoiceFilter(
        label="阶段", field_name="check_record__stage", choices=PhotoStage.choices, empty_label="全部"
    )
    state = django_filters.ChoiceFilter(label="说明", choices=STATES, method="filter_state", empty_label="全部")
    q = django_filters.CharFilter(label="户主姓名或身份证号", method="filter_q")
    # Plain numbers: "no such case" and "not your case" must look the same.
    case = IntegerFilter(label="改造案件", field_name="check_record__case_id")
    house = IntegerFilter(label="房屋", field_name="check_record__house_id")

    class Meta:
        model = PhotoFlag
        fields: list[str] = []

    def filter_state(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(explained_at__isnull=value == "open")

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(
            qs,
            value,
            contains=("check_record__house__household__head_name",),
            id_numbers=("check_record__house__household__head_id_number",),
        )
