"""Keeping the dashboard's summaries (ADR 0020).

``summaries_refresh`` recomputes the village rows of the regions named (GROUP BY over the base
tables, restricted to those villages) and rolls them up to township, county, city and province
by summing the children's rows, so refreshing one village costs a few small queries. The
receivers call it after case acts, payments and household facts; a full refresh is a
management command and a job."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from anju.cases.choices import Stage, StepKind
from anju.cases.headline import COMPLETED_CASES, COUNTED_CASES, key_in_cd_houses
from anju.cases.models import CaseStep, RenovationCase
from anju.core.dbops import bulk_insert
from anju.dashboard.mapcells import house_groups, mapcells_refresh
from anju.dashboard.mapcells import within_prefixes as _within
from anju.dashboard.models import RegionSummary, empty_monthly
from anju.households.choices import DANGEROUS_GRADES
from anju.households.models import House, Household
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.codes import level_of, parent_code_of
from anju.regions.models import Region
from anju.subsidies.models import Payment
from anju.tasks.models import Task

# Which steps the monthly trend counts, under which series.
TREND_STEPS = {StepKind.OPEN: "opened", StepKind.COMPLETE: "completed", StepKind.CLOSE: "closed"}
COUNTERS = ("households", "key_households", "houses", "cd_houses", "key_in_cd", "cases", "completed", "closed")
VILLAGE_LENGTH = PREFIX_LENGTH[RegionLevel.VILLAGE]

Figures = dict[str, Any]


def blank_figures() -> Figures:
    return {
        **dict.fromkeys(COUNTERS, 0),
        "oldest_stage_since": None,
        "stage_counts": {},
        "amount_paid": Decimal("0.00"),
        "tasks": 0,
        "monthly": empty_monthly(),
    }


def _key(code: str) -> str:
    return code.ljust(12, "0")


def _by_prefix(qs: QuerySet[Any], field: str, prefixes: Sequence[str] | None, length: int) -> QuerySet[Any]:
    """``qs`` within the prefixes, with ``k`` = the first ``length`` digits of its region code."""
    return _within(qs, field, prefixes).annotate(k=Substr(field, 1, length))


def _standing_figures(
    prefixes: Sequence[str] | None, length: int, groups: list[dict[str, Any]] | None = None
) -> dict[str, Figures]:
    """Today's households, houses and key households in C/D houses, per group (no year). The
    houses are folded from ``groups`` (``mapcells.house_groups``, the scan the map's cells share)."""
    snapshot: dict[str, Figures] = defaultdict(blank_figures)
    for row in (
        _by_prefix(Household.objects.all(), "region_code", prefixes, length)
        .values("k")
        .annotate(n=Count("pk"), key=Count("pk", filter=~Q(primary_group="")))
        .order_by()
    ):
        snapshot[_key(row["k"])].update(households=row["n"], key_households=row["key"])
    houses: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in house_groups(prefixes) if groups is None else groups:
        figures = houses[_key(row["region_code"][:length])]
        figures[0] += row["n"]
        figures[1] += row["n"] if row["current_grade"] in DANGEROUS_GRADES else 0
    for code, (n, cd) in houses.items():
        snapshot[code].update(houses=n, cd_houses=cd)
    for row in (
        key_in_cd_houses(_within(House.objects.all(), "region_code", prefixes))
        .annotate(k=Substr("region_code", 1, length))
        .values("k")
        .annotate(n=Count("household_id", distinct=True), oldest=Min("since"))
        .order_by()
    ):
        snapshot[_key(row["k"])].update(key_in_cd=row["n"], oldest_stage_since=row["oldest"])
    return snapshot


def _add_cases(
    out: dict[tuple[str, int], Figures], prefixes: Sequence[str] | None, length: int, years: Sequence[int]
) -> None:
    """Cases per stage, the headline's cases and completed ones (``anju.cases.headline``), closed."""
    for row in (
        _by_prefix(RenovationCase.objects.filter(year__in=years), "region_code", prefixes, length)
        .values("k", "year", "stage")
        .annotate(
            n=Count("pk"),
            counted=Count("pk", filter=COUNTED_CASES),
            completed=Count("pk", filter=COMPLETED_CASES),
        )
        .order_by()
    ):
        f = out[(_key(row["k"]), row["year"])]
        f["stage_counts"][row["stage"]] = row["n"]
        f["cases"] += row["counted"]
        f["completed"] += row["completed"]
        if row["stage"] == Stage.CLOSED:
            f["closed"] += row["n"]


def _add_payments_and_trend(
    out: dict[tuple[str, int], Figures], prefixes: Sequence[str] | None, length: int, years: Sequence[int]
) -> None:
    """The subsidy paid per case year, and the opened/completed/closed steps per month."""
    for row in (
        _by_prefix(Payment.objects.filter(case__year__in=years), "region_code", prefixes, length)
        .values("k", "case__year")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        out[(_key(row["k"]), row["case__year"])]["amount_paid"] = row["total"] or Decimal("0.00")
    for row in (
        _within(CaseStep.objects.filter(kind__in=list(TREND_STEPS), on__year__in=years), "case__region_code", prefixes)
        .annotate(k=Substr("case__region_code", 1, length), y=ExtractYear("on"), m=ExtractMonth("on"))
        .values("k", "y", "m", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[(_key(row["k"]), row["y"])]["monthly"][TREND_STEPS[row["kind"]]][row["m"] - 1] += row["n"]


def compute_figures(
    prefixes: Sequence[str] | None, length: int, years: Sequence[int], groups: list[dict[str, Any]] | None = None
) -> dict[tuple[str, int], Figures]:
    """The figures of every region whose code starts with one of ``prefixes`` (all if None),
    grouped by the first ``length`` digits of the code (12 = village), for each year: the
    GROUP BY over the base tables. The refresh uses it per village; the benchmark and the
    tests use it as the naive query the summaries must equal. ``tasks`` is left at 0."""
    out: dict[tuple[str, int], Figures] = defaultdict(blank_figures)
    for code, figures in _standing_figures(prefixes, length, groups).items():
        for year in years:
            out[(code, year)].update({f: figures[f] for f in (*COUNTERS[:5], "oldest_stage_since")})
    _add_cases(out, prefixes, length, years)
    _add_payments_and_trend(out, prefixes, length, years)
    return dict(out)


def add_figures(total: Figures, part: Figures) -> None:
    """Add a child's figures into its parent's (``tasks`` is the caller's business)."""
    for f in COUNTERS:
        total[f] += part[f]
    total["amount_paid"] += part["amount_paid"]
    for stage, n in part["stage_counts"].items():
        total["stage_counts"][stage] = total["stage_counts"].get(stage, 0) + n
    for series, values in part["monthly"].items():
        total["monthly"][series] = [a + b for a, b in zip(total["monthly"][series], values, strict=True)]
    oldest = part["oldest_stage_since"]
    if oldest is not None and (total["oldest_stage_since"] is None or oldest < total["oldest_stage_since"]):
        total["oldest_stage_since"] = oldest


def figures_of(row: RegionSummary) -> Figures:
    return {
        **{f: getattr(row, f) for f in COUNTERS},
        "oldest_stage_since": row.oldest_stage_since,
        "stage_counts": dict(row.stage_counts),
        "amount_paid": row.amount_paid,
        "tasks": row.tasks,
        "monthly": {k: list(v) for k, v in row.monthly.items()},
    }


def summary_years() -> list[int]:
    """The plan years the summaries keep: every year with a case or a task, and this year."""
    years = set(RenovationCase.objects.values_list("year", flat=True).distinct().order_by())
    years |= set(Task.objects.values_list("year", flat=True).distinct().order_by())
    years.add(timezone.localdate().year)
    return sorted(years)


def _own_tasks(codes: Iterable[str], years: Sequence[int]) -> dict[tuple[str, int], int]:
    """Quotas issued to these regions themselves (a county's task, a township's allocation)."""
    return {
        (r["region_code"], r["year"]): r["n"] or 0
        for r in Task.objects.filter(region_code__in=list(codes), year__in=years)
        .values("region_code", "year")
        .annotate(n=Sum("count"))
        .order_by()
    }


def _row(
    code: str, parent: str | None, level: int, year: int, figures: Figures, now: datetime.datetime
) -> RegionSummary:
    return RegionSummary(
        region_code=code,
        parent_code=parent or "",
        level=level,
        year=year,
        refreshed_at=now,
        **{f: figures[f] for f in (*COUNTERS, "oldest_stage_since", "stage_counts", "amount_paid", "tasks", "monthly")},
    )


def _roll_up(
    level: int,
    regions: list[tuple[str, str | None]],
    children: dict[tuple[str, int], list[Figures]],
    years: Sequence[int],
    now: datetime.datetime,
) -> list[RegionSummary]:
    """The rows of ``regions`` (one level) from their children's figures."""
    own = _own_tasks((c for c, _ in regions), years) if level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP) else {}
    rows = []
    for code, parent in regions:
        for year in years:
            total = blank_figures()
            for part in children.get((code, year), []):
                add_figures(total, part)
                total["tasks"] += part["tasks"]
            if level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
                total["tasks"] = own.get((code, year), 0)
            rows.append(_row(code, parent, level, year, total, now))
    return rows


# A long refresh reports between its stages; the job's progress report is where a worker's stop
# takes effect (issue 21), rolling the whole refresh back.
Step = Callable[[str], None] | None


def _full_refresh(years: Sequence[int], now: datetime.datetime, step: Step = None) -> int:
    regions = list(Region.objects.filter(level__lte=RegionLevel.VILLAGE).values_list("code", "level", "parent__code"))
    groups = house_groups(None)  # one scan of the houses for the figures and the map's cells
    figures = compute_figures(None, VILLAGE_LENGTH, years, groups)
    _report(step, "已统计到村，正在逐级汇总")
    by_level: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for code, level, parent in regions:
        by_level[level].append((code, parent))
    rows: list[RegionSummary] = []
    children: dict[tuple[str, int], list[Figures]] = defaultdict(list)
    for village, up in by_level[RegionLevel.VILLAGE]:
        for year in years:
            f = figures.get((village, year)) or blank_figures()
            rows.append(_row(village, up, RegionLevel.VILLAGE, year, f, now))
            if up:
                children[(up, year)].append(f)
    for level in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        made = _roll_up(level, by_level[level], children, years, now)
        _report(step, "正在逐级汇总")
        rows.extend(made)
        for row in made:
            if row.parent_code:
                children[(row.parent_code, row.year)].append(figures_of(row))
    _report(step, "正在写入汇总表")
    RegionSummary.objects.all().delete()
    bulk_insert(rows)
    _report(step, "正在汇总地图点位")
    mapcells_refresh(None, groups)
    return len(rows)


def _report(step: Step, message: str) -> None:
    if step is not None:
        step(message)


def _partial_refresh(codes: set[str], years: Sequence[int], now: datetime.datetime) -> int:
    prefixes = sorted({c[: PREFIX_LENGTH[level_of(c)]] for c in codes})
    # Drop prefixes already under another one (a village inside a refreshed county).
    prefixes = [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]
    groups = house_groups(prefixes)  # one scan of the houses for the figures and the map's cells
    figures = compute_figures(prefixes, VILLAGE_LENGTH, years, groups)
    mapcells_refresh(prefixes, groups)
    inside = list(
        _within(Region.objects.filter(level__lte=RegionLevel.VILLAGE), "code", prefixes).values_list(
            "code", "level", "parent__code"
        )
    )
    above: set[str] = set()
    for p in prefixes:
        code = p.ljust(12, "0")
        while (up := parent_code_of(code)) is not None:
            above.add(up)
            code = up
    outside = list(
        Region.objects.filter(code__in=above)
        .exclude(code__in=[c for c, _, _ in inside])
        .values_list("code", "level", "parent__code")
    )
    by_level: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for code, level, parent in inside + outside:
        by_level[level].append((code, parent))

    written = 0
    villages = by_level[RegionLevel.VILLAGE]
    rows = [
        _row(code, parent, RegionLevel.VILLAGE, year, figures.get((code, year)) or blank_figures(), now)
        for code, parent in villages
        for year in years
    ]
    RegionSummary.objects.filter(region_code__in=[c for c, _ in villages]).delete()
    bulk_insert(rows)
    written += len(rows)
    for level in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        regions = by_level[level]
        if not regions:
            continue
        codes_here = [c for c, _ in regions]
        children: dict[tuple[str, int], list[Figures]] = defaultdict(list)
        for child in RegionSummary.objects.filter(parent_code__in=codes_here, year__in=years):
            children[(child.parent_code, child.year)].append(figures_of(child))
        made = _roll_up(level, regions, children, years, now)
        RegionSummary.objects.filter(region_code__in=codes_here).delete()
        bulk_insert(made)
        written += len(made)
    return written


def _add_years(years: Sequence[int], *, source: int, now: datetime.datetime) -> None:
    """Start rows for plan years the table does not hold yet (the first case or task of a new
    year): every region's snapshot copied from ``source``'s rows, the year's figures at zero,
    so the refresh that follows only has to recompute the villages that changed."""
    blank = blank_figures()
    rows = []
    for row in RegionSummary.objects.filter(year=source).iterator(chunk_size=2000):
        for year in years:
            copy = _row(row.region_code, row.parent_code, row.level, year, blank, now)
            for f in (*COUNTERS[:5], "oldest_stage_since"):
                setattr(copy, f, getattr(row, f))
            rows.append(copy)
    bulk_insert(rows)


def summaries_refresh(*, region_codes: Iterable[str] | None = None, step: Step = None) -> int:
    """Recompute the summaries of the villages in ``region_codes`` (a code at any level means
    every village under it; None means all) and roll them up to the province. Returns the
    number of rows written. A plan year the table does not hold yet gets every region's row
    first (``_add_years``), so every village always has a row for every year kept; an empty
    table is filled by a full refresh."""
    years = summary_years()
    now = timezone.now()
    codes = None if region_codes is None else {c[:VILLAGE_LENGTH] for c in region_codes if c}
    with transaction.atomic():
        if codes is not None:
            kept = set(RegionSummary.objects.values_list("year", flat=True).distinct().order_by())
            if not kept:
                codes = None
            elif missing := sorted(set(years) - kept):
                _add_years(missing, source=max(kept), now=now)
        if codes is None:
            return _full_refresh(years, now, step)
        if not codes:
            return 0
        return _partial_refresh(codes, years, now)
