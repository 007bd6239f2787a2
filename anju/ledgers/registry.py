"""The ledgers (台账, requirements §11): each one's key, title, columns and the selector that yields its
rows for a user's region, ready to write (labels resolved, ID numbers masked or not).

Rows are plain tuples in column order, so the xlsx and PDF writers and the preview page never
touch a model. Each selector is one query (joins and subqueries, no per-row query), streamed with
``.iterator(chunk_size=…)``; what a row needs from a to-many relation (a household's statuses, a
house's control measures) is fetched once per chunk of rows, never once per row."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from anju.cases.choices import EndReason, GradeAtOpening, Stage
from anju.cases.headline import COUNTED_CASES
from anju.cases.models import RenovationCase
from anju.core.masking import Kind, Medium, mask, may_see
from anju.dynamic.models import HousingRoute
from anju.dynamic.selectors import disaster_damage
from anju.eligibility.choices import SELF_REPAIR_KINDS, SOLVED_KINDS, CircumstanceKind, Outcome, Programme
from anju.eligibility.models import Circumstance
from anju.households.choices import (
    GENERAL_LABEL,
    KEY_GROUP_PRIORITY,
    Department,
    GradeSource,
    KeyGroup,
    StructureType,
)
from anju.households.models import House, Household, HouseholdStatus
from anju.inspections.choices import DANGEROUS_GRADES, MeasureKind
from anju.inspections.models import ControlMeasure
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.subsidies.models import Payment

CHUNK = 2000

TEXT = "text"
DATE = "date"
MONEY = "money"
INT = "int"


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in Excel character units, and what it holds."""

    header: str
    width: int
    kind: str = TEXT
    total: bool = False  # summed in the totals row (int and money columns only)


@dataclass(frozen=True)
class Scope:
    """What a ledger is drawn for: a region code prefix inside the user's subtree, a plan year,
    and whether ID numbers are written in full."""

    prefix: str
    year: int
    full_ids: bool = False


@dataclass(frozen=True)
class Ledger:
    """One ledger of the registry."""

    key: str
    title: str  # the printed title after "<region> <year> 年"
    short: str  # the name in lists and file names
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Scope], Iterator[tuple[Any, ...]]] = field(repr=False)
    count: Callable[[Scope], int] = field(repr=False)
    unit: str = "户"  # the totals row says "合计 N 户"; "" for a summary table
    uses_year: bool = True
    # The same rows with each row's key (a household's or house's id) first; ``only`` limits
    # them to those keys. Set for the ledgers that come back from Excel (ADR 0040).
    keyed: Callable[[Scope, Sequence[int] | None], Iterator[tuple[int, tuple[Any, ...]]]] | None = field(
        default=None, repr=False
    )

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def ledger_full_ids(user: Any) -> bool:
    """ADR 0019: a ledger shows full ID numbers only to the county officer and the two
    departments' liaisons, who reconcile it against their own lists by ID; everyone else (and
    every file that travels up or down the levels) gets masked numbers. The rule is the LEDGER
    row of ``anju.core.masking.POLICY``."""
    return may_see(user, Kind.ID, Medium.LEDGER)


# --- helpers shared by the selectors -----------------------------------------------------------

GROUP_LABELS = dict(KeyGroup.choices)
DEPARTMENT_LABELS = dict(Department.choices)
STAGE_LABELS = dict(Stage.choices)
OUTCOME_LABELS = dict(Outcome.choices)
STRUCTURE_LABELS = dict(StructureType.choices)
MEASURE_LABELS = dict(MeasureKind.choices)
CIRCUMSTANCE_LABELS = dict(CircumstanceKind.choices)
END_REASON_LABELS = dict(EndReason.choices)
PRIORITY = {g: i for i, g in enumerate(KEY_GROUP_PRIORITY)}


