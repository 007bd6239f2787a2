"""Reads of the reporting app: submissions a user may see, the timeliness board, reminders,
the annual plan with what is overdue per child region, and the case panel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from anju.cases.choices import Stage, TaskKind
from anju.cases.models import RenovationCase
from anju.core.actors import Viewer
from anju.eligibility.choices import Programme
from anju.inspections.choices import VillageListStatus
from anju.inspections.models import Campaign, VillageList
from anju.inspections.selectors import campaign_coverage
from anju.kit.versioning import ConfigQuerySet
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.models import Region
from anju.reporting import acts as submission_acts
from anju.reporting import calendar as cal
from anju.reporting import timeliness
from anju.reporting import workplan as wpdoc
from anju.reporting.acts import REVIEWER_ROLES, SUBMITTER_ROLES, can_submit
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus, Timeliness
from anju.reporting.filters import SubmissionFilter
from anju.reporting.models import ReportingCalendar, Submission, SubmissionQuerySet, WorkPlan
from anju.reporting.services import calendar_for, ensure_national_calendar, workplan_in_force
from anju.tasks.models import Task

# --- calendars ------------------------------------------------------------------------------------------


def calendars_visible(user: Viewer) -> ConfigQuerySet:
    ensure_national_calendar()
    return ReportingCalendar.objects.visible_to(user).order_by("region_code", "-version")


def calendar_sections(content: dict[str, Any]) -> dict[str, Any]:
    """The calendar laid out for its page."""
    return {
        "reports": [
            (
                kind,
                content["reports"][kind]["name"],
                [(cal.LEVELS[lv], content["reports"][kind]["due_day"][lv]) for lv in cal.LEVELS],
            )
            for kind in cal.REPORT_KINDS
        ],
        "remind_days": content["remind_days"],
        "return_days": content["return_days"],
        "village_list": cal.village_list_section(content),
        "plans": [
            {
                "year": p["year"],
                "regions": p.get("regions") or [],
                "phases": [ph | {"overdue_label": cal.OVERDUE_KINDS.get(ph["overdue"], "")} for ph in p["phases"]],
            }
            for p in sorted(content["plans"], key=lambda p: (p["year"], p.get("regions") or []))
        ],
    }


# --- submissions ----------------------------------------------------------------------------------------


def submissions_visible(user: Viewer) -> SubmissionQuerySet:
    return Submission.objects.visible_to(user).select_related("region", "region__parent", "submitted_by", "reviewed_by")


def submission_list(user: Viewer, params: Any, request: Any = None) -> SubmissionFilter:
    """Submissions the user may see, narrowed by ``SubmissionFilter``, newest first."""
    queryset = submissions_visible(user).order_by("-year", "-month", "kind", "level", "region_code")
    return SubmissionFilter(params, queryset=queryset, request=request)


def submission_detail(submission: Submission, user: Viewer) -> dict[str, Any]:
    """What the detail page shows besides the submission: the diff made readable, and exactly
    the acts the one table (``reporting.acts``) allows the user, with why the next one waits."""
    diff = submission.diff or {}
    added = set(diff.get("added", []))
    regraded = {r["household"]: r for r in diff.get("regraded", [])}
    rows = (
        [
            r
            | {
                "added": r["household"] in added and diff.get("previous") is not None,
                "regraded": regraded.get(r["household"]),
            }
            for r in submission.snapshot.get("rows", [])
        ]
        if submission.kind == ReportKind.MONTHLY_LIST
        else []
    )
    acts = {act.kind: act for act in submission_acts.available_acts(submission, user)}
    waiting = acts.get(submission_acts.next_act(submission) or "")
    return {
        "rows": rows,
        "diff": diff,
        "children": submission.snapshot.get("children", []),
        "events": list(submission.events.select_related("actor")),
        "timeliness": submission.standing(),
        "acts": acts,
        "can_prepare": acts[EventKind.REFRESH].allowed,
        "can_submit": acts[EventKind.SUBMIT].allowed,
        "can_sign_off": acts[EventKind.SIGN_OFF].allowed,
        "can_return": acts[EventKind.RETURN].allowed,
        "can_reopen": acts[EventKind.REOPEN].allowed,
        # why the act the submission waits for is not the user's, when it is not
        "next_label": waiting.label if waiting and not waiting.allowed else "",
        "next_refusal": waiting.reason if waiting and not waiting.allowed else "",
        "is_list": submission.kind == ReportKind.MONTHLY_LIST,
    }


def preparable_regions(user: Any) -> list[Region]:
    """The regions a user submits for (their own, when they hold its submitting role)."""
    if user.region is None:
        return []
    return [] if submission_acts.act_refusal(user.region, user, EventKind.PREPARE) else [user.region]


# --- timeliness board ----------------------------------------------------------------------------------


@dataclass
class BoardCell:
    region: Region
    due_on: datetime.date
    state: str
    submission: Submission | None = None
    # For a report that is not a Submission (the village lists): its first date, status and page.
    first_on: datetime.date | None = None
    status_text: str = ""
    link: str = ""

    @property
    def first_submitted_on(self) -> datetime.date | None:
        return self.submission.first_submitted_on if self.submission else self.first_on

    @property
    def status_label(self) -> str:
        return str(self.submission.get_status_display()) if self.submission else self.status_text

    @property
    def url(self) -> str:
        return reverse("reporting:submission_detail", args=[self.submission.pk]) if self.submission else self.link

    @property
    def state_label(self) -> str:
        return Timeliness(self.state).label

    @property
    def colour(self) -> str:
        return timeliness.COLOURS[self.state]


@dataclass
class Board:
    parent: Region
    kind: str
    year: int
    month: int
    cells: list[BoardCell] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for c in self.cells if c.state == state)

    @property
    def counts(self) -> dict[str, int]:
        return {state: self.count(state) for state in Timeliness.values}

    def _rate(self, n: int) -> Decimal | None:
        if not self.cells:
            return None
        return (Decimal(n * 100) / Decimal(len(self.cells))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def reporting_rate(self) -> Decimal | None:
        """Reports received (standing submitted: on time, late, or resubmitted after a return)
        as a percentage of those expected."""
        return self._rate(sum(self.count(state) for state in timeliness.RECEIVED))

    @property
    def on_time_rate(self) -> Decimal | None:
        """Reports received in time (on time, or resubmitted by the return's new due date)."""
        return self._rate(sum(self.count(state) for state in timeliness.IN_TIME))


def board(*, parent: Region, kind: str, year: int, month: int, today: datetime.date | None = None) -> Board:
    """Each child region of ``parent``: its report of ``kind`` for the month on time, late,
    missing or not yet due (two queries: the children and their submissions)."""
    today = today or timezone.localdate()
    children = list(Region.objects.filter(parent=parent, level=parent.level + 1).order_by("code"))
    result = Board(parent, kind, year, month)
    if parent.level + 1 not in cal.LEVEL_OF_REGION:
        return result
    level = cal.LEVEL_OF_REGION[parent.level + 1]
    content = calendar_for(parent.code).content
    due = cal.due_on(content, kind, level, year, month)
    found = {
        s.region_id: s
        for s in Submission.objects.filter(kind=kind, year=year, month=month, region__in=children).select_related(
            "region"
        )
    }
    for child in children:
        s = found.get(child.pk)
        st = timeliness.of(s, due, today)
        result.cells.append(BoardCell(child, st.due_on, st.state, s))
    return result


VILLAGE_LIST = "village_list"  # the board's kind for the villages' signed lists (ADR 0036)


def village_list_board(*, parent: Region, year: int, user: Viewer, today: datetime.date | None = None) -> Board:
    """Every village under ``parent`` in a campaign of ``year``: its signed list of suspected C/D
    houses against the campaign's due date (the province calendar's day), by the one timeliness
    definition — a return by the township gives a new due date (``return_days``) like a returned
    report. Three queries: campaigns, their villages, the lists."""
    today = today or timezone.localdate()
    result = Board(parent, VILLAGE_LIST, year, 0)
    return_days = int(calendar_for(parent.code).content["return_days"])
    campaigns = Campaign.objects.visible_to(user).filter(year=year)
    due: dict[int, tuple[datetime.date, Campaign]] = {}
    villages: dict[int, Region] = {}
    for campaign in campaigns.prefetch_related("villages"):
        for village in campaign.villages.all():
            if village.code.startswith(parent.prefix) and village.pk not in due:
                due[village.pk] = (campaign.list_due, campaign)
                villages[village.pk] = village
    versions: dict[int, list[VillageList]] = {}
    for record in (
        VillageList.objects.filter(campaign__in=campaigns, village_id__in=list(due))
        .select_related("campaign")
        .order_by("round")
    ):
        versions.setdefault(record.village_id, []).append(record)
    for pk in sorted(villages, key=lambda k: villages[k].code):
        village, (list_due, _campaign) = villages[pk], due[pk]
        lists = [r for r in versions.get(pk, []) if r.campaign.list_due == list_due]
        if not lists:
            st = timeliness.standing(due_on=list_due, today=today)
            result.cells.append(BoardCell(village, st.due_on, st.state, status_text="未签字"))
            continue
        first, latest = lists[0], lists[-1]
        returns = [r for r in lists if r.returned_at is not None]
        resubmit_due = None
        if returns:
            returned_on = timezone.localtime(returns[-1].returned_at).date()
            resubmit_due = returned_on + datetime.timedelta(days=return_days)
        status = (
            SubmissionStatus.RETURNED if latest.status == VillageListStatus.RETURNED else SubmissionStatus.SUBMITTED
        )
        st = timeliness.standing(
            due_on=list_due,
            today=today,
            status=status,
            first_submitted_on=timezone.localtime(first.signed_at).date(),
            submitted_on=timezone.localtime(latest.signed_at).date(),
            resubmit_due_on=resubmit_due,
        )
        words = f"{latest.get_status_display()}（第 {latest.round} 次，{latest.get_kind_display()}）"
        result.cells.append(
            BoardCell(
                village,
                st.due_on,
                st.state,
                first_on=timezone.localtime(first.signed_at).date(),
                status_text=words,
                link=reverse("inspections:village_list_detail", args=[latest.pk]),
            )
        )
    return result


def board_parent(user: Any, code: str | None) -> Region | None:
    """The region whose children the board shows: the one asked for if the user may see it,
    else the user's own (None when the user stands below the levels that receive reports)."""
    qs = Region.objects.visible_to(user).filter(level__lte=RegionLevel.TOWNSHIP)
    if code:
        return qs.filter(code=code).first()
    if user.region is not None:
        return user.region if user.region.level <= RegionLevel.TOWNSHIP else None
    return qs.order_by("level", "code").first()


# --- reminders -----------------------------------------------------------------------------------------


@dataclass
class Reminder:
    text: str
    url: str
    colour: str  # Bootstrap: danger overdue, warning due soon, info awaiting review


def _month_back(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def reminders(user: Any, today: datetime.date | None = None) -> list[Reminder]:
    """The reports the user owes (due within the reminder lead time, or overdue, this month or
    last) and their children's reports waiting for the user's review."""
    today = today or timezone.localdate()
    out: list[Reminder] = []
    region = user.region
    if region is None:
        return out
    if region.level in SUBMITTER_ROLES and can_submit(user, region.code, region.level):
        content = calendar_for(region.code).content
        level = cal.LEVEL_OF_REGION[region.level]
        periods = [(today.year, today.month), _month_back(today.year, today.month)]
        existing = {
            (s.kind, s.year, s.month): s
            for s in Submission.objects.filter(region=region, kind__in=ReportKind.values).filter(
                Q(year=periods[0][0], month=periods[0][1]) | Q(year=periods[1][0], month=periods[1][1])
            )
        }
        for year, month in periods:
            for kind, label in ReportKind.choices:
                s = existing.get((kind, year, month))
                due = s.due_on if s else cal.due_on(content, kind, level, year, month)
                st = timeliness.of(s, due, today)
                # A returned report is always the region's to do; others from remind_days before.
                if not st.open or (st.state == Timeliness.NOT_DUE and st.days_left > content["remind_days"]):
                    continue
                url = reverse("reporting:submission_detail", args=[s.pk]) if s else reverse("reporting:submission_list")
                colour = "warning" if st.state in (Timeliness.NOT_DUE, Timeliness.RETURNED) else "danger"
                out.append(Reminder(f"{year} 年 {month} 月{label}{st.sentence()}", url, colour))
    reviews = [lv + 1 for lv, roles in REVIEWER_ROLES.items() if lv == region.level + 1 and user.has_role(*roles)]
    if reviews:
        waiting = (
            Submission.objects.filter(region__parent=region, status=SubmissionStatus.SUBMITTED)
            .values("kind", "year", "month")
            .annotate(n=Count("pk"))
            .order_by("-year", "-month", "kind")
        )
        for w in waiting:
            url = (
                reverse("reporting:submission_list")
                + f"?status=submitted&kind={w['kind']}&year={w['year']}&month={w['month']}"
            )
            out.append(
                Reminder(
                    f"{w['year']} 年 {w['month']} 月{ReportKind(w['kind']).label}：{w['n']} 份下级报表待审核",
                    url,
                    "info",
                )
            )
        out.extend(_overdue_children(region, today))
    return out


def _overdue_children(region: Region, today: datetime.date) -> list[Reminder]:
    """The children whose report of this month or last is overdue (逾期未报, or not sent again
    by a return's due date), as the timeliness board shows them, so a reviewer's home says so."""
    out = []
    for year, month in [(today.year, today.month), _month_back(today.year, today.month)]:
        for kind, label in ReportKind.choices:
            late = [
                c.region.name
                for c in board(parent=region, kind=kind, year=year, month=month, today=today).cells
                if c.state in (Timeliness.MISSING, Timeliness.RETURNED_OVERDUE)
            ]
            if late:
                names = "、".join(late[:3]) + (f"等 {len(late)} 个单位" if len(late) > 3 else "")
                url = reverse("reporting:timeliness_board") + f"?kind={kind}&month={year}-{month:02d}"
                out.append(Reminder(f"{year} 年 {month} 月{label}：{names}逾期未报", url, "danger"))
    return out


# --- annual plan ---------------------------------------------------------------------------------------


@dataclass
class PhaseView:
    code: str
    name: str
    deadline: datetime.date
    overdue_kind: str
    days_left: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""
    own_gap: int = 0  # a county's own households not yet allocated to its townships

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def days_over(self) -> int:
        return max(-self.days_left, 0)

    @property
    def overdue_label(self) -> str:
        return cal.OVERDUE_KINDS[self.overdue_kind]

    @property
    def total(self) -> int:
        return sum(r["count"] for r in self.rows) + self.own_gap


def plan_phases(content: dict[str, Any], year: int, region_code: str) -> tuple[list[dict[str, Any]], WorkPlan | None]:
    """The phases that apply to a region's year: its county's work plan in force (ADR 0037), else
    the province calendar's plan; with the work plan when it is the source."""
    if len(region_code) == 12 and region_code[4:6] != "00":
        workplan = workplan_in_force(region_code[:6] + "000000", year)
        if workplan is not None:
            return wpdoc.phases_of(workplan.content), workplan
    plan = cal.plan_for(content, year, region_code)
    return (list(plan["phases"]) if plan else []), None


def annual_plan(*, user: Viewer, region: Region, year: int, today: datetime.date | None = None) -> dict[str, Any]:
    """The year's phases for ``region`` with days left, the tasks (targets), and per child
    region what falls under each phase's overdue rule (shown as overdue once the deadline
    has passed, as still to do before). Three aggregate queries."""
    today = today or timezone.localdate()
    content = calendar_for(region.code).content
    plan = cal.plan_for(content, year, region.code)
    phase_list, workplan = plan_phases(content, year, region.code)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    child_len = PREFIX_LENGTH.get(region.level + 1, 12)
    cases = (
        RenovationCase.objects.visible_to(user)
        .filter(year=year, region_code__subtree=region.prefix)
        .exclude(stage=Stage.ENDED)
        .annotate(child=Substr("region_code", 1, child_len))
        .values("child", "stage")
        .annotate(
            n=Count("pk"),
            not_completed=Count("pk", filter=Q(completed_on__isnull=True)),
            not_accepted=Count("pk", filter=Q(accepted_on__isnull=True)),
        )
        .order_by()
    )
    by_child: dict[str, dict[str, dict[str, int]]] = {}
    for c in cases:
        entry = by_child.setdefault(c["child"], {"not_completed": {}, "not_accepted": {}})
        if c["not_completed"]:
            entry["not_completed"][c["stage"]] = c["not_completed"]
        if c["not_accepted"]:
            entry["not_accepted"][c["stage"]] = c["not_accepted"]
    # Issued totals and township allocations apart: one query joining both would multiply them.
    visible_tasks = Task.objects.visible_to(user).filter(year=year, region_code__subtree=region.prefix)
    task_total: dict[str, int] = {}
    for code, total in (
        visible_tasks.values("region_code").annotate(total=Sum("count")).values_list("region_code", "total")
    ):
        task_total[code] = total or 0
    allocated: dict[str, int] = {}
    for code, total in (
        Task.objects.filter(parent__in=visible_tasks)
        .values("parent__region_code")
        .annotate(total=Sum("count"))
        .values_list("parent__region_code", "total")
    ):
        allocated[code] = total or 0
    if region.level >= RegionLevel.COUNTY:
        own_tasks = task_total.get(region.code, 0)
    else:  # a city or province: what its counties were issued
        own_tasks = sum(v for code, v in task_total.items() if code.endswith("000000") and code[4:6] != "00")

    phases: list[PhaseView] = []
    for p in phase_list:
        deadline = datetime.date.fromisoformat(p["deadline"])
        phase = PhaseView(p["code"], p["name"], deadline, p["overdue"], (deadline - today).days)
        if p["overdue"] == "tasks_unallocated" and region.level == RegionLevel.COUNTY:
            own = task_total.get(region.code, 0)
            phase.own_gap = max(own - allocated.get(region.code, 0), 0)
            phase.summary = (
                f"本级任务 {own} 户，已分解到乡镇 {allocated.get(region.code, 0)} 户"
                if own
                else "上级尚未下达本年度任务"
            )
        for child in children:
            prefix = child.code[:child_len]
            row: dict[str, Any] = {"region": child, "count": 0, "stages": [], "note": ""}
            if p["overdue"] == "tasks_unallocated":
                total = task_total.get(child.code, 0)
                if child.level == RegionLevel.COUNTY:
                    row["count"] = max(total - allocated.get(child.code, 0), 0)
                    row["note"] = f"任务 {total} 户，未分解 {row['count']} 户" if total else "未下达任务"
                else:  # a township's share is counted in its county's gap; shown for reference
                    row["note"] = f"分配任务 {total} 户" if total else "未分配任务"
            else:
                key = "not_completed" if p["overdue"] == "cases_not_completed" else "not_accepted"
                stages = by_child.get(prefix, {}).get(key, {})
                row["count"] = sum(stages.values())
                row["stages"] = [
                    (
                        Stage(s).label,
                        n,
                        reverse("cases:case_list") + f"?region={child.code}&year={year}&stage={s}",
                    )
                    for s, n in sorted(stages.items(), key=lambda kv: Stage.values.index(kv[0]))
                ]
            phase.rows.append(row)
        phases.append(phase)
    return {
        "region": region,
        "year": year,
        "plan": plan,
        "workplan": workplan,
        "phases": phases,
        "tasks": own_tasks,
        "years": cal.plan_years(content),
    }


# --- case panel ----------------------------------------------------------------------------------------


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """The phase of the case's plan year it falls under and whether it is behind, with links to
    the annual plan and the village's monthly lists."""
    today = timezone.localdate()
    content = calendar_for(case.region_code).content
    phase_list, _workplan = plan_phases(content, case.year, case.region_code)
    behind: list[str] = []
    current = None
    for p in phase_list:
        deadline = datetime.date.fromisoformat(p["deadline"])
        late = (p["overdue"] == "cases_not_completed" and case.completed_on is None) or (
            p["overdue"] == "cases_not_accepted" and case.accepted_on is None
        )
        if case.stage in (Stage.ENDED,):
            late = False
        if late and deadline < today:
            behind.append(f"{p['name']}（{deadline:%Y-%m-%d} 截止）已逾期 {(today - deadline).days} 天")
        if current is None and deadline >= today:
            current = {"name": p["name"], "deadline": deadline, "days_left": (deadline - today).days}
    village = case.region_code
    listed = (
        Submission.objects.visible_to(user)
        .filter(kind=ReportKind.MONTHLY_LIST, region_code=village)
        .exclude(status=SubmissionStatus.DRAFT)
        .order_by("-year", "-month")
        .first()
    )
    county = Region.objects.filter(code=case.region_code[:6] + "000000").first()
    return {
        "year": case.year,
        "current": current,
        "behind": behind,
        "plan_url": reverse("reporting:annual_plan")
        + f"?year={case.year}"
        + (f"&region={county.code}" if county else ""),
        "latest_list": listed,
        "latest_list_url": reverse("reporting:submission_detail", args=[listed.pk]) if listed else "",
    }


# --- annual work plans (ADR 0037) -----------------------------------------------------------------------


def workplans_visible(user: Viewer) -> Any:
    return WorkPlan.objects.visible_to(user).select_related("region", "created_by")


@dataclass
class TownshipLine:
    """One township on the work plan: its targets per programme, the tasks allocated to it, its
    cases of the year marked 年度任务 and 动态新增, and its 排查摸底 coverage."""

    region: Region
    targets: list[dict[str, Any]] = field(default_factory=list)
    allocated: dict[str, int] = field(default_factory=dict)  # task kind -> households
    cases: dict[str, int] = field(default_factory=dict)  # task kind -> cases (not ended)
    completed: dict[str, int] = field(default_factory=dict)
    covered: int = 0
    to_cover: int = 0

    @property
    def target_annual(self) -> int:
        return sum(int(t.get("annual", 0)) for t in self.targets)

    @property
    def target_dynamic(self) -> int:
        return sum(int(t.get("dynamic", 0)) for t in self.targets)

    @property
    def coverage_text(self) -> str:
        if not self.to_cover:
            return "—"
        return f"{self.covered}/{self.to_cover}（{round(100 * self.covered / self.to_cover)}%）"


def workplan_phases(content: dict[str, Any], today: datetime.date) -> list[dict[str, Any]]:
    """The plan's phases with where today stands in each (已结束 / 进行中 / 未开始)."""
    out = []
    for p in content["phases"]:
        starts, ends = datetime.date.fromisoformat(p["starts"]), datetime.date.fromisoformat(p["ends"])
        state = "已结束" if ends < today else ("进行中" if starts <= today else "未开始")
        out.append(
            p | {"starts_on": starts, "ends_on": ends, "state": state, "overdue_label": cal.OVERDUE_KINDS[p["overdue"]]}
        )
    return out


def workplan_detail(plan: WorkPlan, user: Viewer, today: datetime.date | None = None) -> dict[str, Any]:
    """The plan laid out for its page and its PDF: phases, per township targets against tasks and
    cases (年度任务 and 动态新增 apart) and the campaign coverage (排查摸底进度). Four aggregate
    queries and one per campaign of the year."""
    today = today or timezone.localdate()
    content = plan.content
    townships = {r.code: r for r in Region.objects.filter(parent_id=plan.region_id).order_by("code")}
    lines = {code: TownshipLine(region) for code, region in townships.items()}
    for t in content.get("targets") or []:
        if t.get("township") in lines:
            lines[t["township"]].targets.append(t | {"programme_label": Programme(t["programme"]).label})
    for code, kind, total in (
        Task.objects.filter(year=plan.year, region_code__in=list(lines))
        .values("region_code", "kind")
        .annotate(total=Sum("count"))
        .values_list("region_code", "kind", "total")
    ):
        lines[code].allocated[kind] = total or 0
    for row in (
        RenovationCase.objects.visible_to(user)
        .filter(year=plan.year, region_code__subtree=plan.region.prefix)
        .exclude(stage=Stage.ENDED)
        .annotate(township=Substr("region_code", 1, 9))
        .values("township", "task_kind")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(completed_on__isnull=False)))
        .order_by()
    ):
        line = lines.get(row["township"] + "000")
        if line is not None:
            line.cases[row["task_kind"]] = row["n"]
            line.completed[row["task_kind"]] = row["done"]
    campaigns = Campaign.objects.visible_to(user).filter(year=plan.year, region_code__subtree=plan.region.prefix)
    for campaign in campaigns:
        for township in campaign_coverage(campaign, user).children:
            line = lines.get(township.region.code)
            if line is not None:
                line.covered += township.covered
                line.to_cover += township.total
    rows = list(lines.values())
    totals = wpdoc.targets_total(content)
    return {
        "plan": plan,
        "c": content,
        "phases": workplan_phases(content, today),
        "lines": rows,
        "totals": totals,
        "cases_total": {k: sum(r.cases.get(k, 0) for r in rows) for k in TaskKind.values},
        "covered_total": (sum(r.covered for r in rows), sum(r.to_cover for r in rows)),
        "task_kinds": TaskKind,
        "campaigns": list(campaigns),
    }
