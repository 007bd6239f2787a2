"""The printable one-household archive (一户一档): a cover, the household's information sheet, the
contents (each required item present or missing, with its page), then every document — a photo
or scanned image one per A4 page with its caption, an uploaded PDF appended page by page.

ReportLab draws our own pages (the printed forms' toolkit, ``anju.kit.pdf``); pypdf merges them with the
uploaded PDFs. The contents and the footers give the final page numbers, which depend on where
the uploaded pages fall, so our part is laid out twice: the first pass finds on which of our
pages each document sits, the second prints the numbers (the layout is the same both times)."""

from __future__ import annotations

import io
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, Spacer, Table, TableStyle

from anju.archives.models import ArchiveDocument
from anju.archives.selectors import ArchiveItem, completeness, review_rows
from anju.cases.choices import EnergyTag
from anju.cases.models import RenovationCase
from anju.core.masking import Kind
from anju.households.choices import GENERAL_LABEL
from anju.kit import pdf as kit
from anju.kit.pdf import HEADER_BG, LABEL_BG, MARGIN

PAGE_WIDTH = kit.content_width()
FRAME_PADDING = 6  # points, SimpleDocTemplate's default on each side of the frame
MISSING = kit.WARN
CAPTION_HEIGHT = 22 * mm  # room kept above each image for its caption
DATES = (
    ("opened_on", "发现日期"),
    ("applied_on", "申请日期"),
    ("approved_on", "县级审批"),
    ("filed_on", "建档日期"),
    ("agreement_on", "签订协议"),
    ("started_on", "开工日期"),
    ("completed_on", "竣工日期"),
    ("accepted_on", "验收通过"),
    ("closed_on", "销号日期"),
)


class _Styles(kit.Styles):
    def __init__(self, font: str) -> None:
        super().__init__(font)
        self.cover_title = ParagraphStyle("cover_title", fontName=font, fontSize=26, leading=36, alignment=1)
        self.cover_no = ParagraphStyle("cover_no", fontName=font, fontSize=15, leading=22, alignment=1)
        self.cover_line = ParagraphStyle("cover_line", fontName=font, fontSize=13, leading=24, leftIndent=38 * mm)
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
        self.caption = ParagraphStyle("caption", fontName=font, fontSize=11, leading=15)


def _grid(font: str, extra: list[Any] | None = None) -> TableStyle:
    return kit.grid(font, extra, padding=3)


class _Mark(Flowable):
    """Takes no room; records the page it lands on (to place the uploaded PDFs and number pages)."""

    def __init__(self, key: Any, marks: dict[Any, int]) -> None:
        super().__init__()
        self.key, self.marks = key, marks

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.marks[self.key] = self.canv.getPageNumber()


@dataclass
class _Loaded:
    """An archive document read back from storage for printing."""

    document: ArchiveDocument
    image: bytes | None = None  # for images: what to print
    size: tuple[int, int] = (0, 0)
    reader: PdfReader | None = None  # for PDFs
    problem: str = ""

    @property
    def pages(self) -> int:
        return len(self.reader.pages) if self.reader is not None else 1


def _load(document: ArchiveDocument) -> _Loaded:
    loaded = _Loaded(document)
    try:
        with document.file.open("rb") as stored:
            data = stored.read()
        if document.is_pdf:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded.reader = PdfReader(io.BytesIO(data))
                _ = len(loaded.reader.pages)
        else:
            # Printed at A4 300 dpi at most, upright and on white: a bounded copy, not a 50 MP photo.
            loaded.image, loaded.size = kit.printable_image(data, document.original_name)
    except ValidationError:  # an image stored before the pixel limit: described, not printed
        loaded.reader, loaded.image = None, None
        loaded.problem = f"图片「{document.original_name}」像素过大，未编入打印件，请在系统中查看原件。"
    except Exception:  # a file missing from storage must not stop the rest of the archive printing
        loaded.reader, loaded.image = None, None
        loaded.problem = f"文件「{document.original_name}」无法读取，请在系统中查看原件。"
    return loaded


@dataclass
class _Layout:
    """Where things fall in the final document (from the first pass)."""

    final_of_page: dict[int, int] = field(default_factory=dict)  # our page → final page number
    start_of_item: dict[str, int] = field(default_factory=dict)
    total: int = 0


