"""The township quarterly summary (乡镇职责季度汇总, issue 22): the housing figures of the quarter
beside the township's other duties — traditional villages, living-environment projects,
trainings and 三师下乡, publicity and the working teams — as one table of figures, the projects
(with what is late) and the trainings; printed as an A4 PDF and written as an xlsx with one sheet
per table. Every figure is read from the township's own rows the user may see."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from anju.cases.models import CaseStep, RenovationCase
from anju.core.actors import Viewer
from anju.kit import pdf as kit
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.township.choices import ProjectStatus
from anju.township.models import (
    ExpertVisit,
    HouseCheck,
    Project,
    PublicityActivity,
    TeamMember,
    TeamTask,
    TraditionalHouse,
    TraditionalVillage,
    TrainingSession,
    WorkingTeam,
)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


@dataclass
class Summary:
    township: Region
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    figures: list[tuple[str, str, Any]] = field(default_factory=list)  # (section, item, value)
    projects: list[Project] = field(default_factory=list)
    trainings: list[TrainingSession] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.township.name}{self.year}年第{self.quarter}季度乡镇职责汇总"

    def value(self, item: str) -> Any:
        return next(v for _, name, v in self.figures if name == item)


def quarterly_summary(user: Viewer, township: Region, year: int, quarter: int) -> Summary:
    """The figures of one township and quarter, from what the user may see."""
    if township.level != RegionLevel.TOWNSHIP:
        raise ValueError("township expected")
    start, end = quarter_bounds(year, quarter)
    p = township.prefix
    s = Summary(township=township, year=year, quarter=quarter, start=start, end=end)
    add = s.figures.append

    cases = RenovationCase.objects.visible_to(user).filter(region_code__subtree=p)
    figures = cases.aggregate(
        found=Count("pk", filter=Q(opened_on__range=(start, end))),
        completed=Count("pk", filter=Q(completed_on__range=(start, end))),
        accepted=Count("pk", filter=Q(accepted_on__range=(start, end))),
        closed=Count("pk", filter=Q(closed_on__range=(start, end))),
        open_at_end=Count(
            "pk",
            filter=Q(opened_on__lte=end)
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
        ),
    )
    housing = "一、农村住房安全保障"
    add((housing, "本季度发现危房（新建案件）", figures["found"]))
    add((housing, "本季度竣工", figures["completed"]))
    add((housing, "本季度验收通过", figures["accepted"]))
    add((housing, "本季度销号", figures["closed"]))
    add((housing, "季末在办改造案件", figures["open_at_end"]))

    heritage = "二、传统村落和传统民居保护"
    houses = TraditionalHouse.objects.visible_to(user).filter(region_code__subtree=p)
    add(
        (
            heritage,
            "传统村落（个）",
            TraditionalVillage.objects.visible_to(user).filter(region_code__subtree=p).count(),
        )
    )
    add((heritage, "传统民居（栋）", houses.count()))
    checks = HouseCheck.objects.visible_to(user).filter(region_code__subtree=p, checked_on__range=(start, end))
    add((heritage, "本季度巡查（次）", checks.count()))
    add((heritage, "本季度巡查覆盖民居（栋）", checks.values("house").distinct().count()))
    add((heritage, "本季度巡查发现安全隐患（次）", checks.filter(condition="danger").count()))

    env = "三、农村人居环境整治"
    projects = list(
        Project.objects.visible_to(user).filter(region_code__subtree=p).select_related("region").order_by("planned_end")
    )
    s.projects = projects
    add((env, "项目（个）", len(projects)))
    add((env, "预算合计（万元）", sum((x.budget for x in projects), Decimal("0"))))
    add((env, "本季度开工", sum(1 for x in projects if x.actual_start and start <= x.actual_start <= end)))
    add((env, "本季度完工", sum(1 for x in projects if x.actual_end and start <= x.actual_end <= end)))
    add((env, "本季度验收", sum(1 for x in projects if x.accepted_on and start <= x.accepted_on <= end)))
    add((env, "累计已验收", sum(1 for x in projects if x.status == ProjectStatus.ACCEPTED)))
    add((env, "进度滞后（截至今日）", sum(1 for x in projects if x.late_reason())))

    training = "四、人才培训和三师下乡"
    sessions = list(
        TrainingSession.objects.visible_to(user)
        .filter(region_code__subtree=p, starts_on__range=(start, end))
        .annotate(people=Count("attendees", distinct=True) + Count("craftsmen", distinct=True))
        .order_by("starts_on")
    )
    s.trainings = sessions
    add((training, "培训（场）", len(sessions)))
    add((training, "参训（人次）", sum(x.people for x in sessions)))
    add((training, "培训学时合计", sum((x.hours for x in sessions), Decimal("0"))))
    visits = ExpertVisit.objects.visible_to(user).filter(region_code__subtree=p, visited_on__range=(start, end))
    add((training, "三师下乡服务（次）", visits.count()))
    add((training, "指导意见已落实（条）", visits.filter(followed_up_on__isnull=False).count()))

    publicity = "五、政策宣传"
    acts = PublicityActivity.objects.visible_to(user).filter(region_code__subtree=p, held_on__range=(start, end))
    add((publicity, "宣传活动（场）", acts.count()))
    add((publicity, "受众（人次）", acts.aggregate(n=Sum("audience"))["n"] or 0))
    notices = CaseStep.objects.filter(notice_from__range=(start, end), case__in=cases).count()
    add((publicity, "改造对象公示（次）", notices))

    teams = "六、住房保障工作专班"
    villages = Region.objects.filter(code__subtree=p, level=RegionLevel.VILLAGE).count()
    team_qs = WorkingTeam.objects.visible_to(user).filter(region_code__subtree=p)
    add((teams, "已建专班的村（个）", f"{team_qs.count()} / {villages}"))
    add(
        (
            teams,
            "在任专班成员（人）",
            TeamMember.objects.visible_to(user)
            .filter(team__region_code__subtree=p, since__lte=end)
            .filter(Q(until__isnull=True) | Q(until__gte=end))
            .count(),
        )
    )
    tasks = TeamTask.objects.visible_to(user).filter(region_code__subtree=p, due_on__range=(start, end))
    add((teams, "本季度到期任务（项）", tasks.count()))
    add((teams, "其中按期完成", tasks.filter(done_on__isnull=False, done_on__lte=F("due_on")).count()))
    return s


# --- the PDF ---------------------------------------------------------------------------------------


def _d(value: datetime.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def summary_pdf(summary: Summary) -> bytes:
    font = kit.chinese_font()
    st = kit.Styles(font)
    width = kit.content_width()
    story: list[Flowable] = [
        Paragraph(kit.text(summary.title), st.title),
        Paragraph(f"统计期：{_d(summary.start)} 至 {_d(summary.end)}", st.subtitle),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[Any]] = [[Paragraph("项目", st.head), Paragraph("数量", st.head)]]
    spans: list[Any] = [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)]
    section = ""
    for sec, item, value in summary.figures:
        if sec != section:
            section = sec
            spans += [
                ("SPAN", (0, len(rows)), (-1, len(rows))),
                ("BACKGROUND", (0, len(rows)), (-1, len(rows)), kit.LABEL_BG),
            ]
            rows.append([Paragraph(kit.text(sec), st.cell), ""])
        rows.append([Paragraph(kit.text(item), st.cell), Paragraph(kit.text(value, "0"), st.center)])
    table = Table(rows, colWidths=[width * 0.72, width * 0.28], repeatRows=1)
    table.setStyle(kit.grid(font, spans))
    story += [table, Spacer(1, 5 * mm), Paragraph("人居环境整治项目", st.section)]
    prow: list[list[Any]] = [
        [Paragraph(h, st.head) for h in ("项目", "地点", "预算（万元）", "计划完工", "进度", "状态")]
    ]
    for x in summary.projects:
        late = x.late_reason()
        status = f"{x.get_status_display()}" + (
            f"<br/><font color='{kit.WARN}'>滞后：{kit.text(late)}</font>" if late else ""
        )
        prow.append(
            [
                Paragraph(kit.text(x.name), st.cell),
                Paragraph(kit.text(x.region.name), st.cell),
                Paragraph(f"{x.budget}", st.center),
                Paragraph(_d(x.planned_end), st.center),
                Paragraph(f"{x.progress}%", st.center),
                Paragraph(status, st.cell),
            ]
        )
    if len(prow) == 1:
        prow.append([Paragraph("（无）", st.cell), "", "", "", "", ""])
    ptable = Table(prow, colWidths=[w * width for w in (0.26, 0.16, 0.14, 0.13, 0.08, 0.23)], repeatRows=1)
    ptable.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)]))
    story += [ptable, Spacer(1, 5 * mm), Paragraph("本季度培训", st.section)]
    trow: list[list[Any]] = [[Paragraph(h, st.head) for h in ("日期", "主题", "类别", "授课人", "学时", "参训人次")]]
    for t in summary.trainings:
        trow.append(
            [
                Paragraph(_d(t.starts_on), st.center),
                Paragraph(kit.text(t.topic), st.cell),
                Paragraph(kit.text(t.get_category_display()), st.cell),
                Paragraph(kit.text(t.trainer), st.cell),
                Paragraph(f"{t.hours}", st.center),
                Paragraph(f"{t.people}", st.center),  # type: ignore[attr-defined]  # annotated by the summary
            ]
        )
    if len(trow) == 1:
        trow.append([Paragraph("（无）", st.cell), "", "", "", "", ""])
    ttable = Table(trow, colWidths=[w * width for w in (0.14, 0.32, 0.18, 0.14, 0.1, 0.12)], repeatRows=1)
    ttable.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)]))
    story += [ttable]
    return kit.render(story, title=summary.title, caption=summary.title)


# --- the xlsx --------------------------------------------------------------------------------------


def summary_xlsx(summary: Summary) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = book.add_format({"bold": True})

    def sheet(name: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws = book.add_worksheet(name)
        ws.write_string(0, 0, summary.title, bold)
        for col, (h, w) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(1, col, h, head)
            ws.set_column(col, col, w)
        for r, row in enumerate(rows, start=2):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif isinstance(v, Decimal):
                    ws.write_number(r, c, float(v))
                elif v is not None:
                    ws.write(r, c, v)

    sheet("汇总", ["类别", "项目", "数量"], [[a, b, c] for a, b, c in summary.figures], [28, 30, 12])
    sheet(
        "人居环境项目",
        [
            "项目",
            "类型",
            "地点",
            "预算（万元）",
            "责任单位",
            "计划开工",
            "计划完工",
            "实际开工",
            "实际完工",
            "进度%",
            "状态",
            "滞后",
        ],
        [
            [
                x.name,
                x.get_kind_display(),
                x.region.name,
                x.budget,
                x.responsible_unit,
                _d(x.planned_start),
                _d(x.planned_end),
                _d(x.actual_start),
                _d(x.actual_end),
                x.progress,
                x.get_status_display(),
                x.late_reason(),
            ]
            for x in summary.projects
        ],
        [28, 18, 14, 10, 20, 11, 11, 11, 11, 7, 12, 30],
    )
    sheet(
        "培训",
        ["开始日期", "结束日期", "主题", "类别", "授课人", "学时", "参训人次"],
        [
            [_d(t.starts_on), _d(t.ends_on), t.topic, t.get_category_display(), t.trainer, t.hours, t.people]  # type: ignore[attr-defined]  # annotated
            for t in summary.trainings
        ],
        [11, 11, 30, 16, 12, 7, 9],
    )
    book.close()
    return out.getvalue()
