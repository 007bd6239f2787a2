"""The printable appraisal form (农村住房安全性鉴定表), with ReportLab and the same Chinese font
as the village list (ADR 0010). It shows the appraisal as recorded: the house as it was
appraised, each component's grade beside the criterion text of the template version used, the
result, the site photos (the appraisal's own, else those of the house's latest inspection
with photos; scaled, each with its date), and a signatures block to sign on paper."""

from __future__ import annotations

import io
import logging
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table, TableStyle

from anju.appraisals.grading import house_grade
from anju.appraisals.models import Appraisal
from anju.core.masking import Kind
from anju.core.numbers import plain_number
from anju.households.choices import GENERAL_LABEL, KeyGroup, SeismicIntensity, StructureType
from anju.households.models import HouseholdStatus
from anju.inspections.models import InspectionPhoto
from anju.kit import pdf as kit
from anju.kit.pdf import HEADER_BG, LABEL_BG

PAGE_WIDTH = kit.content_width()
WARN = colors.HexColor(kit.WARN)
OUTSIDE_GUIDELINE = "三层及以上，超出导则适用范围，应按 GB 50292 鉴定"
# Up to four photos, two a row, each within a 85 × 62 mm box; printed at most 1200 px on the long
# side (≈ 360 dpi in that box), so a form with photos stays a few hundred kB.
PHOTOS_SHOWN = 4
PHOTO_BOX = (PAGE_WIDTH / 2 - 4 * mm, 62 * mm)
PHOTO_MAX_SIDE = 1200
logger = logging.getLogger(__name__)


class _Styles(kit.Styles):
    def __init__(self, font: str) -> None:
        super().__init__(font)
        self.grade = ParagraphStyle("grade", parent=self.cell, alignment=1)
        self.banner = ParagraphStyle(
            "banner",
            fontName=font,
            fontSize=10,
            leading=14,
            textColor=WARN,
            borderColor=WARN,
            borderWidth=0.8,
            borderPadding=(2 * mm, 2 * mm, 2 * mm, 2 * mm),
            backColor=colors.HexColor("#FDECEE"),
            alignment=1,
        )


def _grid(font: str, extra: list[Any] | None = None) -> TableStyle:
    return kit.grid(font, extra, padding=3)


def _current_groups(appraisal: Appraisal) -> str:
    today = timezone.localdate()
    groups = (
        HouseholdStatus.objects.filter(household_id=appraisal.household_id, certified_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("group", flat=True)
    )
    labels = [str(KeyGroup(g).label) for g in KeyGroup.values if g in set(groups)]
    return "、".join(labels) or GENERAL_LABEL


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _info_table(appraisal: Appraisal, s: _Styles, font: str) -> Table:
    household, house = appraisal.household, appraisal.house
    village = household.region.full_name()
    if household.group_name:
        village += household.group_name
    address = house.address or household.address
    build_year = f"{house.build_year} 年" if house.build_year else "—"
    area = f"{plain_number(house.floor_area)} 平方米" if house.floor_area is not None else "—"
    intensity = _label(SeismicIntensity, house.seismic_intensity) if house.seismic_intensity else "—"

    def p(text: str, style: ParagraphStyle = s.cell) -> Paragraph:
        return Paragraph(text, style)

    rows = [
        [
            p("户主", s.label),
            p(kit.text(household.head_name)),
            p("身份证号", s.label),
            p(kit.personal(household.head_id_number, Kind.ID)),
        ],
        [p("所在村", s.label), p(kit.text(village)), "", ""],
        [p("房屋地址", s.label), p(kit.text(address)), "", ""],
        [p("农户类别", s.label), p(escape(_current_groups(appraisal))), "", ""],
        [
            p("结构类型", s.label),
            p(escape(_label(StructureType, appraisal.structure))),
            p("层数", s.label),
            p(f"{appraisal.storeys} 层"),
        ],
        [p("建造年份", s.label), p(build_year), p("建筑面积", s.label), p(area)],
        [p("设防烈度", s.label), p(intensity), p("唯一住房", s.label), p("是" if house.is_only_house else "否")],
    ]
    widths = [24 * mm, 66 * mm, 24 * mm, PAGE_WIDTH - 114 * mm]
    spans = [("SPAN", (1, r), (3, r)) for r in (1, 2, 3)]
    label_bg = [("BACKGROUND", (0, 0), (0, -1), LABEL_BG), ("BACKGROUND", (2, 0), (2, 0), LABEL_BG)]
    label_bg.append(("BACKGROUND", (2, 4), (2, -1), LABEL_BG))
    table = Table(rows, colWidths=widths)
    table.setStyle(_grid(font, [*spans, *label_bg]))
    return table


def _site_table(appraisal: Appraisal, s: _Styles, font: str) -> Table:
    verdict = "危险" if appraisal.site_dangerous else "安全"
    colour = "#B00020" if appraisal.site_dangerous else "#1B5E20"
    rows = [
        [
            Paragraph("场地安全性", s.label),
            Paragraph(f"<font color='{colour}'>{verdict}</font>", s.grade),
            Paragraph(
                kit.text(appraisal.site_note, "无地质灾害等场地危险情况" if not appraisal.site_dangerous else "—"),
                s.cell,
            ),
        ]
    ]
    table = Table(rows, colWidths=[24 * mm, 20 * mm, PAGE_WIDTH - 44 * mm])
    table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (0, -1), LABEL_BG)]))
    return table


