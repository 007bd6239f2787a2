"""The case list's table (``anju.core.tables``, ADR 0054)."""

from __future__ import annotations

from collections.abc import Iterable

from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.numbers import yuan
from anju.core.tables import Column, Table, link, object_url, text

_STAGE_TONES = {Stage.CLOSED: "text-bg-success", Stage.ENDED: "text-bg-secondary", Stage.RECTIFYING: "text-bg-danger"}
_GRADE_TONES = {"D": "text-bg-danger", "N": "text-bg-danger", "C": "text-bg-warning"}

# The columns the table reads (``QuerySet.only``); a cell reading another field adds it here.
CASE_FIELDS = (
    "household__head_name",
    "region__name",
    "region_code",
    "previous_case_id",
    "stage",
    "stage_since",
    "grade",
    "programme",
    "year",
    "method_name",
    "area_problem",
    "archive_no",
    "subsidy_amount",
)


def _head(case: RenovationCase) -> str:
    again = ' <span class="badge text-bg-info">再次纳入</span>' if case.previous_case_id else ""
    return link(object_url("cases:case_detail", case.pk), case.household.head_name) + again


def _stage(case: RenovationCase) -> str:
    tone = _STAGE_TONES.get(case.stage, "text-bg-primary")  # type: ignore[call-overload]  # a stage's value is a str
    return f'<span class="badge {tone}">{text(case.get_stage_display())}</span>'


def _method(case: RenovationCase) -> str:
    area = (
        f' <span class="badge text-bg-warning" title="{text(case.area_problem)}">面积</span>'
        if case.area_problem
        else ""
    )
    return text(case.method_name, "—") + area


def case_table(cases: Iterable[RenovationCase]) -> Table:
    columns = (
        Column("户主", _head),
        Column("阶段", _stage),
        Column("所在村", lambda c: text(c.region.name), css="small"),
        Column(
            "等级",
            lambda c: f'<span class="badge {_GRADE_TONES.get(c.grade, "text-bg-secondary")}">{text(c.grade)}</span>',
        ),
        Column("项目 · 年度", lambda c: f"{text(c.get_programme_display())} · {c.year}", css="small"),
        Column("改造方式", _method, css="small"),
        Column("本阶段天数", lambda c: str(c.days_at_stage) if c.is_open else "—", numeric=True, css="small"),
        Column("档案编号", lambda c: text(c.archive_no, "—"), css="small"),
        Column(
            "补助标准（元）",
            lambda c: "—" if c.subsidy_amount is None else text(yuan(c.subsidy_amount)),
            numeric=True,
            css="small",
        ),
    )
    return Table(
        cases,
        columns,
        testid="case-table",
        empty="没有符合条件的案件。资格认定为纳入改造的农户，可在其「资格认定」页建立案件。",
    )