def _information(case: RenovationCase, s: _Styles, font: str) -> list[Flowable]:
    household, house = case.household, case.house
    village = household.region.full_name() + (household.group_name or "")

    def p(text: str, style: ParagraphStyle = s.cell) -> Paragraph:
        return Paragraph(text, style)

    groups = household.get_primary_group_display() if household.primary_group else GENERAL_LABEL
    rows: list[list[Any]] = [
        [
            p("档案编号", s.label),
            p(kit.text(case.archive_no, "尚未建档")),
            p("计划年度", s.label),
            p(f"{case.year} 年"),
        ],
        [
            p("户主", s.label),
            p(kit.text(household.head_name)),
            p("身份证号", s.label),
            p(kit.personal(household.head_id_number, Kind.ID)),
        ],
        [
            p("所在村", s.label),
            p(kit.text(village)),
            p("联系电话", s.label),
            p(kit.personal(household.phone, Kind.PHONE) or "—"),
        ],
        [p("农户类别", s.label), p(escape(groups)), p("家庭人口", s.label), p(f"{case.household_size} 人")],
        [
            p("项目", s.label),
            p(escape(case.get_programme_display())),
            p("危险等级", s.label),
            p(escape(case.get_grade_display())),
        ],
    ]
    if house is not None:
        area = f"{house.floor_area} m²" if house.floor_area is not None else "—"
        rows.append(
            [
                p("原房屋", s.label),
                p(f"{escape(house.get_structure_display())}，{house.storeys} 层，{house.build_year or '—'} 年建"),
                p("原建筑面积", s.label),
                p(area),
            ]
        )
        rows.append([p("房屋地址", s.label), p(kit.text(house.address or household.address)), "", ""])
    else:
        rows.append([p("原房屋", s.label), p("无房户"), "", ""])
        rows.append([p("住址", s.label), p(kit.text(household.address)), "", ""])
    builder = case.builder_name + (f"（证书 {case.builder_cert_no}）" if case.builder_cert_no else "")
    tags = "、".join(str(EnergyTag(t).label) for t in case.energy_tags if t in EnergyTag.values)
    rows += [
        [
            p("改造方式", s.label),
            p(kit.text(case.method_name)),
            p("建设方式", s.label),
            p(kit.text(case.get_construction_mode_display())),
        ],
        [p("施工单位或工匠", s.label), p(kit.text(builder)), "", ""],
        [
            p("计划面积", s.label),
            p(f"{case.planned_area} m²" if case.planned_area is not None else "—"),
            p("竣工面积", s.label),
            p(f"{case.built_area} m²" if case.built_area is not None else "—"),
        ],
        [p("节能改造", s.label), p(kit.text(tags, "无")), "", ""],
        [p("补助标准", s.label), p(kit.text(case.subsidy_explanation or case.subsidy_standard)), "", ""],
    ]
    span_rows = [i for i, row in enumerate(rows) if row[2] == ""]
    info = Table(rows, colWidths=[30 * mm, 62 * mm, 24 * mm, PAGE_WIDTH - 116 * mm])
    info.setStyle(
        _grid(
            font,
            [("SPAN", (1, r), (3, r)) for r in span_rows]
            + [("BACKGROUND", (0, 0), (0, -1), LABEL_BG)]
            + [("BACKGROUND", (2, r), (2, r), LABEL_BG) for r in range(len(rows)) if r not in span_rows],
        )
    )

    members = list(household.members.all())
    member_rows: list[list[Any]] = [[p(h, s.head) for h in ("姓名", "与户主关系", "身份证号")]]
    member_rows += [
        [
            p(kit.text(m.name)),
            p(escape(m.get_relation_display()), s.center),
            p(kit.personal(m.id_number, Kind.ID), s.center),
        ]
        for m in members
    ] or [[p("未登记家庭成员"), "", ""]]
    member_table = Table(member_rows, colWidths=[50 * mm, 40 * mm, PAGE_WIDTH - 90 * mm], repeatRows=1)
    member_table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))

    dates = [(label, getattr(case, name)) for name, label in DATES]
    date_rows: list[list[Any]] = []
    for i in range(0, len(dates), 3):
        row: list[Any] = []
        for label, value in dates[i : i + 3]:
            row += [p(label, s.label), p(f"{value:%Y-%m-%d}" if value else "—", s.center)]
        row += [""] * (6 - len(row))
        date_rows.append(row)
    date_table = Table(date_rows, colWidths=[20 * mm, PAGE_WIDTH / 3 - 20 * mm] * 3)
    date_table.setStyle(_grid(font, [("BACKGROUND", (c, 0), (c, -1), LABEL_BG) for c in (0, 2, 4)]))

    review_table_rows: list[list[Any]] = [[p(h, s.head) for h in ("审定部门", "审定人", "审定日期", "结论及意见")]]
    for department in review_rows(case):
        review = department["review"]
        if review is None:
            review_table_rows.append(
                [
                    p(department["label"]),
                    p("—", s.center),
                    p("—", s.center),
                    p(f"<font color='{MISSING}'>尚未审定</font>"),
                ]
            )
        else:
            verdict = "同意" + (f"：{kit.text(review.opinion)}" if review.opinion else "")
            review_table_rows.append(
                [
                    p(department["label"]),
                    p(kit.text(review.reviewer.display_name()), s.center),
                    p(f"{review.reviewed_on:%Y-%m-%d}", s.center),
                    p(verdict),
                ]
            )
    review_table = Table(review_table_rows, colWidths=[30 * mm, 30 * mm, 26 * mm, PAGE_WIDTH - 86 * mm])
    review_table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))

    return [
        Paragraph("农户基本信息表", s.title),
        Spacer(1, 4 * mm),
        info,
        Paragraph("家庭成员", s.section),
        Spacer(1, 1.5 * mm),
        member_table,
        Paragraph("办理日期", s.section),
        Spacer(1, 1.5 * mm),
        date_table,
        Paragraph("共同审定（民政、乡村振兴）", s.section),
        Spacer(1, 1.5 * mm),
        review_table,
    ]