def region_names(prefix: str) -> dict[str, str]:
    """Names of the townships and villages under ``prefix``, by code (one query)."""
    return dict(
        Region.objects.filter(code__subtree=prefix, level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
        .order_by()
        .values_list("code", "name")
        .iterator(chunk_size=CHUNK)
    )


def township_code(code: str) -> str:
    return code[:9] + "000"


def village_code(code: str) -> str:
    return code[:12]


def chunks(values: Iterable[tuple[Any, ...]], size: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(values)
    while batch := list(islice(it, size)):
        yield batch


def statuses_of(household_ids: Sequence[int]) -> dict[int, list[tuple[str, str, datetime.date]]]:
    """The active key-group statuses of these households, highest priority first (one query)."""
    found: dict[int, list[tuple[str, str, datetime.date]]] = defaultdict(list)
    rows = HouseholdStatus.objects.filter(household_id__in=household_ids, ended_on__isnull=True).values_list(
        "household_id", "group", "department", "certified_on"
    )
    for household_id, group, department, certified_on in rows:
        found[household_id].append((group, department, certified_on))
    for items in found.values():
        items.sort(key=lambda s: PRIORITY.get(s[0], 99))
    return found


def group_cells(statuses: list[tuple[str, str, datetime.date]]) -> tuple[str, str, datetime.date | None]:
    """类别 (every group held), 认定部门 (their departments), 认定日期 (of the first group)."""
    if not statuses:
        return GENERAL_LABEL, "", None
    groups = "、".join(GROUP_LABELS.get(s[0], s[0]) for s in statuses)
    departments = "、".join(dict.fromkeys(DEPARTMENT_LABELS.get(s[1], s[1]) for s in statuses))
    return groups, departments, statuses[0][2]


def latest_case(field_name: str) -> Subquery:
    """A household's most recent case's ``field_name`` (a correlated subquery on an indexed FK)."""
    return Subquery(
        RenovationCase.objects.filter(household=OuterRef("pk")).order_by("-opened_on", "-pk").values(field_name)[:1]
    )


def house_grade_text(grade: str, source: str, renovated_year: int | None = None) -> str:
    """The house's one current state as the ledgers write it (ADR 0021): 「D 级」 (appraised),
    「排查初判 C 级」, 「A 级（竣工验收）」, with 「，2026 年已改造」 for a renovated house."""
    if not grade:
        text = "未排查"
    elif source == GradeSource.INSPECTION:
        text = f"排查初判 {grade} 级"
    elif source == GradeSource.ACCEPTANCE:
        text = f"{grade} 级（竣工验收）"
    else:
        text = f"{grade} 级"
    return f"{text}，{renovated_year} 年已改造" if renovated_year else text


def id_text(number: str, full: bool) -> str:
    """``full`` is ``ledger_full_ids`` of the user the ledger is drawn for."""
    return number if full else mask(number, Kind.ID)


def money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- 重点对象台账 -------------------------------------------------------------------------------


def _key_groups_qs(scope: Scope) -> QuerySet[Any]:
    return (
        Household.objects.filter(region_code__subtree=scope.prefix)
        .exclude(primary_group="")
        .annotate(
            only_house=FilteredRelation("houses", condition=Q(houses__is_only_house=True)),
            current=FilteredRelation("decisions", condition=Q(decisions__is_current=True)),
        )
    )


def key_groups_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    names = region_names(scope.prefix)
    base = _key_groups_qs(scope)
    if only is not None:
        base = base.filter(pk__in=only)
    qs = (
        base.annotate(case_stage=latest_case("stage"), case_year=latest_case("year"))
        .order_by("region_code", "group_name", "head_name", "pk")
        .values_list(
            "pk",
            "region_code",
            "group_name",
            "head_name",
            "head_id_number",
            "only_house__current_grade",
            "only_house__grade_source",
            "only_house__renovated_year",
            "only_house__grade_on",
            "current__outcome",
            "case_stage",
            "case_year",
        )
    )
    for batch in chunks(qs.iterator(chunk_size=CHUNK)):
        statuses = statuses_of([r[0] for r in batch])
        for pk, code, group_name, name, id_no, grade, source, renovated, grade_on, outcome, stage, year in batch:
            groups, departments, certified = group_cells(statuses.get(pk, []))
            yield (
                pk,
                (
                    names.get(township_code(code), ""),
                    names.get(village_code(code), ""),
                    group_name,
                    name,
                    id_text(id_no, scope.full_ids),
                    groups,
                    departments,
                    certified,
                    house_grade_text(grade or "", source or "", renovated),
                    grade_on,
                    OUTCOME_LABELS.get(outcome or "", "未认定"),
                    STAGE_LABELS.get(stage or "", "未建案"),
                    year,
                ),
            )


def key_groups_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in key_groups_keyed(scope))


def key_groups_count(scope: Scope) -> int:
    return Household.objects.filter(region_code__subtree=scope.prefix).exclude(primary_group="").count()


# --- 一般户台账 ---------------------------------------------------------------------------------


def _general_qs(scope: Scope) -> QuerySet[House]:
    return House.objects.filter(
        region_code__subtree=scope.prefix,
        is_only_house=True,
        household__primary_group="",
        current_grade__in=DANGEROUS_GRADES,
        grade_source=GradeSource.APPRAISAL,
    )


def _circumstances_of(household_ids: Sequence[int]) -> dict[int, tuple[str, datetime.date]]:
    """The latest live self-repair or solved-otherwise finding per household (one query)."""
    found: dict[int, tuple[str, datetime.date]] = {}
    rows = (
        Circumstance.objects.filter(
            household_id__in=household_ids, withdrawn_at__isnull=True, kind__in=[*SELF_REPAIR_KINDS, *SOLVED_KINDS]
        )
        .order_by("household_id", "recorded_on", "pk")
        .values_list("household_id", "kind", "recorded_on")
    )
    for household_id, kind, recorded_on in rows:
        found[household_id] = (kind, recorded_on)  # later rows win
    return found


def general_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    names = region_names(scope.prefix)
    base = _general_qs(scope)
    if only is not None:
        base = base.filter(pk__in=only)
    qs = (
        base.annotate(
            current=FilteredRelation("household__decisions", condition=Q(household__decisions__is_current=True)),
            case_stage=Subquery(
                RenovationCase.objects.filter(household=OuterRef("household_id"))
                .order_by("-opened_on", "-pk")
                .values("stage")[:1]
            ),
            route_id=_latest_route("pk"),
        )
        .order_by("region_code", "group_name", "household__head_name", "pk")
        .values_list(
            "pk",
            "household_id",
            "region_code",
            "group_name",
            "household__group_name",
            "household__head_name",
            "household__head_id_number",
            "structure",
            "current_grade",
            "grade_on",
            "is_occupied",
            "occupants",
            "current__outcome",
            "case_stage",
            "route_id",
        )
    )
    for batch in chunks(qs.iterator(chunk_size=CHUNK)):
        found = _circumstances_of([r[1] for r in batch])
        routes = HousingRoute.objects.in_bulk([r[-1] for r in batch if r[-1]])
        for (
            pk,
            hid,
            code,
            group,
            hh_group,
            name,
            id_no,
            structure,
            grade,
            on,
            occupied,
            n,
            outcome,
            stage,
            rid,
        ) in batch:
            kind, recorded_on = found.get(hid, ("", None))
            route = routes.get(rid) if rid else None
            yield (
                pk,
                (
                    names.get(township_code(code), ""),
                    names.get(village_code(code), ""),
                    group or hh_group,
                    name,
                    id_text(id_no, scope.full_ids),
                    STRUCTURE_LABELS.get(structure, structure),
                    f"{grade} 级",
                    on,
                    "是" if occupied else "否",
                    n if occupied else 0,
                    OUTCOME_LABELS.get(outcome or "", "未认定"),
                    CIRCUMSTANCE_LABELS.get(kind, "未核实") if kind else "未核实",
                    recorded_on,
                    "纳入年度计划兜底" if outcome == Outcome.FALLBACK else "",
                    STAGE_LABELS.get(stage or "", "未建案"),
                    f"{route.get_kind_display()}（{route.get_option_display()}）" if route else "",
                    route.stage_label if route else "",
                    route.due_on if route else None,
                ),
            )


def general_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in general_keyed(scope))


