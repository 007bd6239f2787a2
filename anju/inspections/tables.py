"""The inspection records' table (``anju.core.tables``, ADR 0054)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from anju.core.tables import Column, Table, link, object_url, text
from anju.inspections.models import Inspection

# The columns the table reads (``QuerySet.only``); a cell reading another field adds it here.
INSPECTION_FIELDS = (
    "inspected_at",
    "house__household__head_name",
    "kind",
    "suspected_grade",
    "is_occupied",
    "occupant_ages",
    "inspector__full_name",
    "inspector__username",
)


def _grade(inspection: Inspection) -> str:
    # As the template had it: "C" and "D" — and no grade at all — in red.
    tone = "text-bg-danger" if inspection.suspected_grade in "CD" else "text-bg-secondary"
    return f'<span class="badge {tone}">{text(inspection.suspected_grade)} 级</span>'


def inspection_table(inspections: Iterable[Inspection]) -> Table:
    columns = (
        Column(
            "时间",
            lambda i: link(
                object_url("inspections:inspection_detail", i.pk),
                f"{timezone.localtime(i.inspected_at):%Y-%m-%d %H:%M}",
            ),
        ),
        Column("户主", lambda i: text(i.house.household.head_name)),
        Column("类型", lambda i: text(i.get_kind_display())),
        Column("初判", _grade),
        Column("住人", lambda i: f"{i.occupants} 人" if i.is_occupied else "否"),
        Column("排查人", lambda i: text(i.inspector.display_name())),
    )
    return Table(
        inspections, columns, testid="inspection-table", empty="没有排查记录。", classes="table table-sm table-hover"
    )
