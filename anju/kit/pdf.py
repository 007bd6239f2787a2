"""The printed forms' toolkit (A4 PDF with ReportLab): every app's ``pdf.py`` keeps only its own
content and takes the rest from here.

* the Chinese font (ADR 0010): a TrueType CJK font from the system when one is installed
  (embedded, so the file prints the same anywhere); otherwise ReportLab's built-in CID font
  STSong-Light, which every Chinese PDF reader supplies;
* the page: A4 with margins, a footer on every page (who printed it from where and when, what
  it is, 第 n 页);
* the house style: paragraph styles, the ruled table style, a row of signature boxes;
* images placed at a bounded size (``anju.core.images``);
* personal data as printed forms may show it (``anju.core.masking.POLICY``, medium PRINT)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from PIL import Image, ImageOps
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anju.core.images import fit, open_bounded
from anju.core.masking import Kind, Medium, shown

SYSTEM_NAME = "安居 农村住房安全保障信息系统"
MARGIN = 15 * mm
HEADER_BG = colors.HexColor("#DDEBF7")
LABEL_BG = colors.HexColor("#F2F2F2")
WARN = "#B00020"
# Non-breaking spaces: ReportLab collapses runs of ordinary (and ideographic) spaces.
DATE_LINE = "年" + "&nbsp;" * 6 + "月" + "&nbsp;" * 6 + "日"
# The longest side of an image as printed: A4 at 300 dpi.
PRINT_MAX_SIDE = 2480
EXIF_ORIENTATION = 0x0112

TRUETYPE_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def chinese_font() -> str:
    """The registered name of the Chinese font (registered once per process)."""
    for path in TRUETYPE_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("AnjuCJK", path, subfontIndex=0))
            return "AnjuCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def content_width(margin: float = MARGIN) -> float:
    """The width between an A4 page's side margins."""
    return float(A4[0] - 2 * margin)


def text(value: Any, empty: str = "—") -> str:
    """Stored or typed text, escaped (a Paragraph parses markup, so "<" in a note must not start a
    tag); ``empty`` when there is none."""
    stripped = str(value).strip() if value is not None else ""
    return escape(stripped) if stripped else empty


def personal(value: str | None, kind: Kind, viewer: Any = None) -> str:
    """A personal datum as a printed form shows it to ``viewer`` (printed forms leave the system:
    the PRINT row of ``anju.core.masking.POLICY``), escaped."""
    return escape(shown(value, kind, viewer, Medium.PRINT))


class Styles:
    """The paragraph styles the forms share; a form adds its own as attributes."""

    def __init__(self, font: str, *, cell_leading: float = 12.5, section_space: float = 3 * mm) -> None:
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=17, leading=24, alignment=1)
        self.subtitle = ParagraphStyle("subtitle", fontName=font, fontSize=8.5, leading=12, alignment=1)
        self.section = ParagraphStyle("section", fontName=font, fontSize=11, leading=16, spaceBefore=section_space)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=cell_leading)
        self.label = ParagraphStyle("label", parent=self.cell, textColor=colors.HexColor("#333333"))
        self.head = ParagraphStyle("head", parent=self.cell, alignment=1)
        self.center = ParagraphStyle("center", parent=self.cell, alignment=1)
        self.big = ParagraphStyle("big", fontName=font, fontSize=13, leading=17)
        self.small = ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.grey)
        self.sign = ParagraphStyle("sign", fontName=font, fontSize=9.5, leading=15)
        self.date = ParagraphStyle("date", parent=self.sign, alignment=2, rightIndent=4 * mm)


def grid(font: str, extra: Sequence[Any] | None = None, *, padding: float = 2, size: float = 9) -> TableStyle:
    """The ruled table of the forms: grey lines, the font, middle-aligned cells; ``extra``
    commands (spans, backgrounds) after."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            *(extra or []),
        ]
    )


def signature_cell(
    styles: Styles, who: str, *, name: str | None = None, space: float = 10 * mm, date: bool = True
) -> list[Flowable]:
    """One box of a signature row: who signs, the name printed under it (if given), room to sign,
    and the date line."""
    cell: list[Flowable] = [Paragraph(who, styles.sign)]
    if name is not None:
        cell.append(Paragraph(text(name, "&nbsp;"), styles.small))
    cell.append(Spacer(1, space))
    if date:
        cell.append(Paragraph(DATE_LINE, styles.date))
    return cell


def signature_row(styles: Styles, cells: Sequence[list[Flowable]], width: float, *, padding: float = 4) -> Table:
    """Signature boxes side by side, sharing ``width`` equally."""
    row = Table([list(cells)], colWidths=[width / len(cells)] * len(cells))
    row.setStyle(grid(styles.font, [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), padding)]))
    return row


def printed_footer(font: str, caption: str, *, margin: float = MARGIN) -> Callable[[Canvas, Any], None]:
    """The footer of a printed form: who printed it from where and when, what it is, the page."""
    printed = timezone.localtime()

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(margin, 9 * mm, f"{SYSTEM_NAME}　打印于 {printed:%Y-%m-%d %H:%M}　{caption}")
        canvas.drawRightString(A4[0] - margin, 9 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    return footer


def a4_document(
    out: io.BytesIO,
    *,
    title: str,
    author: str = SYSTEM_NAME,
    margin: float = MARGIN,
    top: float = 12 * mm,
    bottom: float = 16 * mm,
) -> SimpleDocTemplate:
    """An A4 document with side margins ``margin`` (room at the bottom for the footer)."""
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
    )


def render(story: list[Flowable], *, title: str, caption: str, author: str = SYSTEM_NAME, **page: float) -> bytes:
    """The story laid out on A4 pages, each with the printed footer; the PDF's bytes."""
    out = io.BytesIO()
    doc = a4_document(out, title=title, author=author, **page)
    footer = printed_footer(chinese_font(), caption, margin=page.get("margin", MARGIN))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def printable_image(data: bytes, name: str, *, max_side: int = PRINT_MAX_SIDE) -> tuple[bytes, tuple[int, int]]:
    """An uploaded image as it should be printed, with its pixel size: opened within
    ``anju.core.images.MAX_PIXELS`` (ValidationError otherwise), scaled down to ``max_side``
    (A4 at 300 dpi), turned upright (EXIF) and flattened on white; the original bytes when
    nothing needs doing."""
    with open_bounded(data, name) as image:
        if max(image.size) > max_side:
            return fit(image, max_side)
        if image.getexif().get(EXIF_ORIENTATION, 1) not in (1, None):
            # A phone photo taken sideways: turned for printing (the stored file is untouched).
            upright = ImageOps.exif_transpose(image)
            turned = io.BytesIO()
            upright.convert("RGB").save(turned, "JPEG", quality=92)
            return turned.getvalue(), upright.size
        if image.format == "PNG" and image.mode not in ("RGB", "L"):
            # Transparency, palettes and 16-bit greys: printed on white as plain RGB.
            flat = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            flat.save(out, "PNG")
            return out.getvalue(), image.size
        return data, image.size


def image_box(size: tuple[int, int], max_width: float, max_height: float) -> tuple[float, float]:
    """The printed width and height of an image of pixel ``size`` fitted into a box, ratio kept."""
    width, height = size
    scale = min(max_width / max(width, 1), max_height / max(height, 1))
    return width * scale, height * scale