def _latest_route(field_name: str) -> Subquery:
    """The household's latest 一般户 route (自行整改, 兜底, 其他方式: ADR 0034)."""
    return Subquery(
        HousingRoute.objects.filter(household=OuterRef("household_id"))
        .order_by("-opened_on", "-pk")
        .values(field_name)[:1]
    )


def general_count(scope: Scope) -> int:
    return _general_qs(scope).count()


# --- 疑似危房台账 -------------------------------------------------------------------------------


def _suspected_qs(scope: Scope) -> QuerySet[House]:
    """Houses an inspection found suspected C/D that are still C/D now (their one current state,
    ADR 0021: awaiting appraisal, or appraised so); a renovated house drops off."""
    return House.objects.filter(
        region_code__subtree=scope.prefix,
        suspected_grade__in=DANGEROUS_GRADES,
        current_grade__in=DANGEROUS_GRADES,
    )


def _measures_of(house_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each house's control measures, newest first, as "撤离并妥善安置（2026-05-01，已核查）"."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        ControlMeasure.objects.filter(house_id__in=house_ids)
        .order_by("house_id", "-taken_on", "-pk")
        .values_list("house_id", "kind", "taken_on", "verified_on")
    )
    for house_id, kind, taken_on, verified_on in rows:
        checked = "，已核查" if verified_on else ""
        found[house_id].append(f"{MEASURE_LABELS.get(kind, kind)}（{taken_on:%Y-%m-%d}{checked}）")
    return found


