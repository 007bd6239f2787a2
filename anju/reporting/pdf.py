"""The printable annual work plan (年度工作方案, ADR 0037), A4 with the Chinese font of the other
printed forms (``anju.kit.pdf``): title and 文号, 工作目标, the per-township targets, the phases
with their dates, work and responsible units, the units' duties, the contacts, and the version
it prints."""

from __future__ import annotations

import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from anju.eligibility.choices import Programme
from anju.kit import pdf as kit
from anju.regions.models import Region
from anju.reporting.models import WorkPlan

MARGIN = 18 * mm
WIDTH = kit.content_width(MARGIN)
RED = colors.HexColor(kit.WARN)


def _day(iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def workplan_pdf(plan: WorkPlan, viewer: Any) -> bytes:
    """One version of a county's work plan as an A4 PDF."""
    font = kit.chinese_font()
    s = kit.Styles(font)
    office = ParagraphStyle("office", fontName=font, fontSize=18, leading=26, alignment=1, textColor=RED)
    number = ParagraphStyle("number", fontName=font, fontSize=10.5, leading=16, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=19, firstLineIndent=22)
    c = plan.content
    names = dict(Region.objects.filter(parent_id=plan.region_id).values_list("code", "name"))
    status = "现行版本" if plan.status == "active" else plan.get_status_display()
    story: list[Flowable] = [
        Paragraph(f"{kit.text(plan.region.name)}住房和城乡建设局", office),
        Spacer(1, 1 * mm),
        Table([[""]], colWidths=[WIDTH], rowHeights=[1], style=[("LINEBELOW", (0, 0), (-1, -1), 1.2, RED)]),
        Spacer(1, 4 * mm),
        Paragraph(kit.text(c["title"]), s.title),
        Paragraph(
            f"{kit.text(c.get('document_no'), '')}　印发日期 {_day(c['issued_on'])}　第 {plan.version} 版（{status}）",
            number,
        ),
        Spacer(1, 4 * mm),
        Paragraph("一、工作目标", s.section),
        Paragraph(kit.text(c.get("goal")), body),
        Paragraph(
            f"{_day(c['annual_until'])}及以前纳入的改造对象计入年度任务，此后新增的计入动态新增任务，分别统计。",
            body,
        ),
        Paragraph("二、任务目标（户）", s.section),
    ]
    rows: list[list[Any]] = [[Paragraph(h, s.head) for h in ("乡镇", "项目", "年度任务", "动态新增（预计）")]]
    total_a = total_d = 0
    for t in c["targets"]:
        total_a += int(t.get("annual", 0))
        total_d += int(t.get("dynamic", 0))
        rows.append(
            [
                Paragraph(kit.text(names.get(t["township"], t["township"])), s.cell),
                Paragraph(str(Programme(t["programme"]).label), s.cell),
                Paragraph(str(t.get("annual", 0)), s.center),
                Paragraph(str(t.get("dynamic", 0)), s.center),
            ]
        )
    rows.append([Paragraph("合计", s.cell), "", Paragraph(str(total_a), s.center), Paragraph(str(total_d), s.center)])
    targets = Table(rows, colWidths=[WIDTH * 0.34, WIDTH * 0.26, WIDTH * 0.2, WIDTH * 0.2], repeatRows=1)
    targets.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)], padding=3))
    story += [targets, Paragraph("三、实施步骤", s.section)]
    rows = [[Paragraph(h, s.head) for h in ("阶段", "起止时间", "主要工作", "责任单位")]]
    for p in c["phases"]:
        rows.append(
            [
                Paragraph(kit.text(p["name"]), s.cell),
                Paragraph(f"{_day(p['starts'])}<br/>至 {_day(p['ends'])}", s.cell),
                Paragraph(kit.text(p.get("work")), s.cell),
                Paragraph(kit.text(p.get("units")), s.cell),
            ]
        )
    phases = Table(rows, colWidths=[WIDTH * 0.2, WIDTH * 0.2, WIDTH * 0.4, WIDTH * 0.2], repeatRows=1)
    phases.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)], padding=3))
    story += [phases, Paragraph("四、责任单位", s.section)]
    for u in c["units"]:
        story.append(Paragraph(f"{kit.text(u['name'])}：{kit.text(u.get('duty'), '')}", body))
    if not c["units"]:
        story.append(Paragraph("—", body))
    story.append(Paragraph("五、联系人", s.section))
    rows = [[Paragraph(h, s.head) for h in ("单位", "姓名", "电话")]]
    rows += [
        [
            Paragraph(kit.text(p["unit"]), s.cell),
            Paragraph(kit.text(p["name"]), s.cell),
            Paragraph(kit.text(p["phone"]), s.cell),
        ]
        for p in c["contacts"]
    ]
    contacts = Table(rows, colWidths=[WIDTH * 0.45, WIDTH * 0.2, WIDTH * 0.35])
    contacts.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), kit.HEADER_BG)], padding=3))
    story += [contacts, Spacer(1, 12 * mm), Paragraph(f"{kit.text(plan.region.name)}住房和城乡建设局（盖章）", s.date)]
    story.append(Paragraph(_day(c["issued_on"]), s.date))
    return kit.render(
        story,
        title=str(c["title"]),
        caption=f"{plan.region.name} {plan.year} 年度工作方案 v{plan.version}",
        margin=MARGIN,
    )