def _cover(case: RenovationCase, s: _Styles) -> list[Flowable]:
    household = case.household
    county = case.region.full_name()
    lines = [
        ("户主姓名", household.head_name),
        ("所在村庄", county + (household.group_name or "")),
        ("计划年度", f"{case.year} 年"),
        ("改造方式", case.method_name or "—"),
        ("建档日期", f"{case.filed_on:%Y年%m月%d日}" if case.filed_on else "—"),
    ]
    return [
        Spacer(1, 45 * mm),
        Paragraph("农村危房改造", s.cover_title),
        Paragraph("一户一档", s.cover_title),
        Spacer(1, 10 * mm),
        Paragraph(kit.text(case.archive_no, "（尚未建档，无档案编号）"), s.cover_no),
        Spacer(1, 30 * mm),
        *[
            Paragraph(f"{label}：<u>&nbsp;&nbsp;{kit.text(value)}&nbsp;&nbsp;</u>", s.cover_line)
            for label, value in lines
        ],
        PageBreak(),
    ]


def _contents(
    items: list[ArchiveItem], loaded: dict[int, _Loaded], layout: _Layout | None, s: _Styles, font: str
) -> list[Flowable]:
    rows: list[list[Any]] = [[Paragraph(h, s.head) for h in ("序号", "材料名称", "份数", "页数", "状态", "页码")]]
    for number, item in enumerate(items, start=1):
        pages = sum(loaded[d.pk].pages for d in item.documents)
        status = "齐全" if item.present else f"<font color='{MISSING}'>缺</font>"
        start = layout.start_of_item.get(item.code) if layout else None
        rows.append(
            [
                Paragraph(str(number), s.center),
                Paragraph(escape(item.name), s.cell),
                Paragraph(str(len(item.documents)) if item.present else "—", s.center),
                Paragraph(str(pages) if item.present else "—", s.center),
                Paragraph(status, s.center),
                # Same width on both passes: the first has no numbers yet.
                Paragraph(str(start) if start else ("—" if not item.present else "&nbsp;"), s.center),
            ]
        )
    table = Table(rows, colWidths=[12 * mm, PAGE_WIDTH - 82 * mm, 14 * mm, 14 * mm, 20 * mm, 22 * mm], repeatRows=1)
    table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))
    present = sum(1 for item in items if item.present)
    missing = [item.name for item in items if not item.present]
    summary = f"本户档案应有 {len(items)} 项，已齐 {present} 项。"
    if missing:
        summary += f"<font color='{MISSING}'>缺少：{escape('、'.join(missing))}。</font>"
    return [
        PageBreak(),
        Paragraph("档案目录", s.title),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph(summary, s.cell),
    ]