def suspected_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    names = region_names(scope.prefix)
    base = _suspected_qs(scope)
    if only is not None:
        base = base.filter(pk__in=only)
    qs = base.order_by("region_code", "group_name", "household__head_name", "pk").values_list(
        "pk",
        "region_code",
        "group_name",
        "household__group_name",
        "household__head_name",
        "household__head_id_number",
        "household__primary_group",
        "structure",
        "suspected_grade",
        "last_inspected_at",
        "current_grade",
        "grade_source",
        "grade_on",
        "is_occupied",
        "occupants",
        "elderly_occupants",
    )
    for batch in chunks(qs.iterator(chunk_size=CHUNK)):
        measures = _measures_of([r[0] for r in batch])
        for (
            pk,
            code,
            house_group,
            hh_group,
            name,
            id_no,
            group,
            structure,
            grade,
            seen,
            current,
            source,
            on,
            occ,
            n,
            old,
        ) in batch:
            yield (
                pk,
                (
                    names.get(township_code(code), ""),
                    names.get(village_code(code), ""),
                    house_group or hh_group,
                    name,
                    id_text(id_no, scope.full_ids),
                    GROUP_LABELS.get(group, GENERAL_LABEL) if group else GENERAL_LABEL,
                    STRUCTURE_LABELS.get(structure, structure),
                    f"{grade} 级" if grade else "—",
                    timezone.localtime(seen).date() if seen else None,
                    f"已鉴定 {current} 级" if source == GradeSource.APPRAISAL else "待鉴定",
                    on if source == GradeSource.APPRAISAL else None,
                    "是" if occ else "否",
                    n if occ else 0,
                    old if occ else 0,
                    "；".join(measures.get(pk, [])) or ("未采取" if occ else ""),
                ),
            )


def suspected_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in suspected_keyed(scope))


def suspected_count(scope: Scope) -> int:
    return _suspected_qs(scope).count()


# --- 动态监测台账 -------------------------------------------------------------------------------


def _monitoring_qs(scope: Scope) -> QuerySet[RenovationCase]:
    return RenovationCase.objects.filter(region_code__subtree=scope.prefix, year=scope.year)


