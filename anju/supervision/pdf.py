"""The printable rectification notice (整改通知书), A4, with ReportLab and the Chinese font of the
other printed forms (ADR 0010): number, township, findings, requirements, due date, the issuing
office with a seal line, and a receipt line for the township."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from anju.kit import pdf as kit
from anju.supervision.models import RectificationOrder
from anju.supervision.selectors import order_findings

MARGIN = 20 * mm
PAGE_WIDTH = kit.content_width(MARGIN)
HEADER_BG = kit.LABEL_BG
RED = colors.HexColor(kit.WARN)


def _text(value: Any) -> str:
    """Stored text, escaped (Paragraph parses markup), line breaks kept."""
    return escape(str(value or "").strip()).replace("\n", "<br/>")


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def order_pdf(order: RectificationOrder) -> bytes:
    """The rectification notice of one order as an A4 PDF."""
    font = kit.chinese_font()
    office = ParagraphStyle("office", fontName=font, fontSize=20, leading=28, alignment=1, textColor=RED)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    number = ParagraphStyle("number", fontName=font, fontSize=11, leading=16, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=20, firstLineIndent=23)
    plain = ParagraphStyle("plain", fontName=font, fontSize=11.5, leading=20)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13)
    right = ParagraphStyle("right", fontName=font, fontSize=11.5, leading=20, alignment=2)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13, textColor=colors.HexColor("#444444"))

    findings = order_findings(order)
    visits = sorted({(f.visit.visited_on, f.visit.region.name) for f in findings})
    visit_text = "、".join(f"{_date(on)}对{escape(name)}" for on, name in visits)
    story: list[Flowable] = [
        Paragraph(escape(order.office_name), office),
        Spacer(1, 2 * mm),
        Table([[""]], colWidths=[PAGE_WIDTH], rowHeights=[1], style=[("LINEBELOW", (0, 0), (-1, -1), 1.5, RED)]),
        Spacer(1, 5 * mm),
        Paragraph("整改通知书", title),
        Paragraph(escape(order.number), number),
        Spacer(1, 6 * mm),
        Paragraph(f"{escape(order.township.name)}人民政府：", plain),
        Paragraph(f"我单位于{visit_text}开展农村危房改造督导检查，发现以下问题，现通知你单位限期整改：", body),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Any]] = [[Paragraph(h, cell) for h in ("序号", "问题类别", "问题描述", "涉及农户")]]
    for i, finding in enumerate(findings, start=1):
        who = ""
        if finding.case is not None:
            who = f"{escape(finding.case.household.head_name)}户"
        rows.append(
            [
                Paragraph(str(i), cell),
                Paragraph(escape(finding.get_category_display()), cell),
                Paragraph(_text(finding.description), cell),
                Paragraph(who or "—", cell),
            ]
        )
    table = Table(rows, colWidths=[12 * mm, 22 * mm, PAGE_WIDTH - 64 * mm, 30 * mm], repeatRows=1)
    table.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)], padding=3, size=9.5))
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph("整改要求：", plain),
        *[Paragraph(_text(line), body) for line in order.requirements.splitlines() if line.strip()],
        Spacer(1, 3 * mm),
        Paragraph(
            f"请于<b>{_date(order.due_on)}</b>前完成整改，并将整改情况（附整改后照片）"
            f"通过安居系统反馈{escape(order.office_name)}。逾期未整改或整改不到位的，将予以通报。",
            body,
        ),
    ]
    sign = [
        Spacer(1, 14 * mm),
        Paragraph(f"{escape(order.office_name)}（盖章）", right),
        Spacer(1, 2 * mm),
        Paragraph(_date(order.issued_on), right),
        Spacer(1, 4 * mm),
        Paragraph(f"签发人：{escape(order.issued_by.full_name or order.issued_by.username)}", right),
        Spacer(1, 12 * mm),
        Table(
            [
                [
                    Paragraph(
                        "签收人："
                        + "&nbsp;" * 24
                        + "签收日期："
                        + "&nbsp;" * 8
                        + "年"
                        + "&nbsp;" * 5
                        + "月"
                        + "&nbsp;" * 5
                        + "日",
                        small,
                    )
                ]
            ],
            colWidths=[PAGE_WIDTH],
            style=[("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.grey), ("TOPPADDING", (0, 0), (-1, -1), 6)],
        ),
    ]
    story.append(KeepTogether(sign))
    return kit.render(
        story,
        title=f"整改通知书 {order.number}",
        caption=order.number,
        author=order.office_name,
        margin=MARGIN,
        top=18 * mm,
        bottom=18 * mm,
    )
