import datetime

import pytest

from anju.accounts.models import User
from anju.households.idcard import check_digit
from anju.households.models import Household
from anju.households.services import household_create
from anju.regions.models import Region


def make_id(seq: int, birth: str = "19560312", prefix: str = "140405") -> str:
    first17 = f"{prefix}{birth}{seq:03d}"
    return first17 + check_digit(first17)


@pytest.fixture
def household(tl_clerk: User, regions: dict[str, Region]) -> Household:
    return household_create(
        acting_user=tl_clerk,
        region=regions["140405102201"],
        head_name="牛二旦",
        head_id_number=make_id(1),
        phone="13812345678",
        group_name="三组",
        bank_account="6217000011112222",
    )


@pytest.fixture
def today() -> datetime.date:
    return datetime.date.today()