def route_text(method_name: str, stage: str, end_reason: str) -> str:
    """改造方式/保障方式: for a case that ended (housing solved otherwise, or not eligible) how
    it ended; else the renovation method; else 待定."""
    if stage == Stage.ENDED and end_reason:
        return END_REASON_LABELS.get(end_reason, end_reason)
    return method_name or "待定"


def monitoring_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The plan year's cases, each row keyed by its case (ADR 0040)."""
    names = region_names(scope.prefix)
    paid = (
        Payment.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    base = _monitoring_qs(scope)
    if only is not None:
        base = base.filter(pk__in=only)
    qs = (
        base.annotate(paid=Subquery(paid))
        .order_by("region_code", "household__head_name", "pk")
        .values_list(
            "pk",
            "household_id",
            "region_code",
            "household__head_name",
            "household__head_id_number",
            "grade",
            "house__appraised_on",
            "method_name",
            "stage",
            "end_reason",
            "year",
            "started_on",
            "completed_on",
            "accepted_on",
            "paid",
            "closed_on",
        )
    )
    grades = dict(GradeAtOpening.choices)
    for batch in chunks(qs.iterator(chunk_size=CHUNK)):
        statuses = statuses_of([r[1] for r in batch])
        for pk, hid, code, name, id_no, grade, on, method, stage, reason, year, *dates, pay, closed in batch:
            groups, departments, _ = group_cells(statuses.get(hid, []))
            yield (
                pk,
                (
                    names.get(township_code(code), ""),
                    names.get(village_code(code), ""),
                    name,
                    id_text(id_no, scope.full_ids),
                    groups,
                    departments,
                    grades.get(grade, grade),
                    on,
                    route_text(method, stage, reason),
                    year,
                    *dates,
                    money(pay) or 0.0,
                    closed,
                ),
            )


def monitoring_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in monitoring_keyed(scope))


def monitoring_count(scope: Scope) -> int:
    return _monitoring_qs(scope).count()


# --- 补助资金计划表 -----------------------------------------------------------------------------


def _plan_qs(scope: Scope) -> QuerySet[Any]:
    def households(condition: Q) -> Count:
        return Count("pk", filter=condition)

    def funds(condition: Q) -> Coalesce:
        return Coalesce(Sum("subsidy_amount", filter=condition), Value(Decimal("0")))

    renovation = ~Q(programme=Programme.SEISMIC)
    c, d, n = (renovation & Q(grade=g) for g in (GradeAtOpening.C, GradeAtOpening.D, GradeAtOpening.NO_HOUSE))
    seismic = Q(programme=Programme.SEISMIC)
    rebuild = Q(programme=Programme.DISASTER_REBUILD)
    # 两不愁三保障兜底资金 (Luming): a general household unable to repair, in the annual plan.
    fallback = Q(decision__outcome=Outcome.FALLBACK)
    energy = ~Q(energy_tags=[])
    return (
        # The headline's cases (docs/numbers.md: COUNTED_CASES): the renovation programmes by
        # the grade they were opened on, 抗震改造 on its own, 合计 all of them.
        RenovationCase.objects.filter(COUNTED_CASES, region_code__subtree=scope.prefix, year=scope.year)
        .annotate(township=Substr("region_code", 1, 9))
        .order_by("township")
        .values("township")
        .annotate(
            c_n=households(c),
            c_f=funds(c),
            d_n=households(d),
            d_f=funds(d),
            n_n=households(n),
            n_f=funds(n),
            s_n=households(seismic),
            s_f=funds(seismic),
            all_n=Count("pk"),
            all_f=Coalesce(Sum("subsidy_amount"), Value(Decimal("0"))),
            r_n=households(rebuild),
            r_f=funds(rebuild),
            b_n=households(fallback),
            b_f=funds(fallback),
            e_n=households(energy),
            e_a=Coalesce(Sum(Coalesce("built_area", "planned_area"), filter=energy), Value(Decimal("0"))),
            e_f=funds(energy),
        )
        .values_list(
            "township",
            "c_n",
            "c_f",
            "d_n",
            "d_f",
            "n_n",
            "n_f",
            "s_n",
            "s_f",
            "all_n",
            "all_f",
            "r_n",
            "r_f",
            "b_n",
            "b_f",
            "e_n",
            "e_a",
            "e_f",
        )
    )


