"""Each ledger's rows, drawn from data made by the services, scoped to the user's region."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.ledgers.registry import LEDGERS
from anju.ledgers.services import ledger_drawn
from anju.ledgers.tests.conftest import GeneralHome
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import accept, give_account

pytestmark = pytest.mark.django_db


def rows_for(user: Any, key: str, year: int | None = None, region: Any = None) -> list[tuple[Any, ...]]:
    drawn = ledger_drawn(user=user, key=key, year=year or datetime.date.today().year, region=region)
    rows = list(drawn.ledger.rows(drawn.scope))
    assert len(rows) == drawn.ledger.count(drawn.scope)
    return rows


def as_dict(key: str, row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(LEDGERS[key].headers, row, strict=True))


def test_it_lists_a_key_group_household_with_its_department_grade_decision_and_case_stage(
    tl_county: User, covered_home: DibaoHome, case: RenovationCase, general_home: GeneralHome
) -> None:
    rows = rows_for(tl_county, "key_groups")
    assert len(rows) == 1  # the general household 乙 is not a key-group household
    row = as_dict("key_groups", rows[0])
    assert row["乡镇"] == "渔泽镇" and row["村"] == "北渔泽村委会" and row["户主姓名"] == "甲"
    assert row["身份证号"] == covered_home["household"].head_id_number  # the county officer sees it whole
    assert row["重点对象类别"] == "农村低保户" and row["认定部门"] == "民政"
    assert row["认定日期"] == datetime.date(2023, 1, 1)
    assert row["房屋等级"] == "D 级" and isinstance(row["定级日期"], datetime.date)
    assert row["资格认定结论"] == "纳入农村危房改造"
    assert row["改造阶段"] == "发现" and row["改造年度"] == case.year


def test_it_masks_id_numbers_for_a_township_officer_and_shows_another_county_nothing(
    tl_township: User, make_user: Callable[..., User], covered_home: DibaoHome
) -> None:
    row = as_dict("key_groups", rows_for(tl_township, "key_groups")[0])
    number = covered_home["household"].head_id_number
    assert row["身份证号"] == number[:4] + "*" * 10 + number[-4:]
    cq = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    for key in LEDGERS:
        assert rows_for(cq, key) == []


def test_it_lists_a_general_household_with_a_c_house_and_its_self_repair_state(
    tl_county: User, covered_home: DibaoHome, general_home: GeneralHome
) -> None:
    rows = rows_for(tl_county, "general")
    assert len(rows) == 1  # 甲 is a key-group household: not here
    row = as_dict("general", rows[0])
    assert row["户主姓名"] == "乙" and row["村民小组"] == "二组"
    assert row["结构"] == "土木" and row["鉴定等级"] == "C 级" and row["鉴定日期"] == datetime.date(2026, 5, 10)
    assert row["是否住人"] == "是" and row["居住人数"] == 2
    assert row["自行整改情况"] == "未核实" and row["改造阶段"] == "未建案"


def test_it_lists_suspected_houses_with_appraisal_occupants_and_control_measures(
    tl_county: User, covered_home: DibaoHome, general_home: GeneralHome
) -> None:
    rows = rows_for(tl_county, "suspected")
    assert len(rows) == 1  # 甲's house was appraised but never inspected as suspected
    row = as_dict("suspected", rows[0])
    assert row["户主姓名"] == "乙" and row["类别"] == "一般农户" and row["初判等级"] == "D 级"
    assert row["排查日期"] == datetime.date(2026, 4, 2)
    assert row["鉴定情况"] == "已鉴定 C 级" and row["鉴定日期"] == datetime.date(2026, 5, 10)
    assert row["居住人数"] == 2 and row["其中老人"] == 1
    assert row["管控措施"] == "设置警示标志（2026-04-03）"


def test_it_fills_the_monitoring_ledger_with_dates_route_and_the_amount_paid(
    tl_county: User, covered_home: DibaoHome, case: RenovationCase, officers: Officers
) -> None:
    accept(case, officers)
    give_account(case)
    case.refresh_from_db()
    assert case.accepted_on is not None
    payment_record(
        acting_user=tl_county,
        case=case,
        amount=Decimal("10000"),
        paid_on=case.accepted_on,
        payee_kind="household",
        voucher_no="PZ-001",
    )
    row = as_dict("monitoring", rows_for(tl_county, "monitoring", year=case.year)[0])
    assert row["户主姓名"] == "甲" and row["重点对象类别"] == "农村低保户" and row["认定部门"] == "民政"
    assert row["危险等级"] == "D 级（整体危险）"
    assert row["改造方式/保障方式"] == case.method_name and case.method_name
    assert row["计划年度"] == case.year
    assert (row["开工日期"], row["竣工日期"], row["验收日期"]) == (case.started_on, case.completed_on, case.accepted_on)
    assert row["已拨付资金（元）"] == 10000.0 and row["销号日期"] is None
    assert rows_for(tl_county, "monitoring", year=case.year - 1) == []  # another plan year


def test_it_says_how_an_ended_case_was_solved_instead_of_its_method(
    tl_county: User, case: RenovationCase, officers: Officers
) -> None:
    case_services.case_end(acting_user=tl_county, case=case, reason="relatives", note="投靠女儿", on=case.opened_on)
    case.refresh_from_db()
    assert case.stage == Stage.ENDED
    row = as_dict("monitoring", rows_for(tl_county, "monitoring", year=case.year)[0])
    assert row["改造方式/保障方式"] == "投亲靠友"


def test_it_sums_the_subsidy_plan_by_township_and_grade(
    tl_county: User, case: RenovationCase, officers: Officers
) -> None:
    from anju.cases.tests.conftest import walk

    walk(case, officers, Stage.APPROVED)
    case.refresh_from_db()
    row = as_dict("subsidy_plan", rows_for(tl_county, "subsidy_plan", year=case.year)[0])
    assert case.subsidy_amount is not None
    assert row["乡镇"] == "渔泽镇"
    assert row["D 级户数"] == 1 and row["D 级资金（元）"] == float(case.subsidy_amount)
    assert row["C 级户数"] == 0 and row["C 级资金（元）"] == 0
    assert row["合计户数"] == 1 and row["合计资金（元）"] == float(case.subsidy_amount)


def test_it_draws_every_ledger_in_a_fixed_number_of_queries_however_many_rows(
    tl_county: User,
    covered_home: DibaoHome,
    general_home: GeneralHome,
    case: RenovationCase,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    from anju.households.services import household_create, status_add
    from anju.inspections.tests.conftest import make_id
    from anju.regions.models import Region

    village = Region.objects.get(code="140405102201")
    for seq in range(30, 40):  # ten more key-group households
        home = household_create(
            acting_user=tl_county, region=village, head_name=f"丙{seq}", head_id_number=make_id(seq)
        )
        status_add(acting_user=covered_home["civil"], household=home, group="tekun", certified_on=case.opened_on)
    for key in LEDGERS:
        drawn = ledger_drawn(user=tl_county, key=key, year=case.year)
        # region names, the rows, and one query per chunk for statuses/measures/findings
        with django_assert_max_num_queries(3):
            rows = list(drawn.ledger.rows(drawn.scope))
        if key == "key_groups":
            assert len(rows) == 11
