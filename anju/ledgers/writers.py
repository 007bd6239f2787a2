"""Writing a ledger: xlsx with xlsxwriter (title, region and time, frozen bordered header,
widths, date and money formats, totals, print setup) and PDF with ReportLab (landscape A4,
header on every page, "第 x 页 共 y 页", totals at the end).

The xlsx writer is built for 100,000-row county ledgers: formats are made once, each column's
write method is picked once, and the per-cell work is one call into xlsxwriter."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from anju.kit.pdf import chinese_font
from anju.ledgers.registry import DATE, INT, LEDGERS, MONEY, TEXT, Column, Ledger

# Rows above the data: title, region and time, header.
HEADER_ROW = 2
FIRST_DATA_ROW = 3

DATE_FORMAT = "yyyy-mm-dd"
LINE_HEIGHT = 14.5  # points per line of 11-point text
MONEY_FORMAT = "#,##0.00"


KEY_HEADER = "行标识（系统用，请勿修改）"
META_SHEET = "anju"


@dataclass(frozen=True)
class ReturnStamp:
    """What makes a ledger file returnable (ADR 0040): the signed export version for a hidden
    sheet, and which columns may be edited (their headers are shaded yellow). With a stamp each
    row carries one more value after its columns: the row's signed key, written to a hidden
    column."""

    token: str
    editable: frozenset[int]
    note: str


def totals_label(ledger: Ledger, rows: int) -> str:
    return f"合计 {rows} {ledger.unit}" if ledger.unit else "合计"


def write_xlsx(
    ledger_key: str,
    rows: Iterable[Sequence[Any]],
    out: BinaryIO | str,
    *,
    title: str,
    subtitle: str = "",
    totals: bool = True,
    progress: Any = None,
    stamp: ReturnStamp | None = None,
) -> int:
    """Write ``rows`` (tuples in the ledger's column order) as a formatted workbook to ``out``;
    return the number of data rows written. ``progress(done)`` is called every 5,000 rows.
    With ``stamp`` each row ends with its signed key (see ``ReturnStamp``)."""
    ledger = LEDGERS[ledger_key]
    columns = ledger.columns
    ncols = len(columns)
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Ledger text is data: never turn "=…" into a formula or "http…" into a link.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(ledger.short[:31])
    title_format = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    sub_format = workbook.add_format({"font_size": 10, "align": "left", "valign": "vcenter"})
    head_format = workbook.add_format(
        {
            "bold": True,
            "text_wrap": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#DDEBF7",
        }
    )
    edit_format = workbook.add_format(
        {"bold": True, "text_wrap": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#FFF2CC"}
    )
    cell = {"border": 1, "valign": "vcenter"}
    formats = {
        # Wrapped, so a long group list or several control measures grow the row in Excel, WPS
        # and LibreOffice instead of spilling into the next cell.
        "text": workbook.add_format({**cell, "num_format": "@", "text_wrap": True}),
        DATE: workbook.add_format({**cell, "num_format": DATE_FORMAT, "align": "center"}),
        MONEY: workbook.add_format({**cell, "num_format": MONEY_FORMAT}),
        INT: workbook.add_format({**cell, "num_format": "0"}),
    }
    total_formats = {
        kind: workbook.add_format({**cell, "bold": True, "bg_color": "#F2F2F2", "num_format": number})
        for kind, number in (("text", "@"), (DATE, DATE_FORMAT), (MONEY, MONEY_FORMAT), (INT, "0"))
    }
    # xlsxwriter's public write_* methods each go through a decorator that accepts "A1"
    # notation; the underscored methods behind them take (row, col) as we have them. That
    # wrapper is a large share of the per-cell cost (ADR 0019). Should a later xlsxwriter drop
    # them, the public methods take the same arguments.
    writers = {
        "text": getattr(sheet, "_write_string", sheet.write_string),
        DATE: getattr(sheet, "_write_datetime", sheet.write_datetime),
        MONEY: getattr(sheet, "_write_number", sheet.write_number),
        INT: getattr(sheet, "_write_number", sheet.write_number),
    }

    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, ncols - 1, title, title_format)
    sheet.merge_range(1, 0, 1, ncols - 1, subtitle, sub_format)
    sheet.set_row(HEADER_ROW, 32)
    editable = stamp.editable if stamp else frozenset()
    for index, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, index, column.header, edit_format if index in editable else head_format)
    write_key = None
    if stamp is not None:
        sheet.set_column(ncols, ncols, 30, None, {"hidden": True})
        sheet.write_string(HEADER_ROW, ncols, KEY_HEADER)
        write_key = getattr(sheet, "_write_string", sheet.write_string)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)

    plan = [
        (index, writers.get(c.kind, writers["text"]), formats.get(c.kind, formats["text"]))
        for index, c in enumerate(columns)
    ]
    blank = getattr(sheet, "_write_blank", sheet.write_blank)
    set_row = sheet.set_row
    # LibreOffice does not grow a row for wrapped text on opening a file, and Excel only
    # sometimes: a row whose text needs several lines gets its height here. A CJK character is
    # about two width units, a Latin one; (UTF-8 bytes + characters) / 2 gives exactly that.
    texts = [(index, max(c.width - 1, 2)) for index, c in enumerate(columns) if c.kind == TEXT]
    summed = [index for index, c in enumerate(columns) if c.total and c.kind in (MONEY, INT)]
    sums: dict[int, float] = dict.fromkeys(summed, 0)
    r = FIRST_DATA_ROW
    for row in rows:
        lines = 1
        for index, width in texts:
            value = row[index]
            if value and len(value) * 2 > width:
                needed = -(-(len(value.encode()) + len(value)) // (2 * width))
                if needed > lines:
                    lines = needed
        if lines > 1:
            set_row(r, LINE_HEIGHT * lines)
        for index, write, fmt in plan:
            value = row[index]
            if value is None:
                blank(r, index, None, fmt)
            else:
                write(r, index, value, fmt)
        if write_key is not None:
            write_key(r, ncols, row[ncols], None)
        for index in summed:
            value = row[index]
            if value:
                sums[index] += value
        r += 1
        if progress is not None and not (r - FIRST_DATA_ROW) % 5000:
            progress(r - FIRST_DATA_ROW)
    count = r - FIRST_DATA_ROW

    if totals:
        for index, column in enumerate(columns):
            fmt = total_formats.get(column.kind, total_formats["text"])
            if index == 0:
                sheet.write_string(r, 0, totals_label(ledger, count), fmt)
            elif index in sums:
                sheet.write_number(r, index, round(sums[index], 2), fmt)
            else:
                sheet.write_blank(r, index, None, fmt)
    last_row = r if totals else r - 1

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(HEADER_ROW)
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, max(last_row, HEADER_ROW), ncols - 1)
    sheet.set_footer("&C第 &P 页 共 &N 页")
    if stamp is not None:
        meta = workbook.add_worksheet(META_SHEET)
        meta.write_string(0, 0, stamp.token)
        meta.write_string(1, 0, stamp.note)
        meta.hide()
    workbook.set_properties({"title": title, "author": "安居 农村住房安全保障信息系统"})
    workbook.close()
    return count


# --- PDF ----------------------------------------------------------------------------------------

PDF_FONT_SIZE = 7.5
# Codes printed on one line whatever the column's width: ID and account numbers, masked or not.
UNBREAKABLE = re.compile(r"[0-9A-Za-z*\-]+")


class NumberedCanvas(Canvas):
    """Draws "第 x 页 共 y 页" once the page count is known (pages are held until save)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(chinese_font(), 8)
            width = self._pagesize[0]
            self.drawCentredString(width / 2, 6 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            super().showPage()
        super().save()


def _pdf_cell(value: Any, column: Column, width: float, style: ParagraphStyle, font: str) -> Any:
    if value is None or value == "":
        return ""
    if column.kind == DATE:
        return value.strftime("%Y-%m-%d") if isinstance(value, datetime.date) else str(value)
    if column.kind == MONEY:
        return f"{value:,.2f}"
    if column.kind == INT:
        return str(value)
    text = str(value)
    # A Paragraph wraps, but costs ~20× a plain string: only for text too wide for its column.
    drawn = stringWidth(text, font, PDF_FONT_SIZE)
    if drawn <= width - 4:
        return text
    if UNBREAKABLE.fullmatch(text):
        # An ID or account number read across two lines is misread: shrink it to one line instead.
        size = PDF_FONT_SIZE * (width - 4) / drawn
        return Paragraph(escape(text), ParagraphStyle("code", parent=style, fontSize=size, leading=style.leading))
    return Paragraph(escape(text), style)


def write_pdf(
    ledger_key: str,
    rows: Iterable[Sequence[Any]],
    out: BinaryIO,
    *,
    title: str,
    subtitle: str = "",
    totals: bool = True,
) -> int:
    """The ledger as a printable landscape A4 PDF; returns the number of data rows."""
    ledger = LEDGERS[ledger_key]
    columns = ledger.columns
    font = chinese_font()
    page = landscape(A4)
    margin = 8 * mm
    usable = page[0] - 2 * margin
    scale = usable / sum(c.width for c in columns)
    widths = [c.width * scale for c in columns]
    title_style = ParagraphStyle("title", fontName=font, fontSize=14, leading=20, alignment=1)
    sub_style = ParagraphStyle("sub", fontName=font, fontSize=9, leading=12)
    head_style = ParagraphStyle("head", fontName=font, fontSize=PDF_FONT_SIZE, leading=9.5, alignment=1)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=PDF_FONT_SIZE, leading=9.5)

    data: list[list[Any]] = [[Paragraph(escape(c.header), head_style) for c in columns]]
    summed = [i for i, c in enumerate(columns) if c.total and c.kind in (MONEY, INT)]
    sums: dict[int, float] = dict.fromkeys(summed, 0)
    count = 0
    for row in rows:
        data.append([_pdf_cell(row[i], c, widths[i], cell_style, font) for i, c in enumerate(columns)])
        for i in summed:
            if row[i]:
                sums[i] += row[i]
        count += 1
    if totals:
        total_row: list[Any] = [""] * len(columns)
        total_row[0] = totals_label(ledger, count)
        for i in summed:
            total_row[i] = _pdf_cell(round(sums[i], 2), columns[i], widths[i], cell_style, font)
        data.append(total_row)

    numeric = [i for i, c in enumerate(columns) if c.kind in (MONEY, INT)]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), PDF_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
    style += [("ALIGN", (i, 1), (i, -1), "CENTER") for i, c in enumerate(columns) if c.kind == DATE]
    if totals:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))

    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="安居 农村住房安全保障信息系统",
    )
    story: list[Any] = [Paragraph(escape(title), title_style)]
    if subtitle:
        story.append(Paragraph(escape(subtitle), sub_style))
    story += [Spacer(1, 2 * mm), table]
    doc.build(story, canvasmaker=NumberedCanvas)
    return count


def pdf_bytes(ledger_key: str, rows: Iterable[Sequence[Any]], *, title: str, subtitle: str = "") -> tuple[bytes, int]:
    out = io.BytesIO()
    count = write_pdf(ledger_key, rows, out, title=title, subtitle=subtitle)
    return out.getvalue(), count