def plan_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The townships' sums, each row keyed by its township's code (an aggregate: no object to
    edit; the key only lets a returned file be checked, ADR 0040)."""
    names = region_names(scope.prefix)
    qs = _plan_qs(scope)
    if only is not None:
        qs = qs.filter(township__in=[str(k) for k in only])
    for township, *figures in qs:
        yield (
            int(township),
            (
                names.get(township + "000", township + "000"),
                *(value if i % 2 == 0 else money(value) for i, value in enumerate(figures[:14])),
                figures[14],
                money(figures[15]),
                money(figures[16]),
            ),
        )


def plan_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in plan_keyed(scope))


def plan_count(scope: Scope) -> int:
    return _plan_qs(scope).count()


# --- 灾害致危房屋台账 ---------------------------------------------------------------------------


def disaster_keyed(scope: Scope, only: Sequence[int] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Each event's row keyed by the event (a summary: the key only lets a returned file be
    recognised and refused cell by cell, ADR 0040)."""
    for d in disaster_damage(scope.prefix, scope.year):
        if only is None or d.event in only:
            yield d.event, (d.title, d.kind_label, d.occurred_on, d.area, d.inspected, d.dangerous, d.cases)


def disaster_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    return (row for _, row in disaster_keyed(scope))


def disaster_count(scope: Scope) -> int:
    return len(disaster_damage(scope.prefix, scope.year))


# --- the registry -------------------------------------------------------------------------------

PLACE = (Column("乡镇", 11), Column("村", 15))

