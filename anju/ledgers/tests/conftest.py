"""Fixtures for the ledgers: the renovation case fixtures, and a general household (no key
group) whose only house is appraised C, with a suspected-D inspection and a control measure."""

from __future__ import annotations

import datetime
from typing import TypedDict

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import appraisal_kwargs, appraiser, dibao_home  # noqa: F401
from anju.cases.tests.conftest import ago, case, covered_home, officers, tl_head  # noqa: F401
from anju.households.models import House, Household
from anju.households.services import house_create, household_create
from anju.inspections.services import inspection_record, measure_record
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region

C_GRADES = {
    "foundation": "b",
    "walls": "c",
    "timber_members": "c",
    "timber_truss": "b",
    "floor_roof": "b",
    "enclosure": "b",
}


class GeneralHome(TypedDict):
    household: Household
    house: House


@pytest.fixture
def general_home(
    tl_clerk: User,
    regions: dict[str, Region],
    appraiser: User,  # noqa: F811
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> GeneralHome:
    """北渔泽村 乙: a general household whose house was inspected as suspected D (occupied by
    two, one of them 72), warned off with a sign, then appraised C."""
    with django_capture_on_commit_callbacks(execute=True):
        household = household_create(
            acting_user=tl_clerk,
            region=regions["140405102201"],
            head_name="乙",
            head_id_number=make_id(12),
            group_name="二组",
        )
        house = house_create(
            acting_user=tl_clerk, household=household, structure="earth_wood", build_year=1978, seismic_intensity=7
        )
        inspection_record(
            acting_user=tl_clerk,
            house=house,
            suspected_grade="D",
            is_occupied=True,
            occupant_ages="72, 40",
            inspected_at=datetime.datetime(2026, 4, 2, 10, 0, tzinfo=datetime.UTC),
        )
        measure_record(
            acting_user=tl_clerk, house=house, kind="warning", taken_on=datetime.date(2026, 4, 3), responsible="村主任"
        )
        appraisal_record(
            acting_user=appraiser,
            house=house,
            **appraisal_kwargs(component_grades=C_GRADES, appraised_on=datetime.date(2026, 5, 10)),
        )
    house.refresh_from_db()
    return {"household": household, "house": house}
