"""Reads for the findings board, list, export and page, each starting from ``visible_to``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.urls import reverse

from anju.anomalies.acts import ACT_ROLES, AnomalyAct
from anju.anomalies.choices import FindingStatus, Severity
from anju.anomalies.filters import FindingFilter
from anju.anomalies.models import CheckRun, Finding
from anju.anomalies.rules import rules_of
from anju.anomalies.services import checks_for
from anju.core.actors import Viewer


def findings_visible(user: Viewer, params: Any, request: Any = None) -> FindingFilter:
    qs = Finding.objects.visible_to(user).select_related("explained_by").order_by("status", "-first_found_at", "-pk")
    return FindingFilter(params, queryset=qs, request=request)


def board(user: Any, filterset: FindingFilter) -> dict[str, Any]:
    """Counts by rule × severity × status over the filtered findings, one row per configured
    rule (in the order of the version in force for the user's region), and the totals."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    severity_of: dict[str, str] = {}
    for row in filterset.qs.order_by().values("rule_id", "severity", "status").annotate(n=Count("pk")):
        counts[row["rule_id"]][row["status"]] += row["n"]
        severity_of.setdefault(row["rule_id"], row["severity"])
    region = getattr(user, "region", None)
    rules = rules_of(checks_for(region.code if region else "").content)
    rows: list[dict[str, Any]] = []
    for rule in rules:
        c = counts.get(rule.id, {})
        rows.append(
            {
                "rule": rule,
                "severity": severity_of.get(rule.id, rule.severity),
                "severity_label": Severity(severity_of.get(rule.id, rule.severity)).label,
                "open": c.get(FindingStatus.OPEN, 0),
                "explained": c.get(FindingStatus.EXPLAINED, 0),
                "fixed": c.get(FindingStatus.FIXED, 0),
            }
        )
    by_severity = {s: sum(int(r["open"]) for r in rows if r["severity"] == s) for s in Severity.values}
    return {
        "rows": rows,
        "open": sum(int(r["open"]) for r in rows),
        "explained": sum(int(r["explained"]) for r in rows),
        "by_severity": [(Severity(s).label, s, n) for s, n in by_severity.items()],
    }


def recent_runs(user: Viewer, limit: int = 5) -> list[CheckRun]:
    return list(CheckRun.objects.visible_to(user).select_related("started_by", "check_set")[:limit])


EXPORT_HEADERS = [
    "核查事项",
    "规则编号",
    "严重程度",
    "区划代码",
    "证据",
    "状态",
    "首次发现",
    "最近核查",
    "情况说明",
    "说明人",
    "说明时间",
]


def export_rows(filterset: FindingFilter) -> Any:
    for f in filterset.qs.iterator(chunk_size=2000):
        yield (
            f.rule_name,
            f.rule_id,
            f.get_severity_display(),
            f.region_code,
            f.evidence,
            f.get_status_display(),
            f"{f.first_found_at:%Y-%m-%d %H:%M}",
            f"{f.last_seen_at:%Y-%m-%d %H:%M}",
            f.explanation,
            f.explained_by.full_name or f.explained_by.username if f.explained_by else "",
            f"{f.explained_at:%Y-%m-%d %H:%M}" if f.explained_at else "",
        )


def home_panel(user: Any) -> dict[str, Any]:
    """For the home page of the offices that run or explain findings: the open findings by
    severity, linked to the board. Empty for everyone else."""
    roles = {*ACT_ROLES[AnomalyAct.RUN], *ACT_ROLES[AnomalyAct.EXPLAIN]}
    if getattr(user, "region_id", None) is None or not user.has_role(*roles):
        return {}
    counts = dict(
        Finding.objects.visible_to(user)
        .filter(status=FindingStatus.OPEN)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    return {
        "url": reverse("anomalies:board"),
        "list_url": reverse("anomalies:finding_list"),
        "open": sum(counts.values()),
        "by_severity": [(s, Severity(s).label, counts.get(s, 0)) for s in Severity.values],
    }
