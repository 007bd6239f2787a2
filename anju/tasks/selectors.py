"""Reads of the tasks app: each region's tasks for a year with their allocation and the cases
counted against them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from anju.cases.choices import DYNAMIC_ORIGINS
from anju.cases.headline import COMPLETED_CASES, COUNTED_CASES
from anju.cases.models import RenovationCase
from anju.core.actors import Viewer
from anju.core.scoping import in_scope
from anju.eligibility.choices import Programme
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.tasks.choices import TaskKind
from anju.tasks.headline import Rate, completion_rate
from anju.tasks.models import Task

CASE_FIGURES = ("filed", "started", "completed", "accepted", "closed", "dynamic_new")


@dataclass
class ProgressRow:
    """One region's tasks of one programme for a year: both kinds side by side, how much of a
    county's task is allocated to its townships, and the region's cases of that year and
    programme (not ended) at each milestone. Figures are None where the user may not see the
    cases (the county row a township officer sees above its own allocation)."""

    region: Region
    programme: str
    annual: Task | None = None
    dynamic: Task | None = None
    allocated_annual: int | None = None
    allocated_dynamic: int | None = None
    figures: dict[str, int] | None = None
    # The same figures apart for the cases marked 年度任务 and 动态新增 (ADR 0037).
    figures_by_kind: dict[str, dict[str, int]] | None = None
    children: list[ProgressRow] = field(default_factory=list)

    @property
    def programme_label(self) -> str:
        return Programme(self.programme).label

    @property
    def is_county(self) -> bool:
        return self.region.level == RegionLevel.COUNTY

    @property
    def annual_count(self) -> int:
        return self.annual.count if self.annual else 0

    @property
    def dynamic_count(self) -> int:
        return self.dynamic.count if self.dynamic else 0

    @property
    def task_total(self) -> int:
        """Cases of either kind count against annual + dynamic together."""
        return self.annual_count + self.dynamic_count

    @property
    def annual_gap(self) -> int | None:
        """Allocated minus issued (positive: over-allocated, negative: not all allocated)."""
        return None if self.allocated_annual is None else self.allocated_annual - self.annual_count

    @property
    def dynamic_gap(self) -> int | None:
        return None if self.allocated_dynamic is None else self.allocated_dynamic - self.dynamic_count

    @property
    def over_allocated(self) -> bool:
        return any(g is not None and g > 0 for g in (self.annual_gap, self.dynamic_gap))

    @property
    def under_allocated(self) -> bool:
        return any(g is not None and g < 0 for g in (self.annual_gap, self.dynamic_gap))

    @property
    def allocation_badges(self) -> list[tuple[str, str]]:
        """(text, Bootstrap colour) per kind: 超分, 未分完 or 已分完."""
        badges: list[tuple[str, str]] = []
        for label, gap in (("年度", self.annual_gap), ("动态", self.dynamic_gap)):
            if gap is None:
                continue
            if gap > 0:
                badges.append((f"{label}超分 {gap} 户", "warning"))
            elif gap < 0:
                badges.append((f"{label}未分完 {-gap} 户", "secondary"))
            else:
                badges.append((f"{label}已分完", "success"))
        return badges

    @property
    def completion(self) -> Rate | None:
        """竣工率 (``anju.tasks.headline``): 竣工 cases as a percentage of the task (annual +
        dynamic); None where the user may not see the cases."""
        if self.figures is None:
            return None
        return completion_rate(self.figures["completed"], self.task_total)

    def kind_completion(self, kind: str) -> Rate | None:
        """竣工 cases marked ``kind`` against the task of that kind alone."""
        if self.figures_by_kind is None:
            return None
        task = self.annual_count if kind == TaskKind.ANNUAL else self.dynamic_count
        return completion_rate(self.figures_by_kind[kind]["completed"], task)

    @property
    def by_kind(self) -> list[dict[str, Any]]:
        """Per kind: its label, task, case figures and 竣工率 (the separate count, ADR 0037)."""
        if self.figures_by_kind is None:
            return []
        return [
            {
                "kind": kind,
                "label": TaskKind(kind).label,
                "task": self.annual_count if kind == TaskKind.ANNUAL else self.dynamic_count,
                "figures": self.figures_by_kind[kind],
                "completion": self.kind_completion(kind),
            }
            for kind in TaskKind.values
        ]

    @property
    def completion_rate(self) -> Decimal | None:
        return self.completion.value if self.completion is not None else None

    @property
    def tasks(self) -> list[Task]:
        return [t for t in (self.annual, self.dynamic) if t is not None]


def tasks_visible(user: Viewer) -> Any:
    return Task.objects.visible_to(user).select_related("region", "parent", "issued_by")


def task_progress(user: Viewer, year: int, county: Region | None = None) -> list[ProgressRow]:
    """The county rows of ``year`` the user may see (only ``county`` if given), each with its
    township rows. Three aggregate queries whatever the number of cases: the tasks, the
    allocation sums, and the cases counted by township."""
    tasks = tasks_visible(user).filter(year=year)
    if county is not None:
        tasks = tasks.filter(region_code__subtree=county.prefix)
    rows: dict[tuple[str, str], ProgressRow] = {}
    for task in tasks:
        row = rows.setdefault((task.region_code, task.programme), ProgressRow(task.region, task.programme))
        setattr(row, "annual" if task.kind == TaskKind.ANNUAL else "dynamic", task)

    county_rows = [r for r in rows.values() if r.is_county]
    county_task_ids = [t.pk for r in county_rows for t in r.tasks]
    allocated = {
        a["parent_id"]: a["total"]
        for a in Task.objects.filter(parent_id__in=county_task_ids)
        .values("parent_id")
        .annotate(total=Sum("count"))
        .order_by()
    }

    cases = RenovationCase.objects.visible_to(user).filter(year=year).filter(COUNTED_CASES)
    if county is not None:
        cases = cases.filter(region_code__subtree=county.prefix)
    counted = (
        cases.annotate(township=Substr("region_code", 1, 9))
        .values("programme", "township", "task_kind")
        .annotate(
            filed=Count("pk", filter=Q(filed_on__isnull=False)),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            completed=Count("pk", filter=COMPLETED_CASES),
            accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
            closed=Count("pk", filter=Q(closed_on__isnull=False)),
            # 突发严重困难户 and 灾害致危 cases count against the dynamic task (ADR 0035).
            dynamic_new=Count("pk", filter=Q(origin__in=DYNAMIC_ORIGINS)),
        )
        .order_by()
    )
    # 灾后重建 cases count against the 危房改造 task (its 动态新增) unless a 灾后重建 task was issued.
    tasked = {programme for _, programme in rows}
    by_township: dict[tuple[str, str, str], dict[str, int]] = {}
    for c in counted:
        programme = c["programme"]
        if programme == Programme.DISASTER_REBUILD and programme not in tasked:
            programme = Programme.RENOVATION
        cell = by_township.setdefault((programme, c["township"], c["task_kind"]), dict.fromkeys(CASE_FIGURES, 0))
        for k in CASE_FIGURES:
            cell[k] += c[k]

    for row in rows.values():
        prefix = row.region.prefix
        if in_scope(user, row.region.code):
            figures = dict.fromkeys(CASE_FIGURES, 0)
            by_kind = {kind: dict.fromkeys(CASE_FIGURES, 0) for kind in TaskKind.values}
            for (programme, township, kind), counts in by_township.items():
                if programme == row.programme and township.startswith(prefix):
                    for k in CASE_FIGURES:
                        figures[k] += counts[k]
                        by_kind[kind][k] += counts[k]
            row.figures = figures
            row.figures_by_kind = by_kind
            if row.is_county:
                row.allocated_annual = allocated.get(row.annual.pk, 0) if row.annual else None
                row.allocated_dynamic = allocated.get(row.dynamic.pk, 0) if row.dynamic else None

    order = {p: i for i, p in enumerate(Programme.values)}
    county_rows.sort(key=lambda r: (r.region.code, order[r.programme]))
    for parent in county_rows:
        parent.children = sorted(
            (
                r
                for r in rows.values()
                if not r.is_county and r.programme == parent.programme and r.region.parent_id == parent.region.pk
            ),
            key=lambda r: r.region.code,
        )
    return county_rows


@dataclass
class CountyTotal:
    """A county's tasks and completed cases over every programme: the headline 竣工率 the
    dashboard shows for the county."""

    region: Region
    task_total: int
    completed: int

    @property
    def completion(self) -> Rate:
        return completion_rate(self.completed, self.task_total)


def county_totals(rows: list[ProgressRow]) -> list[CountyTotal]:
    """Each county of ``rows`` (whose cases the user may see) summed over its programmes."""
    totals: dict[str, CountyTotal] = {}
    for row in rows:
        if row.figures is None:
            continue
        total = totals.setdefault(row.region.code, CountyTotal(row.region, 0, 0))
        total.task_total += row.task_total
        total.completed += row.figures["completed"]
    return list(totals.values())


def task_rows_for(user: Viewer, year: int, county: Region | None = None) -> dict[int, ProgressRow]:
    """Each visible task of ``year`` and the progress row it belongs to (for the API)."""
    found: dict[int, ProgressRow] = {}
    for parent in task_progress(user, year, county):
        for row in [parent, *parent.children]:
            for task in row.tasks:
                found[task.pk] = row
    return found


def townships_of(county: Region) -> list[Region]:
    return list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code"))


def counties_for(user: Viewer) -> list[Region]:
    """The counties a province or city officer may issue tasks to."""
    return list(Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code"))
