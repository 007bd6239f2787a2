"""Reads of the routes and sudden-hardship families, scoped to the user's region, joins done."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from anju.appraisals.models import Appraisal
from anju.cases.choices import DYNAMIC_ORIGINS, OPEN_STAGES, CaseOrigin
from anju.cases.headline import COUNTED_CASES
from anju.cases.models import RenovationCase
from anju.cases.policy import duty_days
from anju.cases.services import policy_for
from anju.core.actors import Viewer
from anju.dynamic.choices import RouteKind, RouteStage
from anju.dynamic.filters import HardshipFilter, RouteFilter
from anju.dynamic.models import Hardship, HousingRoute
from anju.eligibility.choices import Programme
from anju.households.choices import GradeSource
from anju.households.models import House
from anju.inspections.choices import DANGEROUS_GRADES
from anju.inspections.models import EmergencyEvent, Inspection


def route_list(user: Viewer, params: Any, request: Any = None) -> RouteFilter:
    qs = HousingRoute.objects.visible_to(user).select_related("household", "region", "region__parent")
    # 办理中 first (the earliest due, so the overdue, on top), then 待核验, then 已销号.
    rank = Case(
        When(stage=RouteStage.OPEN, then=Value(0)), When(stage=RouteStage.DONE, then=Value(1)), default=Value(2)
    )
    ordered = qs.order_by(rank, F("due_on").asc(nulls_last=True), "region_code", "pk")
    return RouteFilter(params, queryset=ordered, request=request)


@dataclass
class RouteCounts:
    """Where the general households' routes stand: per route kind, open / done / closed and how
    many 自行整改 are past due or due within the policy's reminder window."""

    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    remind_days: int = 0

    def cell(self, kind: str, stage: str) -> int:
        return self.by_kind.get(kind, {}).get(stage, 0)

    @property
    def rows(self) -> list[tuple[str, str, int, int, int]]:
        return [
            (
                kind,
                str(label),
                self.cell(kind, RouteStage.OPEN),
                self.cell(kind, RouteStage.DONE),
                self.cell(kind, RouteStage.CLOSED),
            )
            for kind, label in RouteKind.choices
        ]


def route_counts(user: Viewer, today: datetime.date | None = None) -> RouteCounts:
    today = today or timezone.localdate()
    region = getattr(user, "region", None)
    remind = duty_days(policy_for(region.code if region else "").content)["remind_before_days"]
    qs = HousingRoute.objects.visible_to(user)
    counts = RouteCounts(remind_days=remind)
    for row in qs.values("kind", "stage").annotate(n=Count("pk")).order_by():
        counts.by_kind.setdefault(row["kind"], {})[row["stage"]] = row["n"]
    open_repairs = qs.filter(stage=RouteStage.OPEN, due_on__isnull=False)
    counts.overdue = open_repairs.filter(due_on__lt=today).count()
    counts.due_soon = open_repairs.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=remind)
    ).count()
    return counts


def _appraised(outer: str = "household_id") -> Subquery:
    """The first appraisal of the family's houses on or after the hardship happened."""
    return Subquery(
        Appraisal.objects.filter(household_id=OuterRef(outer), appraised_on__gte=OuterRef("occurred_on"))
        .order_by("appraised_on", "pk")
        .values("appraised_on")[:1]
    )


def hardships_annotated(qs: QuerySet[Hardship]) -> QuerySet[Hardship]:
    return qs.select_related("household", "registered_by").annotate(
        appraised_on=_appraised(),
        relief_count=Count("reliefs", distinct=True),
        case_stage=Subquery(
            RenovationCase.objects.filter(household_id=OuterRef("household_id"), opened_on__gte=OuterRef("occurred_on"))
            .order_by("-opened_on", "-pk")
            .values("stage")[:1]
        ),
    )


def hardship_list(user: Viewer, params: Any, request: Any = None) -> HardshipFilter:
    qs = hardships_annotated(Hardship.objects.visible_to(user)).order_by("-registered_on", "-pk")
    return HardshipFilter(params, queryset=qs, request=request)