def _component_table(appraisal: Appraisal, s: _Styles, font: str) -> Table:
    criteria = {c.get("code"): c.get("criteria", {}) for c in appraisal.template.content.get("components", [])}
    rows: list[list[Any]] = [[Paragraph(h, s.head) for h in ("组成部分", "评定等级", "该等级标准", "说明")]]
    for component in appraisal.components:
        grade = str(component.get("grade") or "")
        if grade:
            standard = kit.text(criteria.get(component.get("code"), {}).get(grade))
            shown = f"{escape(grade)} 级"
        else:
            standard, shown = "未评定（场地危险，直接评定为 D 级）", "—"
        rows.append(
            [
                Paragraph(kit.text(component.get("name")), s.cell),
                Paragraph(shown, s.grade),
                Paragraph(standard, s.cell),
                Paragraph(kit.text(component.get("note"), ""), s.cell),
            ]
        )
    widths = [28 * mm, 17 * mm, 93 * mm, PAGE_WIDTH - 138 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))
    return table


def _computed_reason(appraisal: Appraisal) -> str:
    names = {c["code"]: c["name"] for c in appraisal.components}
    grades = {c["code"]: c["grade"] for c in appraisal.components if c.get("grade")}
    try:
        return house_grade(site_dangerous=appraisal.site_dangerous, component_grades=grades, names=names).reason
    except ValueError:  # an appraisal stored without grades (never by the service); show none
        return ""


def _result_table(appraisal: Appraisal, s: _Styles, font: str) -> Table:
    reason = _computed_reason(appraisal)
    computed = f"{escape(appraisal.computed_grade)} 级" + (f"（{escape(reason)}）" if reason else "")
    final_colour = "#B00020" if appraisal.is_dangerous else "#000000"
    final = f"<font color='{final_colour}'>{escape(appraisal.final_grade)} 级</font>"
    if appraisal.relocation_recommended:
        final += "<font size='10'>　（场地危险，建议异地新建）</font>"
    prevention = escape(appraisal.get_prevention_level_display())
    if appraisal.prevention_note:
        prevention += f"（{kit.text(appraisal.prevention_note)}）"
    rows: list[list[Any]] = [
        [Paragraph("计算等级", s.label), Paragraph(computed, s.cell)],
        [Paragraph("鉴定等级", s.label), Paragraph(final, s.big)],
    ]
    if appraisal.is_overridden:
        rows.append([Paragraph("调整理由", s.label), Paragraph(kit.text(appraisal.override_reason), s.cell)])
    rows += [
        [Paragraph("防灾措施", s.label), Paragraph(prevention, s.cell)],
        [Paragraph("致危原因", s.label), Paragraph(escape(appraisal.get_damage_cause_display()), s.cell)],
        [Paragraph("处理建议", s.label), Paragraph(kit.text(appraisal.advice), s.cell)],
        [Paragraph("鉴定模板", s.label), Paragraph(kit.text(str(appraisal.template)), s.cell)],
    ]
    table = Table(rows, colWidths=[24 * mm, PAGE_WIDTH - 24 * mm])
    table.setStyle(_grid(font, [("BACKGROUND", (0, 0), (0, -1), LABEL_BG)]))
    return table


def _signatures(appraisal: Appraisal, s: _Styles, font: str) -> list[Flowable]:
    details = Table(
        [
            [
                Paragraph("鉴定人", s.label),
                Paragraph(kit.text(appraisal.appraiser_name), s.cell),
                Paragraph("鉴定单位", s.label),
                Paragraph(kit.text(appraisal.appraiser_org), s.cell),
            ],
            [
                Paragraph("证书编号", s.label),
                Paragraph(kit.text(appraisal.certificate_no), s.cell),
                Paragraph("鉴定日期", s.label),
                Paragraph(f"{appraisal.appraised_on:%Y年%m月%d日}", s.cell),
            ],
        ],
        colWidths=[24 * mm, 48 * mm, 24 * mm, PAGE_WIDTH - 96 * mm],
    )
    details.setStyle(
        _grid(font, [("BACKGROUND", (0, 0), (0, -1), LABEL_BG), ("BACKGROUND", (2, 0), (2, -1), LABEL_BG)])
    )
    signs = kit.signature_row(
        s,
        [kit.signature_cell(s, f"{who}（签字）：", space=13 * mm) for who in ("鉴定人", "审核人", "农户")],
        PAGE_WIDTH,
        padding=5,
    )
    return [Paragraph("鉴定人员及签字", s.section), Spacer(1, 1.5 * mm), details, Spacer(1, 2 * mm), signs]


