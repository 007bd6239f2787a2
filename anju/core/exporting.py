"""Writing a table to xlsx (xlsxwriter, constant memory) or csv (UTF-8 with BOM,
which Excel and WPS open with the right encoding). Logging the export is the audit app's
(``anju.audit.services.log_export``).

Every CSV anju hands out goes through ``table_response``, which neutralises cells that a
spreadsheet would run as a formula (OWASP "CSV injection"): a name planted as
``=HYPERLINK(...)`` arrives as text. The xlsx writer writes strings as strings, never formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula (or DDE) to Excel, WPS and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_safe(value: Any) -> Any:
    """The cell as a CSV may carry it: text that a spreadsheet would evaluate gets a leading
    apostrophe (shown as text, the apostrophe hidden); numbers and dates pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_response(
    *,
    fmt: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> tuple[HttpResponse, int]:
    """The file as a download, and the number of data rows written."""
    output = io.BytesIO()
    count = write_table(output, fmt=fmt, title=title, headers=headers, rows=rows, widths=widths)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    response = HttpResponse(output.getvalue(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, table_filename(title, fmt)) or ""
    return response, count


def table_filename(title: str, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{title}-{stamp}.{'csv' if fmt == 'csv' else 'xlsx'}"


def write_table(
    target: IO[bytes],
    *,
    fmt: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    every: int = 0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the table to ``target`` (a binary file) as csv or xlsx; return the data rows
    written. ``progress(count)`` is called every ``every`` rows (a background export's bar)."""
    count = 0

    def tick() -> None:
        if progress is not None and every and count % every == 0:
            progress(count)

    if fmt == "csv":
        text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow([csv_safe(h) for h in headers])
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])
            count += 1
            tick()
        text.flush()
        text.detach()  # the caller's file stays open
        return count
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet(title[:31])
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    text_format = workbook.add_format({"num_format": "@"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, head)
        sheet.set_column(col, col, (widths[col] if widths else 14))
    sheet.freeze_panes(1, 0)
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(count, col, value, text_format)  # ID numbers stay text, never 1.4E+17
            else:
                sheet.write(count, col, value)
        tick()
    sheet.autofilter(0, 0, max(count, 1), len(headers) - 1)
    workbook.close()
    return count
