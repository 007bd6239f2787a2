"""The printable completion acceptance form (农村危房改造竣工验收表), A4, with ReportLab and the
project's Chinese font (ADR 0010). It shows the acceptance as recorded: the household and the
works, each checklist item of the snapshot with its √ × ○ mark, the conclusion, the
rectification a failure ordered, and signature lines for the builder, the household and the
acceptance officers."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from anju.acceptance.models import Acceptance, Rectification
from anju.core.masking import Kind
from anju.core.numbers import plain_number
from anju.kit import pdf as kit
from anju.kit.pdf import HEADER_BG, LABEL_BG, WARN

PAGE_WIDTH = kit.content_width()
FAIL_BG = colors.HexColor("#FDECEE")
PASS_COLOUR = "#1B5E20"


class _Styles(kit.Styles):
    def __init__(self, font: str) -> None:
        super().__init__(font, cell_leading=12, section_space=2 * mm)
        self.mark = ParagraphStyle("mark", fontName=font, fontSize=12, leading=12, alignment=1)


def _info_table(acceptance: Acceptance, s: _Styles, font: str) -> Table:
    case = acceptance.case
    household = case.household

    def p(text: str, style: ParagraphStyle = s.cell) -> Paragraph:
        return Paragraph(text, style)

    village = household.region.full_name() + (household.group_name or "")
    builder = kit.text(case.builder_name) + (
        f"（证书 {kit.text(case.builder_cert_no)}）" if case.builder_cert_no else ""
    )
    built = f"{plain_number(case.built_area)} m²" if case.built_area is not None else "—"
    planned = f"{plain_number(case.planned_area)} m²" if case.planned_area is not None else "—"
    subsidy = f"{case.subsidy_amount:,.0f} 元" if case.subsidy_amount is not None else "—"
    started = f"{case.started_on:%Y-%m-%d}" if case.started_on else "—"
    completed = f"{case.completed_on:%Y-%m-%d}" if case.completed_on else "—"
    rows = [
        [
            p("户主", s.label),
            p(kit.text(household.head_name)),
            p("身份证号", s.label),
            p(kit.personal(household.head_id_number, Kind.ID)),
            p("家庭人口", s.label),
            p(f"{case.household_size} 人"),
        ],
        [p("所在村", s.label), p(kit.text(village)), "", "", "", ""],
        [
            p("计划年度", s.label),
            p(f"{case.year} 年{escape(case.get_programme_display())}"),
            p("原危险等级", s.label),
            p(escape(case.get_grade_display())),
            p("改造方式", s.label),
            p(kit.text(case.method_name)),
        ],
        [
            p("建设方式", s.label),
            p(kit.text(case.get_construction_mode_display())),
            p("施工方", s.label),
            p(builder),
            "",
            "",
        ],
        [p("计划面积", s.label), p(planned), p("竣工面积", s.label), p(built), p("补助标准", s.label), p(subsidy)],
        [p("开工日期", s.label), p(started), p("竣工日期", s.label), p(completed), "", ""],
    ]
    spans = [("SPAN", (1, 1), (5, 1)), ("SPAN", (3, 3), (5, 3)), ("SPAN", (3, 5), (5, 5))]
    if case.area_problem:
        rows.append(
            [p("面积提示", s.label), p(f"<font color='{WARN}'>{kit.text(case.area_problem)}</font>"), "", "", "", ""]
        )
        spans.append(("SPAN", (1, len(rows) - 1), (5, len(rows) - 1)))
    label = 22 * mm
    value = (PAGE_WIDTH - 3 * label) / 3
    table = Table(rows, colWidths=[label, value + 8 * mm, label, value + 4 * mm, label, value - 12 * mm])
    table.setStyle(
        kit.grid(
            font,
            [
                *spans,
                ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                ("BACKGROUND", (2, 0), (2, 0), LABEL_BG),
                ("BACKGROUND", (2, 2), (2, -1), LABEL_BG),
                ("BACKGROUND", (4, 0), (4, 0), LABEL_BG),
                ("BACKGROUND", (4, 2), (4, 2), LABEL_BG),
                ("BACKGROUND", (4, 4), (4, 4), LABEL_BG),
            ],
        )
    )
    return table


def _checklist_table(acceptance: Acceptance, s: _Styles, font: str) -> Table:
    rows: list[list[Any]] = [[Paragraph(h, s.head) for h in ("分组", "验收项目", "必须", "结果", "说明")]]
    extra: list[Any] = [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]
    for group, items in acceptance.groups():
        first = len(rows)
        for row in items:
            colour = {"pass": PASS_COLOUR, "fail": WARN}.get(row["result"], "#555555")
            rows.append(
                [
                    Paragraph(kit.text(group), s.cell) if len(rows) == first else "",
                    Paragraph(kit.text(row["name"]), s.cell),
                    Paragraph("是" if row.get("required") else "", s.head),
                    Paragraph(f"<font color='{colour}'>{escape(row['mark']) or '—'}</font>", s.mark),
                    Paragraph(kit.text(row["note"], ""), s.cell),
                ]
            )
            if row["blocking"]:
                extra.append(("BACKGROUND", (1, len(rows) - 1), (-1, len(rows) - 1), FAIL_BG))
        if len(rows) - first > 1:
            extra.append(("SPAN", (0, first), (0, len(rows) - 1)))
    table = Table(rows, colWidths=[22 * mm, 70 * mm, 12 * mm, 14 * mm, PAGE_WIDTH - 118 * mm], repeatRows=1)
    compact = [("TOPPADDING", (0, 1), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5)]
    table.setStyle(kit.grid(font, [*compact, *extra]))
    return table


def _conclusion_table(acceptance: Acceptance, rectification: Rectification | None, s: _Styles, font: str) -> Table:
    colour = PASS_COLOUR if acceptance.passed else WARN
    verdict = f"<font color='{colour}'>{escape(acceptance.result_label)}</font>"
    agrees = "同意" if acceptance.household_agrees else f"<font color='{WARN}'>不同意</font>"
    if acceptance.household_opinion:
        agrees += f"：{kit.text(acceptance.household_opinion)}"
    rows: list[list[Any]] = [
        [
            Paragraph("竣工后等级", s.label),
            Paragraph(escape(acceptance.get_post_grade_display()), s.cell),
            Paragraph("农户意见", s.label),
            Paragraph(agrees, s.cell),
        ],
        [Paragraph("验收结论", s.label), Paragraph(verdict, s.big), "", ""],
    ]
    if acceptance.failed_items:
        reasons = "、".join(escape(str(r.get("name", ""))) for r in acceptance.failed_items)
        rows.append([Paragraph("未通过原因", s.label), Paragraph(reasons, s.cell), "", ""])
    if rectification is not None:
        rows += [
            [
                Paragraph("整改要求", s.label),
                Paragraph(kit.text(rectification.requirements).replace("\n", "<br/>"), s.cell),
                "",
                "",
            ],
            [
                Paragraph("整改期限", s.label),
                Paragraph(f"{rectification.due_on:%Y年%m月%d日}前完成整改，完成后申请复验", s.cell),
                "",
                "",
            ],
        ]
    table = Table(rows, colWidths=[22 * mm, 50 * mm, 22 * mm, PAGE_WIDTH - 94 * mm])
    spans = [("SPAN", (1, r), (3, r)) for r in range(1, len(rows))]
    table.setStyle(
        kit.grid(font, [*spans, ("BACKGROUND", (0, 0), (0, -1), LABEL_BG), ("BACKGROUND", (2, 0), (2, 0), LABEL_BG)])
    )
    return table


def _signatures(acceptance: Acceptance, s: _Styles) -> list[Flowable]:
    household = acceptance.case.household.head_name
    agrees = "同意" if acceptance.household_agrees else "不同意"
    signs = kit.signature_row(
        s,
        [
            kit.signature_cell(s, "施工单位或工匠（签字）：", name=acceptance.builder_name),
            kit.signature_cell(s, "农户（签字）：", name=f"{household}（{agrees}验收结果）"),
            kit.signature_cell(s, "验收人员（签字）：", name=acceptance.officer_names),
            kit.signature_cell(s, "乡镇人民政府（盖章）：", name=""),
        ],
        PAGE_WIDTH,
    )
    return [Paragraph("四、签字确认", s.section), Spacer(1, 1.5 * mm), signs]


def acceptance_pdf(acceptance: Acceptance) -> bytes:
    """The 竣工验收表 of one acceptance as an A4 PDF."""
    font = kit.chinese_font()
    s = _Styles(font)
    case = acceptance.case
    rectification = Rectification.objects.filter(acceptance=acceptance).first()
    attempt = "首次验收" if acceptance.attempt == 1 else f"第 {acceptance.attempt} 次验收（复验）"
    subtitle = f"档案编号：{kit.text(case.archive_no)}　　{attempt}　　验收日期：{acceptance.on:%Y年%m月%d日}"
    story: list[Flowable] = [
        Paragraph("农村危房改造竣工验收表", s.title),
        Paragraph(subtitle, s.subtitle),
        Spacer(1, 4 * mm),
        Paragraph("一、农户与改造基本情况", s.section),
        Spacer(1, 1.5 * mm),
        _info_table(acceptance, s, font),
        Paragraph("二、验收项目（√ 合格　× 不合格　○ 不涉及）", s.section),
        Spacer(1, 1.5 * mm),
        _checklist_table(acceptance, s, font),
        Paragraph("三、验收结论", s.section),
        Spacer(1, 1.5 * mm),
        _conclusion_table(acceptance, rectification, s, font),
        KeepTogether(_signatures(acceptance, s)),
    ]
    return kit.render(
        story, title=f"{case.household.head_name}户 农村危房改造竣工验收表", caption=f"验收编号 {acceptance.pk}"
    )