def hardship_task_state(hardship: Any, today: datetime.date | None = None) -> str:
    """The inspection/appraisal task as a user reads it: 已鉴定, 待鉴定（剩 n 天）, 逾期 n 天未鉴定."""
    today = today or timezone.localdate()
    appraised = getattr(hardship, "appraised_on", None)
    if appraised:
        return f"已鉴定（{appraised:%Y-%m-%d}）"
    left = (hardship.appraise_by - today).days
    return f"待鉴定（剩 {left} 天）" if left >= 0 else f"逾期 {-left} 天未鉴定"


def hardship_origin(household: Any, on: datetime.date) -> tuple[str, str] | None:
    """For ``cases.extensions``: a family registered as 突发严重困难户 within the year before its
    case opens came as 动态新增."""
    found = (
        Hardship.objects.filter(
            household=household, registered_on__lte=on, registered_on__gt=on - datetime.timedelta(days=366)
        )
        .order_by("-registered_on", "-pk")
        .first()
    )
    if found is None:
        return None
    return CaseOrigin.HARDSHIP, f"突发严重困难户（{found.get_cause_display()}，{found.occurred_on:%Y-%m-%d}），动态新增"


def hardship_counts(prefix: str, year: int) -> dict[str, int]:
    """Registered families of the year under a region, with relief and appraised counts."""
    qs = Hardship.objects.filter(region_code__subtree=prefix, registered_on__year=year)
    return qs.aggregate(
        registered=Count("pk", distinct=True),
        relieved=Count("pk", filter=Q(reliefs__isnull=False), distinct=True),
    ) | {
        "cases": RenovationCase.objects.filter(
            region_code__subtree=prefix, year=year, origin=CaseOrigin.HARDSHIP
        ).count()
    }


@dataclass
class DisasterRow:
    """One disaster event under a region: houses its emergency inspections found, those found
    C/D (counted once per house), and the 灾后重建 cases opened for them."""

    event: int
    title: str
    kind: str
    kind_label: str
    occurred_on: datetime.date
    area: str
    inspected: int
    dangerous: int
    cases: int


