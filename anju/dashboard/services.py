"""Keeping the dashboard's summaries (ADR 0020).

``summaries_refresh`` recomputes the village rows of the regions named (GROUP BY over the base
tables, restricted to those villages) and rolls them up to township, county, city and province
by summing the children's rows, so refreshing one village costs a few small queries. The
receivers call it after case acts, payments and household facts; a full refresh is a
management command and a job."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, Min, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from anju.cases.choices import Stage, StepKind
from anju.cases.headline import COMPLETED_CASES, COUNTED_CASES, key_in_cd_houses
from anju.cases.models import CaseStep, RenovationCase
from anju.core.dbops import batch_settings, bulk_insert, fetch_rows, insert_rows
from anju.dashboard.mapcells import Group, house_groups, mapcells_refresh
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
    prefixes: Sequence[str] | None, length: int, groups: list[Group] | None = None
) -> dict[str, Figures]:
    """Today's households, houses and key households in C/D houses, per group (no year). The
    houses are folded from ``groups`` (``mapcells.house_groups``, the scan the map's cells share)."""
    snapshot: dict[str, Figures] = defaultdict(blank_figures)
    # Grouped by the raw code and counted from the (region_code, primary_group) index alone
    # (COUNT(*), the key ones summed): 0.3–0.4 s at 5,000,000 households, against 0.9 s grouping
    # by the code's substring and counting keys, which reads every row (ADR 0053).
    households: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, n, key in fetch_rows(
        _within(Household.objects.all(), "region_code", prefixes)
        .values("region_code")
        .annotate(n=Count("*"), key=Sum(Case(When(~Q(primary_group=""), then=1), default=0)))
        .values_list("region_code", "n", "key")
        .order_by()
    ):
        counts = households[_key(code[:length])]
        counts[0] += n
        counts[1] += key
    for code, (n, key) in households.items():
        snapshot[code].update(households=n, key_households=key)
    houses: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, grade, _key_flag, _located, n, _lat, _lon in house_groups(prefixes) if groups is None else groups:
        figures = houses[_key(code[:length])]
        figures[0] += n
        figures[1] += n if grade in DANGEROUS_GRADES else 0
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
    for k, year, stage, n, counted, completed in fetch_rows(
        _by_prefix(RenovationCase.objects.filter(year__in=years), "region_code", prefixes, length)
        .values("k", "year", "stage")
        .annotate(
            n=Count("pk"),
            counted=Count("pk", filter=COUNTED_CASES),
            completed=Count("pk", filter=COMPLETED_CASES),
        )
        .values_list("k", "year", "stage", "n", "counted", "completed")
        .order_by()
    ):
        f = out[(_key(k), year)]
        f["stage_counts"][stage] = n
        f["cases"] += counted
        f["completed"] += completed
        if stage == Stage.CLOSED:
            f["closed"] += n


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
    # Plain rows (``fetch_rows``): ~100,000 groups at 5,000,000 houses; EXTRACT is numeric on
    # PostgreSQL, hence the int().
    for k, y, m, kind, n in fetch_rows(
        _within(CaseStep.objects.filter(kind__in=list(TREND_STEPS), on__year__in=years), "case__region_code", prefixes)
        .annotate(k=Substr("case__region_code", 1, length), y=ExtractYear("on"), m=ExtractMonth("on"))
        .values("k", "y", "m", "kind")
        .annotate(n=Count("pk"))
        .values_list("k", "y", "m", "kind", "n")
        .order_by()
    ):
        out[(_key(k), int(y))]["monthly"][TREND_STEPS[kind]][int(m) - 1] += n


def compute_figures(
    prefixes: Sequence[str] | None, length: int, years: Sequence[int], groups: list[Group] | None = None
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


_FIGURE_FIELDS = (*COUNTERS, "oldest_stage_since", "stage_counts", "amount_paid", "tasks", "monthly")
_SUMMARY_COLUMNS = ("region_code", "parent_code", "level", "year", "refreshed_at", *_FIGURE_FIELDS)

_EMPTY_MONTHLY = json.dumps(empty_monthly())

# A region's figures for a year, before they are a row: (code, parent code, level, year, figures).
Made = tuple[str, str | None, int, int, Figures]


def _row(
    code: str, parent: str | None, level: int, year: int, figures: Figures, now: datetime.datetime
) -> RegionSummary:
    return RegionSummary(
        region_code=code,
        parent_code=parent or "",
        level=level,
        year=year,
        refreshed_at=now,
        **{f: figures[f] for f in _FIGURE_FIELDS},
    )


def _row_values(made: Made, now: Any) -> tuple[Any, ...]:
    """The row of ``made`` as ``insert_rows`` takes it (``_SUMMARY_COLUMNS``; JSON as text)."""
    code, parent, level, year, f = made
    return (
        code,
        parent or "",
        level,
        year,
        now,
        *(f[c] for c in COUNTERS),
        f["oldest_stage_since"],
        json.dumps(f["stage_counts"]) if f["stage_counts"] else "{}",
        f["amount_paid"],
        f["tasks"],
        # Most villages had no step this year: their series are the empty one's text.
        json.dumps(f["monthly"]) if any(any(series) for series in f["monthly"].values()) else _EMPTY_MONTHLY,
    )


def _roll_up(
    level: int,
    regions: list[tuple[str, str | None]],
    children: dict[tuple[str, int], list[Figures]],
    years: Sequence[int],
) -> list[Made]:
    """The figures of ``regions`` (one level) from their children's figures."""
    own = _own_tasks((c for c, _ in regions), years) if level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP) else {}
    made: list[Made] = []
    for code, parent in regions:
        for year in years:
            total = blank_figures()
            for part in children.get((code, year), []):
                add_figures(total, part)
                total["tasks"] += part["tasks"]
            if level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
                total["tasks"] = own.get((code, year), 0)
            made.append((code, parent, level, year, total))
    return made


# A long refresh reports between its stages; the job's progress report is where a worker's stop
# takes effect (issue 21), rolling the whole refresh back.
Step = Callable[[str], None] | None


def _full_refresh(years: Sequence[int], now: datetime.datetime, step: Step = None) -> int:
    batch_settings()
    regions = list(Region.objects.filter(level__lte=RegionLevel.VILLAGE).values_list("code", "level", "parent__code"))
    groups = house_groups(None)  # one scan of the houses for the figures and the map's cells
    figures = compute_figures(None, VILLAGE_LENGTH, years, groups)
    _report(step, "已统计到村，正在逐级汇总")
    by_level: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for code, level, parent in regions:
        by_level[level].append((code, parent))
    made: list[Made] = []
    children: dict[tuple[str, int], list[Figures]] = defaultdict(list)
    blank = blank_figures()  # a village without figures: read only (summed up, written)
    for village, up in by_level[RegionLevel.VILLAGE]:
        for year in years:
            f = figures.get((village, year)) or blank
            made.append((village, up, RegionLevel.VILLAGE, year, f))
            if up:
                children[(up, year)].append(f)
    for level in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        rolled = _roll_up(level, by_level[level], children, years)
        _report(step, "正在逐级汇总")
        made.extend(rolled)
        for _code, above, _level, year, total in rolled:
            if above:
                children[(above, year)].append(total)
    _report(step, "正在写入汇总表")
    RegionSummary.objects.all().delete()
    # Plain rows with COPY: 30,622 model instances and their per-field preparation cost ~1 s of
    # the refresh at 5,000,000 houses (ADR 0053).
    stamp = connection.ops.adapt_datetimefield_value(now)
    insert_rows(RegionSummary, _SUMMARY_COLUMNS, (_row_values(m, stamp) for m in made))
    _report(step, "正在汇总地图点位")
    mapcells_refresh(None, groups)
    return len(made)


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
        made = [_row(*m, now) for m in _roll_up(level, regions, children, years)]
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
