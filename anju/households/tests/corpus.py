"""Ugly department lists, built in code so the corpus is reproducible and reviewable.

Each function returns (bytes, filename). They imitate what 民政 and 乡村振兴 send:
title rows, merged two-row headers, GBK CSV, full-width digits, lower-case x,
stray spaces, blank rows, totals lines, bad checksums and impossible dates.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from anju.households.idcard import check_digit


def make_id(seq: int, birth: str = "19560312", prefix: str = "140405") -> str:
    first17 = f"{prefix}{birth}{seq:03d}"
    return first17 + check_digit(first17)


def fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def bad_checksum(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def dibao_list_xlsx_merged_header(rows: list[tuple[str, str, str, str, str]]) -> tuple[bytes, str]:
    """屯留区民政局 style: two title rows, a merged two-row header, a totals line."""
    wb = Workbook()
    ws = wb.active
    ws.append(["屯留区2023年3月农村低保对象花名册"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：屯留区民政局", None, None, None, "填报日期：2023-03-31"])
    ws.append(["序号", "户主信息", None, "所在村", "村民小组", "认定时间"])
    ws.append([None, "户主姓名", "身份证号码", None, None, None])
    ws.merge_cells("B3:C3")
    for col in "ADEF":
        ws.merge_cells(f"{col}3:{col}4")
    for i, (name, number, village, group, date) in enumerate(rows, start=1):
        ws.append([i, name, number, village, group, date])
    ws.append([None, None, None, None, None, None])
    ws.append(["合计", None, None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "屯留区低保花名册.xlsx"


def monitoring_list_gbk_csv(rows: list[tuple[str, str, str, str]]) -> tuple[bytes, str]:
    """乡村振兴局 style: GBK CSV, a title line, full-width digits, spaces."""
    lines = ["屯留区防止返贫监测对象名单", "", "姓名,公民身份号码,村（社区）,认定日期"]
    lines += [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gbk"), "监测户名单.csv"


def csv_named_xlsx(text: str) -> tuple[bytes, str]:
    return text.encode("utf-8"), "其实是CSV.xlsx"


def encrypted_xlsx() -> tuple[bytes, str]:
    # A password-protected OOXML workbook is an OLE compound file, not a zip.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, "加密.xlsx"
