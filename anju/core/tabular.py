"""Reading the spreadsheets people actually send: xlsx/xls/ods through
python-calamine, CSV in UTF-8 (with or without BOM) or GBK/GB18030.

Returns rows of cell strings; callers locate their header and validate cells.
Raises ``TabularError`` with a Chinese message for files it cannot read.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator

from python_calamine import CalamineWorkbook

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TabularError(ValueError):
    """The file cannot be read as a table."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TabularError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件。") from exc


def read_rows(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """Yield each row of the first sheet (or the CSV) as a list of strings."""
    if not data:
        raise TabularError("文件为空（0 字节）。")
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        if data.startswith(_OLE_MAGIC) and filename.lower().endswith(".xlsx"):
            # An .xlsx that is an OLE container is an encrypted (password-protected) workbook.
            raise TabularError("工作簿设置了密码保护，请取消密码后再上传。")
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            if not workbook.sheet_names:
                raise TabularError("工作簿中没有工作表。")
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.iter_rows()  # streams; starts at the first used cell
            top, left = sheet.start or (0, 0)
        except TabularError:
            raise
        except Exception as exc:
            if data.startswith(_OLE_MAGIC):
                raise TabularError("无法读取该 Excel 文件：可能设置了密码保护或已损坏。") from exc
            raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
        # Keep the spreadsheet's own row numbers: put back the empty rows and columns above and
        # left of the used area that iter_rows skips.
        for _ in range(top):
            yield []
        pad = [""] * left
        for row in rows:
            yield pad + [c.strip() if isinstance(c, str) else _cell_text(c) for c in row]
        return
    text = _decode_csv(data)
    if "\x00" in text:
        raise TabularError("文件不是表格（CSV 或 Excel）。")
    dialect: type[csv.Dialect] = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    for line in csv.reader(io.StringIO(text), dialect):
        yield [c.strip() for c in line]
