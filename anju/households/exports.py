"""The household and house lists as export sources for background exports (ADR 0031): the
same FilterSet, selector rows and masking as the page's immediate export."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from anju.households import selectors
from anju.jobs.exports import ExportTable, export_source


def _query(params: dict[str, str]) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(params)
    return query


@export_source("households.household")
def household_table(user: Any, params: dict[str, str]) -> ExportTable:
    filterset = selectors.household_list(viewer=user, params=_query(params))
    queryset = filterset.qs
    return ExportTable(
        what="households.household",
        title="农户名单",
        headers=selectors.HOUSEHOLD_EXPORT_HEADERS,
        widths=selectors.HOUSEHOLD_EXPORT_WIDTHS,
        rows=selectors.household_export_rows(queryset=queryset, viewer=user),
        total=queryset.count(),
        error="；".join(filterset.error_list),
    )


@export_source("households.house")
def house_table(user: Any, params: dict[str, str]) -> ExportTable:
    filterset = selectors.house_list(viewer=user, params=_query(params))
    queryset = filterset.qs
    return ExportTable(
        what="households.house",
        title="房屋清单",
        headers=selectors.HOUSE_EXPORT_HEADERS,
        rows=selectors.house_export_rows(queryset=queryset, viewer=user),
        total=queryset.count(),
        error="；".join(filterset.error_list),
    )


@export_source("households.renovationhistory")
def history_table(user: Any, params: dict[str, str]) -> ExportTable:
    filterset = selectors.history_list(viewer=user, params=_query(params))
    queryset = filterset.qs
    return ExportTable(
        what="households.renovationhistory",
        title="历史改造记录",
        headers=selectors.HISTORY_EXPORT_HEADERS,
        widths=selectors.HISTORY_EXPORT_WIDTHS,
        rows=selectors.history_export_rows(queryset=queryset, viewer=user),
        total=queryset.count(),
        error="；".join(filterset.error_list),
    )