def disaster_damage(prefix: str, year: int | None = None) -> list[DisasterRow]:
    """Dangerous houses caused by each event, by event and type, under a region code prefix
    (three aggregate queries whatever the number of events)."""
    events = EmergencyEvent.objects.filter(
        Q(region_code__subtree=prefix) | Q(tasks__region_code__subtree=prefix)
    ).distinct()
    if year is not None:
        events = events.filter(occurred_on__year=year)
    found = {
        r["event_id"]: r
        for r in Inspection.objects.filter(event__in=events, region_code__subtree=prefix)
        .values("event_id")
        .annotate(
            inspected=Count("house_id", distinct=True),
            dangerous=Count("house_id", filter=Q(suspected_grade__in=DANGEROUS_GRADES), distinct=True),
        )
        .order_by()
    }
    cases = dict(
        RenovationCase.objects.filter(event__in=events, region_code__subtree=prefix)
        .values("event_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("event_id", "n")
    )
    rows = []
    for e in events.order_by("-occurred_on", "-pk"):
        counts = found.get(e.pk, {})
        rows.append(
            DisasterRow(
                event=e.pk,
                title=e.title,
                kind=e.kind,
                kind_label=str(e.get_kind_display()),
                occurred_on=e.occurred_on,
                area=e.area,
                inspected=counts.get("inspected", 0),
                dangerous=counts.get("dangerous", 0),
                cases=cases.get(e.pk, 0),
            )
        )
    return rows


def disaster_by_kind(rows: list[DisasterRow]) -> list[tuple[str, int, int, int]]:
    """The same counts by disaster type: (type, events, dangerous houses, 灾后重建 cases)."""
    by: dict[str, list[int]] = {}
    for r in rows:
        cell = by.setdefault(r.kind_label, [0, 0, 0])
        cell[0] += 1
        cell[1] += r.dangerous
        cell[2] += r.cases
    return [(kind, n, dangerous, cases) for kind, (n, dangerous, cases) in by.items()]


def duty_figures(prefix: str, year: int) -> dict[str, Any]:
    """What the seeds ask the monthly report and the dashboard to show beside the tasks (issue
    18, ADR 0035), under a region code prefix for a plan year: the cases by programme (危房改造 /
    抗震改造 / 灾后重建), the 动态新增 cases by origin (突发严重困难户, 灾害致危) and the families
    registered, the dangerous houses each disaster caused (by event and by type), the cases that
    retrofit for energy saving (count, floor area, subsidy standard of those cases), and where the
    general households' routes stand. Plain values, so a submission's snapshot can keep them."""
    cases = RenovationCase.objects.filter(year=year, region_code__subtree=prefix).filter(COUNTED_CASES)
    origins = dict(cases.values("origin").annotate(n=Count("pk")).order_by().values_list("origin", "n"))
    programmes = dict(cases.values("programme").annotate(n=Count("pk")).order_by().values_list("programme", "n"))
    energy = cases.exclude(energy_tags=[]).aggregate(
        n=Count("pk"), area=Sum(Coalesce("built_area", "planned_area")), subsidy=Sum("subsidy_amount")
    )
    disasters = disaster_damage(prefix, year)
    hardship = hardship_counts(prefix, year)
    routes = dict(
        HousingRoute.objects.filter(region_code__subtree=prefix)
        .values("kind")
        .annotate(n=Count("pk", filter=~Q(stage=RouteStage.CLOSED)))
        .order_by()
        .values_list("kind", "n")
    )
    overdue = HousingRoute.objects.filter(
        region_code__subtree=prefix, stage=RouteStage.OPEN, due_on__lt=timezone.localdate()
    ).count()
    return {
        "programmes": [
            {"programme": p, "label": str(label), "cases": programmes.get(p, 0)} for p, label in Programme.choices
        ],
        "dynamic_new": {
            "hardship_cases": origins.get(CaseOrigin.HARDSHIP, 0),
            "disaster_cases": origins.get(CaseOrigin.DISASTER, 0),
            "total": sum(origins.get(o, 0) for o in DYNAMIC_ORIGINS),
            "hardship_registered": hardship["registered"],
            "hardship_relieved": hardship["relieved"],
        },
        "energy": {
            "cases": energy["n"] or 0,
            # Two decimals on every database (SQLite's sums come back as '45').
            "area": f"{Decimal(energy['area'] or 0):.2f}",
            "subsidy": f"{Decimal(energy['subsidy'] or 0):.2f}",
        },
        "disasters": [
            {
                "title": d.title,
                "kind_label": d.kind_label,
                "occurred_on": d.occurred_on.isoformat(),
                "area": d.area,
                "dangerous": d.dangerous,
                "cases": d.cases,
            }
            for d in disasters
        ],
        "disaster_kinds": [
            {"kind_label": k, "events": n, "dangerous": dangerous, "cases": c}
            for k, n, dangerous, c in disaster_by_kind(disasters)
        ],
        "routes": {
            "open": [{"kind": k, "label": str(label), "count": routes.get(k, 0)} for k, label in RouteKind.choices],
            "overdue": overdue,
        },
    }


def households_awaiting_route(user: Viewer, limit: int = 20) -> tuple[list[Any], int]:
    """General households whose only house is appraised C/D, with no renovation case open and no
    route yet: the village still has to settle how they get a safe house (at most ``limit``)."""
    qs = (
        House.objects.visible_to(user)
        .filter(
            is_only_house=True,
            household__primary_group="",
            current_grade__in=DANGEROUS_GRADES,
            grade_source=GradeSource.APPRAISAL,
        )
        .exclude(household__housing_routes__isnull=False)
        .exclude(household__cases__stage__in=OPEN_STAGES)
        .select_related("household", "region")
        .order_by("region_code", "household__head_name", "pk")
    )
    return list(qs[:limit]), qs.count()
