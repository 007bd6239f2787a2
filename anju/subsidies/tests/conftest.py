"""Fixtures for payments: the renovation case fixtures, plus a factory for more cases in other
villages (walked by a county staff member who holds the village and township roles)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs, appraiser, dibao_home  # noqa: F401
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import (  # noqa: F401
    D_GRADES,
    Officers,
    ago,
    case,
    covered_home,
    officers,
    photo,
    tl_head,
    walk,
)
from anju.households.models import Household
from anju.households.services import house_create, household_create, status_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region

ACCOUNT = "6228480012345678901"


def give_account(a_case: RenovationCase, account: str = ACCOUNT) -> RenovationCase:
    """Put a 一卡通 account on the case's household (the fixture household has none)."""
    Household.objects.filter(pk=a_case.household_id).update(bank_account=account)
    a_case.household.refresh_from_db()
    return a_case


def accept(
    a_case: RenovationCase, crew: Officers, passed: bool = True, on: datetime.date | None = None
) -> RenovationCase:
    """Take the case to 已竣工待验收 (from 发现 with ``walk``, or finishing the works from 改造中)
    and record the acceptance result."""
    if a_case.stage == Stage.UNDER_WAY:
        case_services.patrol_record(
            acting_user=crew["township"], case=a_case, on=ago(30), findings="圈梁已浇筑", photos=[photo()]
        )
        case_services.case_complete(acting_user=crew["township"], case=a_case, on=ago(20), built_area=Decimal("46.5"))
        a_case.refresh_from_db()
    else:
        walk(a_case, crew, Stage.COMPLETED)
    case_services.case_accept_result(
        acting_user=crew["county"], case=a_case, passed=passed, on=on or ago(15), post_grade="A" if passed else ""
    )
    a_case.refresh_from_db()
    return a_case


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    """A 屯留区 staff member holding the village and township roles for the whole county."""
    return make_user("tl_staff", "140405000000", Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER)


@pytest.fixture
def make_case(
    staff: User,
    tl_county: User,
    appraiser: User,  # noqa: F811
    covered_home: DibaoHome,  # noqa: F811
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[..., RenovationCase]:
    """Another covered household's case in ``village`` (opened 60 days ago), walked to ``to``."""
    crew: Officers = {"clerk": staff, "head": staff, "township": staff, "county": tl_county}
    seq = iter(range(20, 99))

    def make(village: str, to: str = Stage.FOUND, name: str = "乙") -> RenovationCase:
        household = household_create(
            acting_user=staff,
            region=regions[village],
            head_name=name,
            head_id_number=make_id(next(seq)),
            bank_account=ACCOUNT,
        )
        status_add(
            acting_user=covered_home["civil"],
            household=household,
            group="dibao",
            certified_on=datetime.date(2023, 1, 1),
        )
        house = house_create(
            acting_user=staff, household=household, structure="brick_wood", build_year=1980, seismic_intensity=7
        )
        with django_capture_on_commit_callbacks(execute=True):
            appraisal_record(
                acting_user=appraiser,
                house=house,
                **appraisal_kwargs(component_grades=D_GRADES, appraised_on=ago(90), damage_cause="ageing"),
            )
        new = case_services.case_open(acting_user=staff, household=household, on=ago(60))
        if to in (Stage.ACCEPTED, Stage.RECTIFYING):
            return accept(new, crew, passed=to == Stage.ACCEPTED)
        return walk(new, crew, to)

    return make
