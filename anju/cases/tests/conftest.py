"""Fixtures for renovation cases: a 低保 household whose only house is appraised D (so the rules
cover it), the officers who act on its case, and ``walk`` which drives a case through the
stages with dates in the past, so the notice periods have run."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TypedDict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs, appraiser, dibao_home  # noqa: F401
from anju.cases import services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.inspections.tests.images import jpeg

D_GRADES = {
    "foundation": "d",
    "walls": "d",
    "timber_members": "c",
    "timber_truss": "c",
    "floor_roof": "c",
    "enclosure": "b",
}
TODAY = datetime.date.today()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def photo(name: str = "site.jpg") -> SimpleUploadedFile:
    return jpeg(name)


class Officers(TypedDict):
    """The officers who act on the case, by the part they play in ``walk``."""

    clerk: User
    head: User
    township: User
    county: User


@pytest.fixture
def tl_head(make_user: Callable[..., User]) -> User:
    return make_user("tl_head", "140405102201", Role.VILLAGE_HEAD)


@pytest.fixture
def officers(tl_clerk: User, tl_head: User, tl_township: User, tl_county: User) -> Officers:
    return {"clerk": tl_clerk, "head": tl_head, "township": tl_township, "county": tl_county}


@pytest.fixture
def covered_home(
    appraiser: User,  # noqa: F811
    dibao_home: DibaoHome,  # noqa: F811
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> DibaoHome:
    """dibao_home with its house appraised D: the current decision is 纳入农村危房改造."""
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(component_grades=D_GRADES, appraised_on=ago(90), damage_cause="ageing"),
        )
    return dibao_home


@pytest.fixture
def case(covered_home: DibaoHome, officers: Officers) -> RenovationCase:
    """The household's case, just opened (发现) 60 days ago."""
    return services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))


def walk(case: RenovationCase, officers: Officers, to: str) -> RenovationCase:
    """Drive ``case`` forward to stage ``to`` (up to 已竣工待验收), each act by its officer."""
    acts: list[tuple[str, Callable[[], object]]] = [
        (Stage.APPLIED, lambda: services.case_apply(acting_user=officers["clerk"], case=case, on=ago(59))),
        (
            Stage.VILLAGE_REVIEWED,
            lambda: services.case_village_review(
                acting_user=officers["head"], case=case, on=ago(58), note="到会 23 人，同意 23 人"
            ),
        ),
        (
            Stage.TOWNSHIP_REVIEWED,
            lambda: services.case_township_review(
                acting_user=officers["township"], case=case, on=ago(50), note="符合条件"
            ),
        ),
        (
            Stage.APPROVED,
            lambda: services.case_approve(acting_user=officers["county"], case=case, on=ago(43), note="同意"),
        ),
        (Stage.FILED, lambda: services.case_file(acting_user=officers["county"], case=case, on=ago(37))),
        (
            Stage.AGREEMENT_SIGNED,
            lambda: services.case_sign_agreement(
                acting_user=officers["township"],
                case=case,
                on=ago(36),
                method=case.method,
                construction_mode="self",
                builder_name="李师傅",
                builder_cert_no="GJ-2023-011",
                planned_area=Decimal("45"),
                energy_tags=["walls"],
            ),
        ),
        (Stage.UNDER_WAY, lambda: services.case_start(acting_user=officers["township"], case=case, on=ago(35))),
        (
            Stage.COMPLETED,
            lambda: (
                services.patrol_record(
                    acting_user=officers["township"], case=case, on=ago(30), findings="圈梁已浇筑", photos=[photo()]
                ),
                services.case_complete(
                    acting_user=officers["township"], case=case, on=ago(20), built_area=Decimal("46.5")
                ),
            ),
        ),
    ]
    order: list[str] = [Stage.FOUND, *(stage for stage, _ in acts)]
    for stage, act in acts:
        if case.stage == to:
            break
        if order.index(stage) <= order.index(case.stage):
            continue  # already past this act (a second walk continues from where the case is)
        act()
        case.refresh_from_db()
        assert case.stage == stage
    assert case.stage == to, f"walk stopped at {case.stage}"
    return case
