"""The archives' FilterSets: ``ArchiveFilter`` drives the 一户一档 list (cases with their
archive's completeness); ``ArchiveDocumentFilter`` and ``ArchiveReviewFilter`` the API lists of
documents and joint reviews."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.cases.models import RenovationCase
from anju.core.filtering import IntegerFilter, ListFilterSet, year_filter
from anju.households.filters import search
from anju.regions.filters import RegionFilterSet

ARCHIVE_STATUSES = {
    "incomplete": "材料不全",
    "complete": "材料齐全",
    "unreviewed": "未完成共同审定",
    "reviewed": "已共同审定",
    "awaiting_civil_affairs": "材料齐全、待民政审定",
    "awaiting_rural_revitalization": "材料齐全、待乡村振兴审定",
}
# On the completeness annotations of ``selectors.with_completeness``.
STATUS_CONDITIONS = {
    "incomplete": Q(docs_present__lt=F("docs_required")),
    "complete": Q(docs_present__gte=F("docs_required")),
    "unreviewed": Q(civil_agreed=False) | Q(rural_agreed=False),
    "reviewed": Q(civil_agreed=True) & Q(rural_agreed=True),
    # The 民政／乡村振兴 queues: complete (agreement needs it) and not yet agreed by that department.
    "awaiting_civil_affairs": Q(docs_present__gte=F("docs_required")) & Q(civil_agreed=False),
    "awaiting_rural_revitalization": Q(docs_present__gte=F("docs_required")) & Q(rural_agreed=False),
}


class ArchiveFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="户主、身份证号或档案号", method="filter_q")
    year = year_filter(label="计划年度")
    status = django_filters.ChoiceFilter(
        label="档案状态", choices=list(ARCHIVE_STATUSES.items()), method="filter_status", empty_label="全部"
    )

    class Meta:
        model = RenovationCase
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search(
            qs, value, contains=("household__head_name", "archive_no"), id_numbers=("household__head_id_number",)
        )

    def filter_status(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(STATUS_CONDITIONS[value])


class ArchiveDocumentFilter(ListFilterSet):
    # A plain number: "no such case" and "not your case" must look the same.
    case = IntegerFilter(label="案件", field_name="case_id")
    code = django_filters.CharFilter(label="材料类别")
    withdrawn = django_filters.BooleanFilter(
        label="已撤回", field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ArchiveDocument
        fields: list[str] = []


class ArchiveReviewFilter(ListFilterSet):
    case = IntegerFilter(label="案件", field_name="case_id")

    class Meta:
        model = ArchiveReview
        fields: list[str] = []
