"""What a submission contains, computed from the data of the submitting region's whole subtree
when it is prepared or submitted (ADR 0018: a level never re-keys or merges its children's
lists, so its figures cannot drift from theirs; the children's own submission statuses are
recorded next to them so missing ones are visible)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from anju.cases.choices import OPEN_STAGES
from anju.cases.headline import COMPLETED_CASES, COUNTED_CASES, routed_outcomes
from anju.cases.models import RenovationCase
from anju.core.dbops import Keys
from anju.core.masking import Kind, mask
from anju.dynamic.selectors import duty_figures
from anju.eligibility.choices import OUTCOME_PROGRAMME, Outcome, Programme
from anju.eligibility.models import Decision
from anju.households.choices import GENERAL_LABEL, KeyGroup
from anju.households.models import House
from anju.regions.models import Region
from anju.reporting.choices import ReportKind, SubmissionStatus
from anju.subsidies.models import Payment
from anju.tasks.headline import completion_rate
from anju.tasks.selectors import task_progress

PROGRESS_FIGURES = ("routed", "tasks", "cases", "filed", "started", "completed", "accepted", "closed", "paid")


def monthly_list_rows(region: Region, as_of: datetime.date) -> list[dict[str, Any]]:
    """The region's eligible households on ``as_of``: each household whose current eligibility
    decision puts it into a programme (再次纳入 included), or whose case is still open, and whose
    house was appraised by then, with that appraisal. A renovated household leaves the list at
    销号 because its decision becomes 已改造, not because it once had a case: a renovated house
    found C/D again and re-entered is back on it (ADR 0021). Sorted by village and head name."""
    open_case = RenovationCase.objects.filter(household_id=OuterRef("household_id"), stage__in=OPEN_STAGES)
    # "Or whose case is still open" as one set (a hashed IN over the open cases): as a filter on
    # the per-decision subquery it was asked for every current decision of the region — 3.8 s of
    # 5.8 s for a province of 1,000,000 households (docs/performance.md); the annotation is now
    # read only for the listed ones.
    # (Not narrowed by the case's region: a household that moved keeps its case's old code.)
    with_open_case = RenovationCase.objects.filter(stage__in=OPEN_STAGES).values("household_id")
    # The listed decisions' keys first, each half through its index: the decisions' region
    # indexes are varchar_pattern_ops, which serve the code's LIKE and not its range; with the OR
    # in one query PostgreSQL could not estimate the rows and read every decision of the province
    # and joined every household: 3.6–4.0 s a city at 10,000,000 households, 0.7 s this way
    # (docs/performance.md).
    scope = Decision.objects.filter(is_current=True, region_code__startswith=region.prefix)
    keys = {
        *scope.filter(outcome__in=list(OUTCOME_PROGRAMME)).values_list("pk", flat=True),
        *scope.filter(household_id__in=with_open_case).values_list("pk", flat=True),
    }
    decisions = list(
        Decision.objects.filter(pk__any=Keys(sorted(keys)))
        .annotate(case_programme=Subquery(open_case.values("programme")[:1]))
        .select_related("household", "household__region")
        .order_by("household__region_code", "household__head_name", "household_id")
    )
    grades: dict[int, tuple[str, datetime.date | None]] = {}
    houses = (
        House.objects.filter(household_id__any=Keys(sorted({d.household_id for d in decisions})))
        .exclude(appraised_grade="")
        .order_by("household_id", "appraised_on", "pk")
        .values_list("household_id", "appraised_grade", "appraised_on")
    )
    for household_id, grade, appraised_on in houses:
        grades[household_id] = (grade, appraised_on)  # the latest appraisal wins
    # A household enters the list once its house was appraised by ``as_of`` (one with no house
    # to appraise, 无房户, as soon as it is covered).
    decisions_list = [d for d in decisions if (grades.get(d.household_id, ("", None))[1] or as_of) <= as_of]
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for d in decisions_list:
        h = d.household
        if h.pk in seen:
            continue
        seen.add(h.pk)
        grade, appraised_on = grades.get(h.pk, ("", None))
        rows.append(
            {
                "household": h.pk,
                "head_name": h.head_name,
                "id_masked": mask(h.head_id_number, Kind.ID),
                "village": h.region.name,
                "village_code": h.region_code,
                "group": h.primary_group,
                "group_label": KeyGroup(h.primary_group).label if h.primary_group else GENERAL_LABEL,
                "grade": grade,
                "appraised_on": appraised_on.isoformat() if appraised_on else "",
                "outcome": d.outcome,
                "outcome_label": Outcome(d.outcome).label,
                "programme": OUTCOME_PROGRAMME.get(d.outcome) or d.case_programme,
                "rule_id": d.rule_id,
                "rule_name": d.rule_name,
            }
        )
    return rows


def list_diff(rows: list[dict[str, Any]], previous: Any | None) -> dict[str, Any]:
    """Added, removed and re-graded households against the previous signed-off list (every row
    is added when there is none)."""
    if previous is None:
        return {"previous": None, "added": [r["household"] for r in rows], "removed": [], "regraded": []}
    before = {r["household"]: r for r in previous.snapshot.get("rows", [])}
    now = {r["household"]: r for r in rows}
    return {
        "previous": {"id": previous.pk, "period": previous.period_label},
        "added": [h for h in now if h not in before],
        "removed": [before[h] for h in before if h not in now],
        "regraded": [
            {"household": h, "head_name": now[h]["head_name"], "before": before[h]["grade"], "after": now[h]["grade"]}
            for h in now
            if h in before and before[h]["grade"] != now[h]["grade"]
        ],
    }


def progress_rows(region: Region, year: int, user: Any) -> list[dict[str, Any]]:
    """Per programme: the year's tasks (annual + dynamic, from ``task_progress``; none for a
    village, which receives no task), the year's cases (not ended) at each milestone, and the
    subsidy paid on them, for the region's subtree."""
    tasks: dict[str, int | None] = dict.fromkeys(Programme.values, None)
    for county_row in task_progress(user, year):
        for row in [county_row, *county_row.children]:
            code = row.region.code
            if code == region.code or (row.is_county and code.startswith(region.prefix) and region.level < 3):
                tasks[row.programme] = (tasks[row.programme] or 0) + row.task_total
    counted = {
        c["programme"]: c
        for c in RenovationCase.objects.filter(year=year, region_code__subtree=region.prefix)
        .filter(COUNTED_CASES)
        .values("programme")
        .annotate(
            cases=Count("pk"),
            filed=Count("pk", filter=Q(filed_on__isnull=False)),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            completed=Count("pk", filter=COMPLETED_CASES),
            accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
            closed=Count("pk", filter=Q(closed_on__isnull=False)),
        )
        .order_by()
    }
    paid = {
        p["case__programme"]: p["total"]
        for p in Payment.objects.filter(region_code__subtree=region.prefix, case__year=year)
        .values("case__programme")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    routed = {
        programme: Decision.objects.filter(
            is_current=True, region_code__subtree=region.prefix, outcome__in=routed_outcomes(programme)
        )
        .values("household_id")
        .distinct()
        .count()
        for programme in Programme.values
    }
    rows = []
    for programme, label in Programme.choices:
        c = counted.get(programme, {})
        figures = {k: int(c.get(k, 0)) for k in ("cases", "filed", "started", "completed", "accepted", "closed")}
        rows.append(
            {
                "programme": programme,
                "programme_label": label,
                "routed": routed[programme],
                "tasks": tasks[programme],
                **figures,
                "completion_rate": completion_rate(figures["completed"], tasks[programme] or 0).text,
                "paid": str(paid.get(programme) or Decimal("0.00")),
            }
        )
    return rows


def progress_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The progress report's 合计 line over every programme: the headline figures the
    dashboard shows for the region (cases, completed, tasks, 竣工率)."""
    tasks = sum(r["tasks"] or 0 for r in rows)
    completed = sum(r["completed"] for r in rows)
    return {
        "routed": sum(r["routed"] for r in rows),
        "tasks": tasks,
        "cases": sum(r["cases"] for r in rows),
        "completed": completed,
        "completion_rate": completion_rate(completed, tasks).text,
    }


def children_status(region: Region, kind: str, year: int, month: int) -> list[dict[str, Any]]:
    """Each child region that reports, and where its own submission of the month stands."""
    from anju.reporting.models import Submission

    children = list(Region.objects.filter(parent=region, level=region.level + 1).order_by("code"))
    found = {
        s.region_id: s
        for s in Submission.objects.filter(kind=kind, year=year, month=month, region__in=children).only(
            "region_id", "status", "first_submitted_on"
        )
    }
    out = []
    for child in children:
        s = found.get(child.pk)
        out.append(
            {
                "code": child.code,
                "name": child.name,
                "status": s.status if s else "",
                "status_label": SubmissionStatus(s.status).label if s else "未报",
                "submitted_on": s.first_submitted_on.isoformat() if s and s.first_submitted_on else "",
            }
        )
    return out


def compute(*, kind: str, region: Region, year: int, month: int, as_of: datetime.date, user: Any) -> dict[str, Any]:
    """The snapshot of one submission."""
    snapshot: dict[str, Any] = {"as_of": as_of.isoformat(), "region": region.code, "region_name": region.name}
    if kind == ReportKind.MONTHLY_LIST:
        rows = monthly_list_rows(region, as_of)
        snapshot |= {"rows": rows, "count": len(rows)}
    else:
        rows = progress_rows(region, year, user)
        snapshot |= {"year": year, "rows": rows, "total": progress_total(rows)} | duty_figures(region.prefix, year)
    if region.level < 5:
        snapshot["children"] = children_status(region, kind, year, month)
    return snapshot