def _documents(
    items: list[ArchiveItem], loaded: dict[int, _Loaded], s: _Styles, marks: dict[Any, int]
) -> list[Flowable]:
    story: list[Flowable] = []
    max_width = PAGE_WIDTH - 2 * FRAME_PADDING
    max_height = A4[1] - 2 * MARGIN - 2 * FRAME_PADDING - CAPTION_HEIGHT
    for number, item in enumerate(items, start=1):
        for index, document in enumerate(item.documents, start=1):
            entry = loaded[document.pk]
            caption = (
                f"{number}. {escape(item.name)}"
                + (f"（第 {index}/{len(item.documents)} 份）" if len(item.documents) > 1 else "")
                + f"<br/><font size='8' color='grey'>{kit.text(document.original_name)}　"
                f"{kit.text(document.uploaded_by.display_name())} 上传于 "
                f"{timezone.localtime(document.uploaded_at):%Y-%m-%d %H:%M}</font>"
            )
            if entry.reader is not None:
                # Its pages follow whichever of our pages comes before it.
                story.append(_Mark(("after", document.pk), marks))
                continue
            story += [
                PageBreak(),
                _Mark(("page", document.pk), marks),
                Paragraph(caption, s.caption),
                Spacer(1, 3 * mm),
            ]
            if entry.image is None:
                story.append(Paragraph(escape(entry.problem), s.cell))
                continue
            width, height = kit.image_box(entry.size, max_width, max_height)
            story.append(Image(io.BytesIO(entry.image), width=width, height=height))
    return story


def _build(case: RenovationCase, story: list[Flowable], font: str, layout: _Layout | None) -> bytes:
    out = io.BytesIO()
    doc = kit.a4_document(
        out, title=f"{case.household.head_name}户 一户一档 {case.archive_no}", top=MARGIN, bottom=MARGIN
    )
    printed = timezone.localtime()

    def footer(canvas: Canvas, document: Any) -> None:
        if document.page == 1:
            return  # the cover carries no footer
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            MARGIN,
            8 * mm,
            f"一户一档 {case.archive_no or ''} {case.household.head_name}户　打印于 {printed:%Y-%m-%d %H:%M}",
        )
        if layout is not None:
            canvas.drawRightString(
                A4[0] - MARGIN, 8 * mm, f"第 {layout.final_of_page[document.page]} / {layout.total} 页"
            )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _layout(ours: int, items: list[ArchiveItem], loaded: dict[int, _Loaded], marks: dict[Any, int]) -> _Layout:
    """Final page numbers: our pages in order, each followed by the uploaded PDFs marked after it."""
    after: dict[int, list[_Loaded]] = defaultdict(list)
    for item in items:
        for document in item.documents:
            if ("after", document.pk) in marks:
                after[marks[("after", document.pk)]].append(loaded[document.pk])
    layout = _Layout()
    start_of_document: dict[int, int] = {}
    final = 0
    for page in range(1, ours + 1):
        final += 1
        layout.final_of_page[page] = final
        for entry in after[page]:
            start_of_document[entry.document.pk] = final + 1
            final += entry.pages
    for item in items:
        for document in item.documents:
            if ("page", document.pk) in marks:
                start_of_document[document.pk] = layout.final_of_page[marks[("page", document.pk)]]
        starts = [start_of_document[d.pk] for d in item.documents if d.pk in start_of_document]
        if starts:
            layout.start_of_item[item.code] = min(starts)
    layout.total = final
    return layout


def archive_pdf(case: RenovationCase) -> bytes:
    """The case's archive as one A4 PDF."""
    font = kit.chinese_font()
    s = _Styles(font)
    items = completeness(case)
    loaded = {d.pk: _load(d) for item in items for d in item.documents}

    def story(layout: _Layout | None, marks: dict[Any, int]) -> list[Flowable]:
        return [
            *_cover(case, s),
            *_information(case, s, font),
            *_contents(items, loaded, layout, s, font),
            *_documents(items, loaded, s, marks),
        ]

    first_marks: dict[Any, int] = {}
    first = _build(case, story(None, first_marks), font, None)
    layout = _layout(len(PdfReader(io.BytesIO(first)).pages), items, loaded, first_marks)
    marks: dict[Any, int] = {}
    ours = _build(case, story(layout, marks), font, layout)
    writer = PdfWriter()
    after: dict[int, list[_Loaded]] = defaultdict(list)
    for item in items:
        for document in item.documents:
            if ("after", document.pk) in marks:
                after[marks[("after", document.pk)]].append(loaded[document.pk])
    for number, page in enumerate(PdfReader(io.BytesIO(ours)).pages, start=1):
        writer.add_page(page)
        for entry in after[number]:
            assert entry.reader is not None
            for uploaded in entry.reader.pages:
                writer.add_page(uploaded)
    writer.add_metadata({"/Title": f"{case.household.head_name}户 一户一档 {case.archive_no}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
