"""Fixtures for reporting: the cases app's covered household and officers, a second village's
clerk, and helpers that build eligible households through the appraisal services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs, appraiser, dibao_home  # noqa: F401
from anju.cases.tests.conftest import D_GRADES, case, covered_home, officers, tl_head  # noqa: F401
from anju.households.models import House
from anju.households.services import house_create, household_create, status_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.confirm import ConfirmationNeeded
from anju.reporting.models import Submission

C_GRADES = {
    "foundation": "c",
    "walls": "c",
    "timber_members": "b",
    "timber_truss": "b",
    "floor_roof": "b",
    "enclosure": "b",
}
A_GRADES = dict.fromkeys(D_GRADES, "a")


@pytest.fixture
def south_clerk(make_user: Callable[..., User]) -> User:
    return make_user("south_clerk", "140405102202", Role.VILLAGE_CLERK)


@pytest.fixture
def cq_county(make_user: Callable[..., User]) -> User:
    return make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)


@pytest.fixture
def province(make_user: Callable[..., User]) -> User:
    return make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)


def appraise(
    by: User, house: House, grades: dict[str, str], on: datetime.date, capture: DjangoCaptureOnCommitCallbacks
) -> None:
    with capture(execute=True):
        appraisal_record(
            acting_user=by,
            house=house,
            **appraisal_kwargs(component_grades=grades, appraised_on=on, damage_cause="ageing"),
        )


@pytest.fixture
def add_home(
    covered_home: DibaoHome,  # noqa: F811
    tl_township: User,
    regions: dict[str, Region],
    appraiser: User,  # noqa: F811
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[..., House]:
    """add_home(name, seq, village_code) -> the house of a new 低保 household appraised D (next
    to covered_home's 甲)."""
    civil = covered_home["civil"]

    def add(name: str, seq: int, village: str = "140405102201", grades: dict[str, str] | None = None) -> House:
        household = household_create(
            acting_user=tl_township, region=regions[village], head_name=name, head_id_number=make_id(seq)
        )
        status_add(acting_user=civil, household=household, group="dibao", certified_on=datetime.date(2023, 1, 1))
        house = house_create(
            acting_user=tl_township, household=household, structure="brick_wood", build_year=1985, seismic_intensity=7
        )
        appraise(
            appraiser,
            house,
            grades or D_GRADES,
            datetime.date.today() - datetime.timedelta(days=30),
            django_capture_on_commit_callbacks,
        )
        return house

    return add


def submit_confirming(**kwargs: Any) -> Submission:
    """Submit as an officer who reads the warning page and confirms it (unreported lower
    regions, a resubmitted list's changes): the second call carries the warnings' token."""
    try:
        return services.submission_submit(**kwargs)
    except ConfirmationNeeded as exc:
        return services.submission_submit(**kwargs, confirm=exc.warnings.token)
