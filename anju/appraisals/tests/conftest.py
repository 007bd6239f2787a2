import datetime
from collections.abc import Callable
from typing import Any, TypedDict

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.households.models import House, Household
from anju.households.services import house_create, household_create, status_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region

BRICK_WOOD_ALL_A = {
    "foundation": "a",
    "walls": "a",
    "timber_members": "a",
    "timber_truss": "a",
    "floor_roof": "a",
    "enclosure": "a",
}


class DibaoHome(TypedDict):
    """dibao_home (and covered_home, the same after its appraisal)."""

    household: Household
    house: House
    civil: User


@pytest.fixture
def appraiser(make_user: Callable[..., User]) -> User:
    return make_user("tl_appraiser", "140405000000", Role.APPRAISER)


@pytest.fixture
def dibao_home(tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]) -> DibaoHome:
    """北渔泽村: 甲, a 低保 household with its only house (砖木, one storey, 7 度)."""
    civil = make_user("civil", "140405000000", Role.CIVIL_AFFAIRS)
    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="甲", head_id_number=make_id(11)
    )
    status_add(acting_user=civil, household=household, group="dibao", certified_on=datetime.date(2023, 1, 1))
    house = house_create(
        acting_user=tl_clerk, household=household, structure="brick_wood", build_year=1985, seismic_intensity=7
    )
    return {"household": household, "house": house, "civil": civil}


def appraisal_kwargs(**overrides: Any) -> dict[str, Any]:
    return {
        "component_grades": dict(BRICK_WOOD_ALL_A),
        "appraised_on": datetime.date(2026, 5, 10),
        "prevention_level": "full",
        "damage_cause": "ageing",
        "appraiser_name": "王工",
        "appraiser_org": "屯留区建筑设计院",
        "certificate_no": "JD-2024-0137",
    } | overrides