LEDGERS: dict[str, Ledger] = {
    ledger.key: ledger
    for ledger in (
        Ledger(
            key="key_groups",
            title="农村低收入群体等重点对象住房安全台账",
            short="重点对象台账",
            description="六类重点对象户：类别、认定部门和日期、房屋等级、资格认定结论、改造阶段。",
            columns=(
                *PLACE,
                Column("村民小组", 8),
                Column("户主姓名", 9),
                Column("身份证号", 20),
                Column("重点对象类别", 22),
                Column("认定部门", 12),
                Column("认定日期", 11, DATE),
                Column("房屋等级", 22),
                Column("定级日期", 11, DATE),
                Column("资格认定结论", 20),
                Column("改造阶段", 14),
                Column("改造年度", 8, INT),
            ),
            rows=key_groups_rows,
            count=key_groups_count,
            uses_year=False,
            keyed=key_groups_keyed,
        ),
        Ledger(
            key="general",
            title="一般农户 C 级、D 级危房台账",
            short="一般户台账",
            description="鉴定为 C/D 级的一般农户唯一住房：自行整改（期限、督促、完成、核验销号）、兜底保障、其他方式解决的进展，兜底纳入计划情况。",
            columns=(
                *PLACE,
                Column("村民小组", 8),
                Column("户主姓名", 9),
                Column("身份证号", 20),
                Column("结构", 8),
                Column("鉴定等级", 8),
                Column("鉴定日期", 11, DATE),
                Column("是否住人", 6),
                Column("居住人数", 6, INT, total=True),
                Column("资格认定结论", 20),
                Column("自行整改情况", 18),
                Column("核实日期", 11, DATE),
                Column("兜底", 10),
                Column("改造阶段", 14),
                Column("保障途径", 20),
                Column("途径进展", 16),
                Column("整改期限", 11, DATE),
            ),
            rows=general_rows,
            count=general_count,
            uses_year=False,
            keyed=general_keyed,
        ),
        Ledger(
            key="suspected",
            title="疑似危房台账",
            short="疑似危房台账",
            description="排查初判为 C/D 级的房屋：是否已鉴定、是否住人、管控措施。",
            columns=(
                *PLACE,
                Column("村民小组", 8),
                Column("户主姓名", 9),
                Column("身份证号", 20),
                Column("类别", 14),
                Column("结构", 8),
                Column("初判等级", 7),
                Column("排查日期", 11, DATE),
                Column("鉴定情况", 11),
                Column("鉴定日期", 11, DATE),
                Column("是否住人", 6),
                Column("居住人数", 6, INT, total=True),
                Column("其中老人", 6, INT, total=True),
                Column("管控措施", 30),
            ),
            rows=suspected_rows,
            count=suspected_count,
            uses_year=False,
            keyed=suspected_keyed,
        ),
        Ledger(
            key="monitoring",
            title="农村低收入群体等重点对象住房安全动态监测台账",
            short="动态监测台账",
            description="本年度改造案件：户、类别、认定部门、等级和鉴定日期、改造（保障）方式、计划年度、"
            "开工/竣工/验收日期、已拨付资金、销号日期。",
            columns=(
                *PLACE,
                Column("户主姓名", 9),
                Column("身份证号", 20),
                Column("重点对象类别", 22),
                Column("认定部门", 12),
                Column("危险等级", 15),
                Column("鉴定日期", 11, DATE),
                Column("改造方式/保障方式", 14),
                Column("计划年度", 7, INT),
                Column("开工日期", 11, DATE),
                Column("竣工日期", 11, DATE),
                Column("验收日期", 11, DATE),
                Column("已拨付资金（元）", 15, MONEY, total=True),
                Column("销号日期", 11, DATE),
            ),
            rows=monitoring_rows,
            count=monitoring_count,
            keyed=monitoring_keyed,
        ),
        Ledger(
            key="subsidy_plan",
            title="农村危房改造补助资金计划表",
            short="补助资金计划表",
            description="按乡镇：危房改造（含灾后重建）C 级、D 级、无房户与抗震改造的户数和补助资金（县级审批时确定的标准），"
            "合计；其中灾后重建、两不愁三保障兜底资金、同步节能改造（户数、面积、补助）。",
            columns=(
                Column("乡镇", 14),
                Column("C 级户数", 9, INT, total=True),
                Column("C 级资金（元）", 14, MONEY, total=True),
                Column("D 级户数", 9, INT, total=True),
                Column("D 级资金（元）", 14, MONEY, total=True),
                Column("无房户户数", 9, INT, total=True),
                Column("无房户资金（元）", 14, MONEY, total=True),
                Column("抗震改造户数", 9, INT, total=True),
                Column("抗震改造资金（元）", 14, MONEY, total=True),
                Column("合计户数", 9, INT, total=True),
                Column("合计资金（元）", 15, MONEY, total=True),
                Column("其中灾后重建户数", 9, INT, total=True),
                Column("其中灾后重建资金（元）", 14, MONEY, total=True),
                Column("其中兜底资金户数", 9, INT, total=True),
                Column("其中兜底资金（元）", 14, MONEY, total=True),
                Column("同步节能改造户数", 9, INT, total=True),
                Column("节能改造面积（m²）", 12, MONEY, total=True),
                Column("节能改造户补助（元）", 14, MONEY, total=True),
            ),
            rows=plan_rows,
            count=plan_count,
            unit="",
            keyed=plan_keyed,
        ),
        Ledger(
            key="disaster",
            title="灾害致危房屋台账",
            short="灾害致危台账",
            description="本年度每次灾害（类型、受灾范围）：应急排查房屋、排查为 C/D 级的致危房屋、灾后重建案件。",
            columns=(
                Column("灾害名称", 16),
                Column("灾害类型", 10),
                Column("发生日期", 11, DATE),
                Column("受灾范围", 20),
                Column("应急排查房屋", 9, INT, total=True),
                Column("致危房屋（C/D）", 9, INT, total=True),
                Column("灾后重建案件", 9, INT, total=True),
            ),
            rows=disaster_rows,
            keyed=disaster_keyed,
            count=disaster_count,
            unit="",
        ),
    )
}


def ledger_get(key: str) -> Ledger | None:
    return LEDGERS.get(key)
