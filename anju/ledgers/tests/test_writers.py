"""The xlsx and PDF writers, re-read the way a user's software would read them."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from pypdf import PdfReader

from anju.ledgers.registry import LEDGERS
from anju.ledgers.writers import write_pdf, write_xlsx

DAY = datetime.date(2026, 5, 1)


def monitoring_row(i: int, paid: float = 21000.0) -> tuple[object, ...]:
    return (
        "渔泽镇",
        "北渔泽村委会",
        f"户主{i}",
        "1404**********0012",
        "农村低保户",
        "民政",
        "D 级（整体危险）",
        DAY,
        "拆除重建",
        2026,
        DAY,
        DAY + datetime.timedelta(days=40),
        None,
        paid,
        None,
    )


def test_it_writes_a_formatted_workbook_with_title_frozen_header_widths_dates_money_and_totals() -> None:
    out = io.BytesIO()
    rows = [monitoring_row(1, 21000.0), monitoring_row(2, 7500.5)]
    title = "屯留区 2026 年农村低收入群体等重点对象住房安全动态监测台账"
    assert write_xlsx("monitoring", rows, out, title=title, subtitle="填报范围：屯留区") == 2

    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A1"].value == title and "A1" in str(sheet.merged_cells)
    assert sheet["A2"].value == "填报范围：屯留区"
    assert sheet.freeze_panes == "A4"  # the title, region and header stay while scrolling
    headers = [c.value for c in sheet[3]]
    assert headers == LEDGERS["monitoring"].headers and sheet["A3"].font.b
    assert sheet.column_dimensions["D"].width == pytest.approx(20, abs=1)  # 身份证号
    assert sheet["H4"].value == datetime.datetime(2026, 5, 1) and sheet["H4"].number_format == "yyyy-mm-dd"
    assert sheet["N4"].value == 21000 and sheet["N4"].number_format == "#,##0.00"
    assert sheet["D4"].data_type == "s"  # ID numbers stay text
    assert sheet["A6"].value == "合计 2 户" and sheet["N6"].value == pytest.approx(28500.5)
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"


def test_it_prints_a_pdf_with_the_title_header_totals_and_page_numbers() -> None:
    out = io.BytesIO()
    title = "屯留区 2026 年农村低收入群体等重点对象住房安全动态监测台账"
    assert write_pdf("monitoring", [monitoring_row(i) for i in range(120)], out, title=title) == 120
    reader = PdfReader(io.BytesIO(out.getvalue()))
    pages = len(reader.pages)
    assert pages >= 3
    first = reader.pages[0].extract_text()
    assert "动态监测台账" in first and f"第 1 页 共 {pages} 页" in first
    last = reader.pages[-1].extract_text()
    assert "合计 120 户" in last and "2,520,000.00" in last and "户主119" in last
    assert "身份证号" in last  # the header is repeated on every page


def test_an_id_number_too_wide_for_its_pdf_column_stays_on_one_line() -> None:
    from reportlab.lib.styles import ParagraphStyle

    from anju.kit.pdf import chinese_font
    from anju.ledgers.registry import Column
    from anju.ledgers.writers import PDF_FONT_SIZE, _pdf_cell

    font = chinese_font()
    style = ParagraphStyle("cell", fontName=font, fontSize=PDF_FONT_SIZE, leading=9.5)
    cell = _pdf_cell("14040519400417021X", Column("身份证号", 20), 50.0, style, font)

    cell.wrap(50.0, 1000)
    assert len(cell.blPara.lines) == 1
