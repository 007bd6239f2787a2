"""The one table of who may act on a 一般户 route (ADR 0034), walked: every state × role, and a
user of another county, answer as the table says — the page offers exactly these acts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.dynamic.acts import act_refusal, available_acts
from anju.dynamic.choices import DutyAct, RouteStage
from anju.dynamic.services import route_open
from anju.households.services import house_create, household_create
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

# (state, role) -> the acts open to that role in that state
OPEN: dict[tuple[str, str], set[str]] = {
    (RouteStage.OPEN, Role.VILLAGE_CLERK): {DutyAct.REMIND, DutyAct.COMPLETE},
    (RouteStage.OPEN, Role.VILLAGE_HEAD): {DutyAct.REMIND},
    (RouteStage.OPEN, Role.TOWNSHIP_OFFICER): {DutyAct.REMIND, DutyAct.COMPLETE},
    (RouteStage.OPEN, Role.COUNTY_OFFICER): {DutyAct.REMIND, DutyAct.COMPLETE},
    (RouteStage.DONE, Role.TOWNSHIP_OFFICER): {DutyAct.CLOSE},
    (RouteStage.DONE, Role.COUNTY_OFFICER): {DutyAct.CLOSE},
}


def test_every_state_and_role_is_offered_exactly_what_the_table_allows(
    make_user: Callable[..., User], regions: dict[str, Region], tl_clerk: User
) -> None:
    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="戊", head_id_number=make_id(61)
    )
    house_create(acting_user=tl_clerk, household=household, structure="brick_wood")
    route = route_open(acting_user=tl_clerk, household=household, kind="self_repair", option="repair")
    people = {
        Role.VILLAGE_CLERK: tl_clerk,
        Role.VILLAGE_HEAD: make_user("head", "140405102201", Role.VILLAGE_HEAD),
        Role.TOWNSHIP_OFFICER: make_user("township", "140405102000", Role.TOWNSHIP_OFFICER),
        Role.COUNTY_OFFICER: make_user("county", "140405000000", Role.COUNTY_OFFICER),
        Role.CIVIL_AFFAIRS: make_user("civil", "140405000000", Role.CIVIL_AFFAIRS),
        Role.APPRAISER: make_user("appraiser", "140405000000", Role.APPRAISER),
    }
    outsider = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    for stage in RouteStage.values:
        route.stage = stage
        for role, user in people.items():
            offered = {a.kind for a in available_acts(route, user) if a.allowed}
            assert offered == OPEN.get((stage, role), set()), (stage, role)
        assert act_refusal(route, outsider, DutyAct.REMIND) == "该农户不在您的管辖范围内。"
    route.stage = RouteStage.OPEN
    assert act_refusal(route, people[Role.TOWNSHIP_OFFICER], DutyAct.CLOSE) == "尚未登记完成，不能核验销号。"
    assert act_refusal(None, people[Role.VILLAGE_CLERK], DutyAct.REGISTER) == (
        "只有乡镇建环办或区/县住建局才能登记突发严重困难户。"
    )
