"""The findings list's FilterSet: it drives the board's drill-down, the list page, its xlsx
export and the API list (one class, so they cannot disagree)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from anju.anomalies.choices import LIVE_STATUSES, FindingStatus, Severity
from anju.anomalies.models import Finding
from anju.anomalies.rules import DEFAULT_CHECKS
from anju.regions.choices import RegionLevel
from anju.regions.filters import RegionFilterSet
from anju.regions.models import Region

RULE_CHOICES = [(r["id"], f"{r['id'][:3]} {r['name']}") for r in DEFAULT_CHECKS["rules"]]
STATUS_CHOICES = [("live", "未纠正（待处理和已说明）"), *FindingStatus.choices]


def _townships(request: Any) -> QuerySet[Region]:
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")


class FindingFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="证据包含", method="filter_q")
    rule = django_filters.ChoiceFilter(label="核查事项", field_name="rule_id", choices=RULE_CHOICES, empty_label="全部")
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Severity.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label="全部"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇", queryset=_townships, method="filter_township", empty_label="全部乡镇"
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        value = value.strip()
        return qs.filter(Q(evidence__icontains=value) | Q(rule_name__icontains=value)) if value else qs

    def filter_status(self, qs: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        return qs.filter(status__in=LIVE_STATUSES) if value == "live" else qs.filter(status=value)

    def filter_township(self, qs: QuerySet[Finding], name: str, value: Region | None) -> QuerySet[Finding]:
        return qs.filter(region_code__subtree=value.prefix) if value else qs
