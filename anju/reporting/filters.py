"""The one FilterSet of each list: submissions (the page's filter form and ``/api/submissions/``)
and work plans (the page and ``/api/work-plans/``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from anju.core.filtering import FlagFilter, IntegerFilter, year_filter
from anju.kit.versioning import ConfigStatus
from anju.regions.filters import RegionFilterSet
from anju.reporting.choices import ReportKind, SubmissionStatus
from anju.reporting.models import Submission, WorkPlan


class SubmissionFilter(RegionFilterSet):
    kind = django_filters.ChoiceFilter(label="报表", choices=ReportKind.choices, empty_label="全部报表")
    status = django_filters.ChoiceFilter(label="状态", choices=SubmissionStatus.choices, empty_label="全部状态")
    year = year_filter(label="年")
    month = IntegerFilter(label="月", min_value=1, max_value=12)
    # false: only the user's own level and the one below (the page's default); true or absent
    # in the API: every level below.
    all_levels = FlagFilter(label="含所有下级", method="filter_all_levels")

    class Meta:
        model = Submission
        fields: list[str] = []

    def filter_all_levels(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        region = getattr(getattr(self.request, "user", None), "region", None)
        if value or region is None:
            return qs
        return qs.filter(level__in=[region.level, region.level + 1])


class WorkPlanFilter(RegionFilterSet):
    """The work plans' one FilterSet: the page's year (and region) and ``/api/work-plans/``."""

    year = year_filter(label="年度")
    status = django_filters.ChoiceFilter(label="状态", choices=ConfigStatus.choices, empty_label="全部状态")

    class Meta:
        model = WorkPlan
        fields: list[str] = []