def _site_photos(appraisal: Appraisal) -> tuple[str, list[Any]]:
    """The photos to print and where they come from: the appraisal's, else the house's latest
    inspection that has photos (the appraiser often relies on the inspector's)."""
    own = list(appraisal.photos.all()[:PHOTOS_SHOWN])
    if own:
        return "鉴定现场照片", own
    latest = (
        InspectionPhoto.objects.filter(inspection__house_id=appraisal.house_id)
        .select_related("inspection")
        .order_by("-inspection__inspected_at", "-inspection_id", "pk")
        .first()
    )
    if latest is None:
        return "", []
    photos = list(InspectionPhoto.objects.filter(inspection_id=latest.inspection_id).order_by("pk")[:PHOTOS_SHOWN])
    return f"排查现场照片（{timezone.localtime(latest.inspection.inspected_at):%Y-%m-%d} 排查）", photos


def _photo_cell(photo: Any, s: _Styles) -> list[Flowable]:
    taken = photo.exif_taken_at
    when = (
        f"拍摄于 {timezone.localtime(taken):%Y-%m-%d %H:%M}"
        if taken
        else f"上传于 {timezone.localtime(photo.uploaded_at):%Y-%m-%d %H:%M}"
    )
    try:
        with photo.image.open("rb") as handle:
            data, size = kit.printable_image(handle.read(), photo.image.name, max_side=PHOTO_MAX_SIDE)
    except Exception:  # a missing or unreadable file must not stop the form from printing
        logger.warning("appraisal photo %s could not be printed", photo.pk, exc_info=True)
        return [Paragraph("（照片文件无法读取）", s.center), Paragraph(when, s.center)]
    width, height = kit.image_box(size, *PHOTO_BOX)
    return [Image(io.BytesIO(data), width=width, height=height), Paragraph(when, s.center)]


def _photos(appraisal: Appraisal, s: _Styles, font: str) -> list[Flowable]:
    title, photos = _site_photos(appraisal)
    if not photos:
        return []
    cells = [_photo_cell(photo, s) for photo in photos]
    rows = [cells[i : i + 2] + ([[]] if len(cells[i : i + 2]) == 1 else []) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[PAGE_WIDTH / 2] * 2)
    table.setStyle(_grid(font, [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([Paragraph(f"五、{title}", s.section), Spacer(1, 1.5 * mm), table])]


def appraisal_pdf(appraisal: Appraisal) -> bytes:
    """The appraisal form of one appraisal as an A4 PDF."""
    font = kit.chinese_font()
    s = _Styles(font)
    source = appraisal.template.content.get("source") or "农村住房安全性鉴定技术导则（建村函〔2019〕200号）"
    story: list[Flowable] = [
        Paragraph("农村住房安全性鉴定表", s.title),
        Paragraph(f"依据：{kit.text(source)}　　鉴定编号：{appraisal.pk}", s.subtitle),
        Spacer(1, 4 * mm),
        Paragraph("一、农户与房屋基本情况", s.section),
        Spacer(1, 1.5 * mm),
        _info_table(appraisal, s, font),
    ]
    if appraisal.outside_guideline:
        story += [Spacer(1, 4 * mm), Paragraph(OUTSIDE_GUIDELINE, s.banner), Spacer(1, 1 * mm)]
    story += [
        Paragraph("二、场地安全性", s.section),
        Spacer(1, 1.5 * mm),
        _site_table(appraisal, s, font),
        Paragraph("三、房屋各组成部分危险性评定", s.section),
        Spacer(1, 1.5 * mm),
        _component_table(appraisal, s, font),
        Paragraph("四、鉴定结论", s.section),
        Spacer(1, 1.5 * mm),
        _result_table(appraisal, s, font),
        *_photos(appraisal, s, font),
        KeepTogether(_signatures(appraisal, s, font)),
    ]
    return kit.render(
        story,
        title=f"{appraisal.household.head_name}户 农村住房安全性鉴定表",
        caption=f"鉴定编号 {appraisal.pk}",
        top=14 * mm,
    )
