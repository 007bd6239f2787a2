"""The printable signed village list (村级疑似危房清单), A4, with the printed forms' toolkit
(``anju.kit.pdf``: Chinese font, page footer, table style)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from anju.inspections.models import VillageList
from anju.kit import pdf as kit
from anju.kit.pdf import HEADER_BG, chinese_font

__all__ = ["chinese_font", "village_list_pdf"]  # chinese_font: the demo's sample documents use it


def village_list_pdf(record: VillageList) -> bytes:
    font = kit.chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    campaign = record.campaign
    story: list[Flowable] = [
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
    table.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)], padding=3))
    signed_at = timezone.localtime(record.signed_at)
    story += [
        table,
        Spacer(1, 8 * mm),
        Paragraph(f"共 {len(record.houses)} 户。本人已审核以上清单，情况属实。", body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"村主要负责人（电子签字）：<b>{escape(record.signed_by.display_name())}</b>　"
            f"签字时间：{signed_at:%Y年%m月%d日 %H:%M}"
            + (f"　<font color='{kit.WARN}'>（逾期报送）</font>" if record.is_late else ""),
            body,
        ),
        Paragraph(f"内容指纹（SHA-256）：{record.digest}", ParagraphStyle("digest", parent=body, fontSize=7)),
    ]
    if record.received_at and record.received_by:
        received = timezone.localtime(record.received_at)
        story.append(
            Paragraph(f"乡镇接收：{escape(record.received_by.display_name())}　{received:%Y年%m月%d日 %H:%M}", body)
        )
    return kit.render(
        story,
        title=f"{record.village.name}疑似 C/D 级唯一住房清单",
        caption=f"{record.village.name} 疑似危房清单",
        top=15 * mm,
    )
