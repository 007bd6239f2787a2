"""The printable signed village list (村级疑似危房清单), with ReportLab and a Chinese font.

Font (ADR 0010): a TrueType CJK font from the system when one is installed (embedded, so the
file prints the same anywhere); otherwise ReportLab's built-in CID font STSong-Light, which every
Chinese PDF reader supplies."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anju.inspections.models import VillageList

TRUETYPE_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def chinese_font() -> str:
    for path in TRUETYPE_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("AnjuCJK", path, subfontIndex=0))
            return "AnjuCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def printed_footer(font: str, caption: str, *, margin: float = 15 * mm) -> Callable[[Canvas, Any], None]:
    """The footer of a printed form: who printed it from where and when, what it is, the page."""
    printed = timezone.localtime()

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(margin, 9 * mm, f"安居 农村住房安全保障信息系统　打印于 {printed:%Y-%m-%d %H:%M}　{caption}")
        canvas.drawRightString(A4[0] - margin, 9 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    return footer


def village_list_pdf(record: VillageList) -> bytes:
    font = chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{record.village.name}疑似 C/D 级唯一住房清单",
        author="安居 农村住房安全保障信息系统",
    )
    campaign = record.campaign
    story: list[object] = [
        Paragraph(f"{escape(record.village.full_name())}<br/>疑似 C 级、D 级唯一住房清单", title),
        Spacer(1, 4 * mm),
        Paragraph(f"排查任务：{escape(campaign.title)}　报送期限：{campaign.list_due:%Y年%m月%d日}", body),
        Spacer(1, 3 * mm),
    ]
    header = ["序号", "户主", "身份证号", "组", "结构", "初判", "住人", "类别"]
    rows: list[list[object]] = [list(header)]
    for i, h in enumerate(record.houses, start=1):
        rows.append(
            [
                str(i),
                Paragraph(escape(h["head_name"]), cell),
                h["id_number"],
                Paragraph(escape(h.get("group_name") or "—"), cell),
                Paragraph(h["structure"], cell),
                f"{h['grade']} 级",
                f"{h['occupants']} 人" if h["occupied"] else "否",
                Paragraph(h["key_group"], cell),
            ]
        )
    if len(rows) == 1:
        rows.append(["", Paragraph("本村无疑似 C/D 级唯一住房", cell), "", "", "", "", "", ""])
    table = Table(
        rows, colWidths=[10 * mm, 22 * mm, 40 * mm, 16 * mm, 20 * mm, 14 * mm, 14 * mm, 44 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    signed_at = timezone.localtime(record.signed_at)
    story += [
        table,
        Spacer(1, 8 * mm),
        Paragraph(f"共 {len(record.houses)} 户。本人已审核以上清单，情况属实。", body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"村主要负责人（电子签字）：<b>{escape(record.signed_by.display_name())}</b>　"
            f"签字时间：{signed_at:%Y年%m月%d日 %H:%M}"
            + ("　<font color='#b00020'>（逾期报送）</font>" if record.is_late else ""),
            body,
        ),
        Paragraph(f"内容指纹（SHA-256）：{record.digest}", ParagraphStyle("digest", parent=body, fontSize=7)),
    ]
    if record.received_at and record.received_by:
        received = timezone.localtime(record.received_at)
        story.append(
            Paragraph(f"乡镇接收：{escape(record.received_by.display_name())}　{received:%Y年%m月%d日 %H:%M}", body)
        )
    doc.build(story)
    return out.getvalue()
