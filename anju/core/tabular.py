"""Reading the spreadsheets people actually send: xlsx/xls/ods through
python-calamine, CSV in UTF-8 (with or without BOM) or GBK/GB18030.

Returns rows of cell strings; callers locate their header and validate cells.
Raises ``TabularError`` with a Chinese message for files it cannot read.

Every read is bounded before it is parsed (ADR 0022). An xlsx or ods is a zip: its entries are
inflated once here, with the standard library, counting the bytes, before calamine sees the
file, so that a zip bomb (a 1.5 MB file holding a 1.5 GB cell) is refused after reading at most
``MAX_UNCOMPRESSED_MB`` and never inflated by calamine, which would hold it all in memory. The
same pass bounds the longest text between two XML tags (a cell), the rows and columns that the
cell references name (calamine allocates the whole rectangle they span), and finds formula
cells that have no cached value. A legacy .xls is not compressed: it is bounded by its size.
Rows, columns and cell lengths are checked again while the rows stream.

The limits are module constants; a deployment may override each through the Django setting of
the same name prefixed with ``ANJU_SPREADSHEET_`` (``ANJU_SPREADSHEET_MAX_UNCOMPRESSED_MB``…).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from python_calamine import CalamineWorkbook

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# A 1,000,000-row, 6-column list written by xlsxwriter inflates to ~360 MB of sheet XML at a
# ratio of ~14:1; wider lists with longer names stay well under 1.5 GB.
MAX_UNCOMPRESSED_MB = 1536
# Sheet XML compresses 10-20:1, very repetitive sheets ~50:1; a bomb is 1000:1. Only entries
# inflating past RATIO_FLOOR_MB are judged by ratio (a small entry may compress very well).
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_MB = 8
MAX_ENTRIES = 1000  # a workbook has 10-30 entries; a few hundred with many sheets and images
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
MAX_COLUMNS = 200  # department lists have 5-40 columns
MAX_ROWS = 1_048_576  # Excel's own limit for one sheet
# calamine holds the rectangle from the first to the last used cell, ~32 bytes a cell: 40 M
# cells is ~1.3 GB (a 1,000,000-row list with 40 columns).
MAX_CELLS = 40_000_000
MAX_XLS_MB = 64  # a legacy .xls holds at most 65,536 rows; real ones are a few MB

_CHUNK = 1 << 20
# Bytes between two "<" in sheet XML: a cell's text as UTF-8 (3 bytes a Chinese character) with
# some escaping. A window this many bytes a character long without any "<" is refused.
_RUN_BYTES_PER_CHAR = 5
# Cell and row references past row 99,999 and past column Z: rare, so the scans that find
# them cost little on ordinary lists (a literal "r=" lets the regex engine skip ahead).
_FAR_ROW = re.compile(rb"""r=["'][A-Z]{0,4}(\d{6,})["']""")
_FAR_COLUMN = re.compile(rb"""r=["']([A-Z]{2,})\d""")
_NEAR_ROWS = 99_999
# A formula cell closed without a value (``<f>A1&"x"</f><v /></c>``): only then is the sheet read
# again for their positions. Excel and xlsxwriter save a value, openpyxl and some exporters none.
_UNCOMPUTED = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_SHEET_ENTRY = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
# Zero-width and other format characters (U+200B-U+200D, U+2060, U+FEFF...) and control
# characters: invisible in Excel, but they make 张三 and 张三\u200b two people.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_LINE_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


class TabularError(ValueError):
    """The file cannot be read as a table."""


class NumberCell(str):
    """The text of a cell that the spreadsheet stored as a number (``1.40405195603121e+17``)."""

    __slots__ = ()


class FormulaCell(str):
    """A formula cell saved without its computed value: calamine reads it as empty."""

    __slots__ = ()


@dataclass(frozen=True)
class Limits:
    max_uncompressed_mb: int
    max_compression_ratio: int
    ratio_floor_mb: int
    max_entries: int
    max_cell_chars: int
    max_columns: int
    max_rows: int
    max_cells: int
    max_xls_mb: int


def limits() -> Limits:
    """The limits in force: the module's defaults unless settings override them."""

    def get(name: str, default: int) -> int:
        return int(getattr(settings, f"ANJU_SPREADSHEET_{name}", default))

    return Limits(
        max_uncompressed_mb=get("MAX_UNCOMPRESSED_MB", MAX_UNCOMPRESSED_MB),
        max_compression_ratio=get("MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO),
        ratio_floor_mb=get("RATIO_FLOOR_MB", RATIO_FLOOR_MB),
        max_entries=get("MAX_ENTRIES", MAX_ENTRIES),
        max_cell_chars=get("MAX_CELL_CHARS", MAX_CELL_CHARS),
        max_columns=get("MAX_COLUMNS", MAX_COLUMNS),
        max_rows=get("MAX_ROWS", MAX_ROWS),
        max_cells=get("MAX_CELLS", MAX_CELLS),
        max_xls_mb=get("MAX_XLS_MB", MAX_XLS_MB),
    )


def clean_text(text: str) -> str:
    """The cell without invisible characters, line breaks as spaces, stripped."""
    if not text.isprintable():
        text = _INVISIBLE.sub("", text.translate(_LINE_BREAKS))
    return text.strip()


def looks_like_excel_number(text: str) -> bool:
    """Text that is what Excel shows for a long number: ``1.40405E+17``."""
    return bool(_SCIENTIFIC.match(text))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return NumberCell(str(int(value)))
        return NumberCell(str(value))
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


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


@dataclass
class _SheetScan:
    max_row: int = 0
    max_column: int = 0
    has_formulas: bool = False


def _too_big(lim: Limits) -> TabularError:
    return TabularError(
        f"文件解压后超过 {lim.max_uncompressed_mb} MB，不像是一份名单（可能是恶意构造的压缩文件）。"
        "请只保留名单所在的工作表，另存后再上传。"
    )


def _inflate(data: bytes, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes as any reader would get them, in chunks: the compressed bytes the
    directory points at, inflated to their end, whatever size the headers declare (a bomb may
    declare 1 KB and hold 1 GB; the standard library would stop at the declared size)."""
    header = data[entry.header_offset : entry.header_offset + 30]
    if len(header) < 30 or header[:4] != _ZIP_MAGIC:
        raise TabularError("无法读取该 Excel 文件：文件可能已损坏。")
    start = entry.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    compressed = memoryview(data)[start : start + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(compressed), _CHUNK):
            yield bytes(compressed[offset : offset + _CHUNK])
        return
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise TabularError("文件使用了 Excel 不会使用的压缩方式，无法读取。")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(0, len(compressed), _CHUNK):
        pending = bytes(compressed[offset : offset + _CHUNK])
        while pending:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
            if inflater.eof:
                return
    while not inflater.eof and (chunk := inflater.decompress(b"", _CHUNK)):
        yield chunk


def _scan_zip(data: bytes, lim: Limits) -> tuple[zipfile.ZipFile, dict[str, _SheetScan]]:
    """Inflate every entry once, counting, before calamine opens the file (see the module doc)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
    if len(entries) > lim.max_entries:
        raise TabularError(f"文件包含 {len(entries)} 个部件，超过上限 {lim.max_entries}，无法作为名单读取。")
    budget = lim.max_uncompressed_mb << 20
    # What the headers declare is checked first: the honest bomb is refused without inflating.
    if sum(e.file_size for e in entries) > budget:
        raise _too_big(lim)
    window = lim.max_cell_chars * _RUN_BYTES_PER_CHAR
    floor = lim.ratio_floor_mb << 20
    sheets: dict[str, _SheetScan] = {}
    total = 0
    for entry in entries:
        if entry.file_size > floor and entry.file_size > lim.max_compression_ratio * max(entry.compress_size, 1):
            raise TabularError(
                f"文件中的「{entry.filename}」压缩比超过 {lim.max_compression_ratio}:1，"
                "可能是恶意构造的压缩文件（“压缩炸弹”），已拒绝。"
            )
        is_xml = entry.filename.endswith(".xml")
        is_sheet = bool(_SHEET_ENTRY.match(entry.filename)) or entry.filename == "content.xml"
        scan = _SheetScan()
        size = 0
        carry = b""
        try:
            # The headers can lie: count what actually comes out.
            for chunk in _inflate(data, entry):
                size += len(chunk)
                total += len(chunk)
                if total > budget:
                    raise _too_big(lim)
                if size > floor and size > lim.max_compression_ratio * max(entry.compress_size, 1):
                    raise TabularError(
                        f"文件中的「{entry.filename}」压缩比超过 {lim.max_compression_ratio}:1，"
                        "可能是恶意构造的压缩文件（“压缩炸弹”），已拒绝。"
                    )
                if not is_xml:
                    continue
                buf = carry + chunk
                cut = buf.rfind(b"<")
                if cut < 0:
                    cut = len(buf)
                body, carry = buf[:cut], buf[cut:]
                # Any run of 2 * window bytes without "<" holds an aligned window without one.
                if len(carry) > window or any(
                    buf.find(b"<", start, start + window) < 0 for start in range(0, len(buf) - window, window)
                ):
                    raise TabularError(
                        f"文件中有超过 {lim.max_cell_chars} 个字的单元格（Excel 单元格的上限），无法作为名单读取。"
                    )
                if is_sheet:
                    far = _FAR_ROW.findall(body)
                    if far:
                        scan.max_row = max(scan.max_row, max(map(int, far)))
                    wide = _FAR_COLUMN.findall(body)
                    if wide:
                        scan.max_column = max(scan.max_column, max(map(_column_number, set(wide))))
                    if not scan.has_formulas and (b"<f" in buf or b":f" in buf) and _UNCOMPUTED.search(buf):
                        scan.has_formulas = True
        except TabularError:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
        if is_sheet:
            if scan.max_row > lim.max_rows:
                raise TabularError(f"工作表有 {scan.max_row} 行，超过上限 {lim.max_rows} 行。")
            if scan.max_column > lim.max_columns:
                raise TabularError(f"工作表有 {scan.max_column} 列，超过上限 {lim.max_columns} 列。")
            # Below the thresholds of the scans, the extent is at most what they did not find.
            height, width = scan.max_row or _NEAR_ROWS, scan.max_column or 26
            if height * width > lim.max_cells:
                raise TabularError(
                    f"工作表的数据区域可达 {height} 行 × {width} 列，超过上限（{lim.max_cells} 个单元格）。"
                )
            sheets[entry.filename] = scan
    return archive, sheets


def _sheet_entries(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet XML entries of an xlsx in workbook order (calamine's sheet order)."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return []
    targets = {r.get("Id"): (r.get("Target") or "") for r in rels}
    names = []
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet") and sheet.get(rel_ns) in targets:
            target = targets[sheet.get(rel_ns)].lstrip("/")
            names.append(target if target.startswith("xl/") else f"xl/{target}")
    return names


def _uncomputed_formulas(archive: zipfile.ZipFile, entry: str) -> set[tuple[int, int]]:
    """(row, column), from 0, of the formula cells of a sheet that carry no cached value."""
    found: set[tuple[int, int]] = set()
    ref = re.compile(r"([A-Z]+)(\d+)")
    with archive.open(entry) as stream:
        parent: ElementTree.Element | None = None
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "sheetData":
                    parent = element
                continue
            if tag == "row" and parent is not None:
                parent.clear()  # the rows read so far: only one is held at a time
                continue
            if tag != "c":
                continue
            children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            value = children.get("v")
            if "f" in children and (value is None or not (value.text or "")) and "is" not in children:
                match = ref.fullmatch(element.get("r") or "")
                if match:
                    found.add((int(match[2]) - 1, _column_number(match[1].encode()) - 1))
            element.clear()
    return found


@dataclass(frozen=True)
class SheetMarkup:
    """(row, column) from 0 of every formula cell, and each merged range as (top, left, bottom,
    right) from 0."""

    formulas: frozenset[tuple[int, int]]
    merged: tuple[tuple[int, int, int, int], ...]


def _sheet_markup(archive: zipfile.ZipFile, entry: str) -> SheetMarkup:
    formulas: set[tuple[int, int]] = set()
    merged: list[tuple[int, int, int, int]] = []
    ref = re.compile(r"([A-Z]+)(\d+)")

    def cell(text: str) -> tuple[int, int] | None:
        match = ref.fullmatch(text)
        return (int(match[2]) - 1, _column_number(match[1].encode()) - 1) if match else None

    with archive.open(entry) as stream:
        parent: ElementTree.Element | None = None
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "sheetData":
                    parent = element
                continue
            if tag == "row" and parent is not None:
                parent.clear()
            elif tag == "c":
                if any(child.tag.endswith("}f") for child in element):
                    at = cell(element.get("r") or "")
                    if at is not None:
                        formulas.add(at)
                element.clear()
            elif tag == "mergeCell":
                first, _, last = (element.get("ref") or "").partition(":")
                a, b = cell(first), cell(last or first)
                if a is not None and b is not None:
                    merged.append((a[0], a[1], b[0], b[1]))
    return SheetMarkup(frozenset(formulas), tuple(merged))


class Table:
    """An opened spreadsheet: its sheet names and the rows of each, bounded (see the module doc)."""

    def __init__(self, data: bytes, filename: str = "") -> None:
        self._data = data
        self._lim = limits()
        self._workbook: CalamineWorkbook | None = None
        self._archive: zipfile.ZipFile | None = None
        self._sheets: dict[str, _SheetScan] = {}
        self._entries: list[str] = []
        self.sheet_names: list[str] = [""]
        if not data:
            raise TabularError("文件为空（0 字节）。")
        if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
            self._open_workbook(filename)
            assert self._workbook is not None
            self.sheet_names = list(self._workbook.sheet_names)

    def _open_workbook(self, filename: str) -> None:
        data = self._data
        if data.startswith(_OLE_MAGIC):
            if filename.lower().endswith(".xlsx"):
                # An .xlsx that is an OLE container is an encrypted (password-protected) workbook.
                raise TabularError("工作簿设置了密码保护，请取消密码后再上传。")
            if len(data) > self._lim.max_xls_mb << 20:
                raise TabularError(f"旧版 Excel（.xls）文件超过 {self._lim.max_xls_mb} MB，请另存为 .xlsx 后再上传。")
        else:
            self._archive, self._sheets = _scan_zip(data, self._lim)
            self._entries = _sheet_entries(self._archive)
        try:
            self._workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:
            if data.startswith(_OLE_MAGIC):
                raise TabularError("无法读取该 Excel 文件：可能设置了密码保护或已损坏。") from exc
            raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
        if not self._workbook.sheet_names:
            raise TabularError("工作簿中没有工作表。")

    def sheet_label(self, index: int) -> str:
        return self.sheet_names[index] if self.sheet_names[index] else "CSV"

    def rows(self, index: int = 0) -> Iterator[list[str]]:
        """Yield each row of a sheet (or of the CSV) as a list of strings, with the sheet's own
        row numbers (the empty rows above the used area are yielded as empty lists)."""
        if self._workbook is None:
            return self._check(self._csv_rows())
        return self._check(self._sheet_rows(index))

    def markup(self, index: int = 0) -> SheetMarkup:
        """The formula cells (with or without a computed value) and merged ranges of an xlsx
        sheet, for readers that must refuse them (a ledger coming back, ADR 0040). Empty for
        CSV and .xls."""
        entry = self._entries[index] if index < len(self._entries) else ""
        if self._archive is None or entry not in self._sheets:
            return SheetMarkup(frozenset(), ())
        try:
            return _sheet_markup(self._archive, entry)
        except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
            raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc

    def _check(self, rows: Iterator[list[str]]) -> Iterator[list[str]]:
        lim = self._lim
        for count, row in enumerate(rows, start=1):
            if count > lim.max_rows:
                raise TabularError(f"表格超过 {lim.max_rows} 行，请分成几个文件上传。")
            if len(row) > lim.max_columns:
                while row and not row[-1]:
                    row.pop()
                if len(row) > lim.max_columns:
                    raise TabularError(f"第 {count} 行超过 {lim.max_columns} 列，无法作为名单读取。")
            for cell in row:
                if len(cell) > lim.max_cell_chars:
                    raise TabularError(f"第 {count} 行有超过 {lim.max_cell_chars} 个字的单元格，无法作为名单读取。")
            yield row

    def _sheet_rows(self, index: int) -> Iterator[list[str]]:
        assert self._workbook is not None
        lim = self._lim
        try:
            sheet = self._workbook.get_sheet_by_index(index)
            if sheet.width > lim.max_columns:
                raise TabularError(f"工作表有 {sheet.width} 列，超过上限 {lim.max_columns} 列。")
            if sheet.height > lim.max_rows:
                raise TabularError(f"工作表有 {sheet.height} 行，超过上限 {lim.max_rows} 行。")
            rows = sheet.iter_rows()  # starts at the first used cell
            top, left = sheet.start or (0, 0)
        except TabularError:
            raise
        except Exception as exc:
            raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
        formulas: dict[int, list[int]] = {}
        entry = self._entries[index] if index < len(self._entries) else ""
        if self._archive is not None and entry in self._sheets and self._sheets[entry].has_formulas:
            try:
                uncomputed = _uncomputed_formulas(self._archive, entry)
            except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
                raise TabularError("无法读取该 Excel 文件：文件可能已损坏。") from exc
            for r, c in uncomputed:
                formulas.setdefault(r, []).append(c)
        # Keep the spreadsheet's own row numbers: put back the empty rows and columns above and
        # left of the used area that iter_rows skips.
        for _ in range(top):
            yield []
        pad = [""] * left
        for number, row in enumerate(rows, start=top):
            cells = pad + [clean_text(c) if isinstance(c, str) else _cell_text(c) for c in row]
            for column in formulas.get(number, ()):
                if column >= len(cells):
                    cells.extend([""] * (column + 1 - len(cells)))
                if not cells[column]:
                    cells[column] = FormulaCell("")
            yield cells

    def _csv_rows(self) -> Iterator[list[str]]:
        text = _decode_csv(self._data)
        if "\x00" in text:
            raise TabularError("文件不是表格（CSV 或 Excel）。")
        dialect: type[csv.Dialect] = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        try:
            for line in csv.reader(io.StringIO(text), dialect):
                yield [clean_text(c) for c in line]
        except csv.Error as exc:  # a field over csv's own limit (131,072 characters) and the like
            raise TabularError(f"CSV 文件格式有误或单元格过长：{exc}") from exc


def open_table(data: bytes, filename: str = "") -> Table:
    """Open a spreadsheet or CSV for reading, refusing what exceeds the limits."""
    return Table(data, filename)


def read_rows(data: bytes, filename: str = "", sheet: int = 0) -> Iterator[list[str]]:
    """Yield each row of one sheet (the first by default, or the CSV) as a list of strings."""
    yield from open_table(data, filename).rows(sheet)
