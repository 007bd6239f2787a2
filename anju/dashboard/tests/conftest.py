"""Fixtures: the case and payment fixtures of the cases and subsidies apps, and a small world of
households, houses, cases, a payment and a task across two townships and another county."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TypedDict

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head, walk  # noqa: F401
from anju.households.models import Household
from anju.households.services import house_create, household_create
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import give_account, make_case, staff  # noqa: F401
from anju.tasks.services import task_issue


class World(TypedDict):
    jia: RenovationCase
    yi: RenovationCase
    bing: RenovationCase
    ding: Household
    wu: Household
    year: int
    today: datetime.date


@pytest.fixture
def cq_county(make_user: Callable[..., User]) -> User:
    return make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)


@pytest.fixture
def world(
    case: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    make_case: Callable[..., RenovationCase],  # noqa: F811
    staff: User,  # noqa: F811
    regions: dict[str, Region],
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> World:
    """屯留区 渔泽镇: 甲 (低保, D) filed with 5,000 paid in 北渔泽村; 乙 (低保, D) under way in
    南渔泽村. 余吾镇: 丙 (低保, D) found; 丁, a general household whose house has no grade. 彭水县:
    戊, a general household. Coordinates on every house; a 2026-style task of 10 for 屯留区."""
    walk(case, officers, Stage.FILED)
    give_account(case)
    payment_record(
        acting_user=officers["county"],
        case=case,
        amount=Decimal("5000"),
        paid_on=ago(5),
        payee_kind="household",
        voucher_no="V1",
    )
    yi = make_case("140405102202", Stage.UNDER_WAY, name="乙")
    bing = make_case("140405103200", Stage.FOUND, name="丙")
    ding = household_create(
        acting_user=staff, region=regions["140405103200"], head_name="丁", head_id_number=make_id(70)
    )
    house_create(
        acting_user=staff, household=ding, structure="brick_concrete", latitude="36.3201", longitude="112.8901"
    )
    ps_clerk = make_user("ps_clerk", "500243202201", Role.VILLAGE_CLERK)
    wu = household_create(
        acting_user=ps_clerk, region=regions["500243202201"], head_name="戊", head_id_number=make_id(71)
    )
    house_create(acting_user=ps_clerk, household=wu, structure="wood", latitude="29.2901", longitude="108.1701")
    from anju.households.models import House

    # Coordinates for the appraised houses too (the map needs them); no service rule depends on them.
    House.objects.filter(household=case.household).update(latitude=Decimal("36.3001"), longitude=Decimal("112.8801"))
    House.objects.filter(household=yi.household).update(latitude=Decimal("36.3101"), longitude=Decimal("112.8851"))
    House.objects.filter(household=bing.household).update(latitude=Decimal("36.4001"), longitude=Decimal("112.9501"))
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    task_issue(
        acting_user=province,
        county=regions["140405000000"],
        year=case.year,
        programme="renovation",
        kind="annual",
        count=10,
    )
    case.refresh_from_db()
    return {
        "jia": case,
        "yi": yi,
        "bing": bing,
        "ding": ding,
        "wu": wu,
        "year": case.year,
        "today": datetime.date.today(),
    }
