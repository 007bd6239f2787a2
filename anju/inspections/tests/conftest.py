import datetime
from collections.abc import Callable
from typing import TypedDict

import pytest

from anju.accounts.models import User
from anju.households.idcard import check_digit
from anju.households.models import House, Household
from anju.households.services import house_create, household_create, status_add
from anju.inspections.models import Campaign
from anju.inspections.services import campaign_create
from anju.regions.models import Region

# 北渔泽村 sits about here; the demo and the tests put its houses around this point.
VILLAGE_POINT = (36.3201, 112.8905)


def make_id(seq: int, birth: str = "19560312", prefix: str = "140405") -> str:
    first17 = f"{prefix}{birth}{seq:03d}"
    return first17 + check_digit(first17)


class Homes(TypedDict):
    a: Household
    b: Household
    c: Household
    house_a: House
    house_c: House


@pytest.fixture
def civil(make_user: Callable[..., User]) -> User:
    return make_user("civil", "140405000000", "civil_affairs")


@pytest.fixture
def homes(tl_clerk: User, civil: User, regions: dict[str, Region]) -> Homes:
    """北渔泽村: 甲 (低保, registered house), 乙 (低保, no house yet), 丙 (general household, house)."""
    village = regions["140405102201"]
    a = household_create(acting_user=tl_clerk, region=village, head_name="甲", head_id_number=make_id(1))
    b = household_create(acting_user=tl_clerk, region=village, head_name="乙", head_id_number=make_id(2))
    c = household_create(acting_user=tl_clerk, region=village, head_name="丙", head_id_number=make_id(3))
    for h in (a, b):
        status_add(acting_user=civil, household=h, group="dibao", certified_on=datetime.date(2023, 1, 1))
    house_a = house_create(
        acting_user=tl_clerk,
        household=a,
        structure="earth_wood",
        latitude=VILLAGE_POINT[0],
        longitude=VILLAGE_POINT[1],
        occupants=2,
        elderly_occupants=1,
    )
    house_c = house_create(acting_user=tl_clerk, household=c, structure="brick_wood", occupants=3)
    for h in (a, b, c):
        h.refresh_from_db()
    return {"a": a, "b": b, "c": c, "house_a": house_a, "house_c": house_c}


@pytest.fixture
def campaign(tl_township: User, regions: dict[str, Region]) -> Campaign:
    return campaign_create(
        acting_user=tl_township,
        title="2026 年渔泽镇常规排查",
        year=2026,
        region=regions["140405102000"],
        starts_on=datetime.date(2026, 3, 1),
        deadline=datetime.date(2026, 6, 30),
    )
