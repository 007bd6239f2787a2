"""The household and house lists' tables (``anju.core.tables``, ADR 0054)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.html import format_html

from anju.core.masking import Kind, mask, may_see
from anju.core.tables import Column, Table, link, object_url, text
from anju.households.models import House, Household


def _personal(viewer: Any, kind: Kind) -> Any:
    """The cell of a personal datum as ``viewer`` may see it (``anju.core.masking``), decided once
    for the table rather than once a row."""
    if may_see(viewer, kind):
        return lambda value: text(value)
    return lambda value: text(mask(value, kind))


def _place(row: Household | House) -> str:
    village = text(row.region.name)
    return f"{village} · {text(row.group_name)}" if row.group_name else village


# The columns each table reads: a page of the list reads only these (``QuerySet.only``). A cell
# that reads another field must add it here, or each row would fetch it with a query of its own
# (tests/test_list_tables.py counts the queries of a full page).
HOUSEHOLD_FIELDS = (
    "head_name",
    "head_id_number",
    "group_name",
    "primary_group",
    "phone",
    "region_code",
    "region__name",
)
HOUSE_FIELDS = (
    "household__head_name",
    "region__name",
    "region_code",
    "group_name",
    "structure",
    "storeys",
    "floor_area",
    "build_year",
    "is_only_house",
    "is_occupied",
    "occupants",
    "elderly_occupants",
    "current_grade",
    "grade_source",
    "grade_on",
    "renovated_year",
)


def household_table(households: Iterable[Household], *, viewer: Any) -> Table:
    id_number, phone = _personal(viewer, Kind.ID), _personal(viewer, Kind.PHONE)

    def group(h: Household) -> str:
        tone = "text-bg-warning" if h.primary_group else "text-bg-light"
        return f'<span class="badge {tone}">{text(h.group_label)}</span>'

    columns = (
        Column("户主", lambda h: link(object_url("households:household_detail", h.pk), h.head_name)),
        Column("身份证号", lambda h: id_number(h.head_id_number), css="font-monospace small"),
        Column("所在村", _place),
        Column("类别", group),
        Column("人口", lambda h: text(h.member_count), numeric=True),
        Column("房屋", lambda h: text(h.house_count), numeric=True),
        Column("电话", lambda h: phone(h.phone), css="small"),
    )
    return Table(households, columns, testid="household-table", empty="没有符合条件的农户。")


def house_table(houses: Iterable[House], *, can_appraise: bool) -> Table:
    def storeys(house: House) -> str:
        badge = ' <span class="badge text-bg-info" title="3 层及以上按 GB 50292 鉴定">GB 50292</span>'
        return f"{house.storeys}{badge if house.outside_guideline else ''}"

    def occupied(house: House) -> str:
        if not house.is_occupied:
            return "未住人"
        elderly = f"（老人 {house.elderly_occupants}）" if house.elderly_occupants else ""
        return f"{house.occupants} 人{elderly}"

    def grade(house: House) -> str:
        out = ['<span class="text-muted">—</span>']
        if house.current_grade:
            tone = "text-bg-danger" if house.is_dangerous else "text-bg-success"
            source = house.get_grade_source_display()
            on = f"{house.grade_on:%Y-%m-%d}" if house.grade_on else ""
            out = [
                str(
                    format_html(
                        '<span class="badge {}" title="{} {}">{} 级</span>', tone, source, on, house.current_grade
                    )
                )
            ]
            if house.awaiting_appraisal:
                out.append(' <span class="small text-muted">待鉴定</span>')
                if can_appraise:
                    url = object_url("appraisals:appraisal_new", house.pk)
                    out.append(
                        f' <a class="btn btn-sm btn-primary" href="{text(url)}" data-testid="appraise-new">新建鉴定</a>'
                    )
        if house.renovated_year:
            out.append(f' <span class="badge text-bg-info">{house.renovated_year} 已改造</span>')
        return "".join(out)

    columns = (
        Column("户主", lambda h: link(object_url("households:house_detail", h.pk), h.household.head_name)),
        Column("所在村", _place),
        Column("结构", lambda h: text(h.get_structure_display())),
        Column("层数", storeys, numeric=True),
        Column("面积㎡", lambda h: text(h.floor_area, "—"), numeric=True),
        Column("建造年份", lambda h: text(h.build_year, "—")),
        Column("唯一住房", lambda h: "是" if h.is_only_house else "否"),
        Column("居住", occupied),
        Column("当前等级", grade, nowrap=True),
    )
    return Table(houses, columns, testid="house-table", empty="没有符合条件的房屋。", stacked=True)
