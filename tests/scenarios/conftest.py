"""Fixtures for scenarios that cross apps: the households of 北渔泽村, the officers of 屯留区, and
``close_case`` which takes a case through acceptance, the archive, the payment and the joint
review to 销号 — every act through its service, as the officers would."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.acceptance.services import acceptance_record
from anju.acceptance.tests.conftest import record_kwargs
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import appraisal_kwargs, appraiser, dibao_home  # noqa: F401
from anju.archives.services import archive_review
from anju.archives.tests.conftest import fill
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import D_GRADES, Officers, ago, case, covered_home, officers, tl_head, walk  # noqa: F401
from anju.households.models import House, Household
from anju.subsidies.services import payment_record

__all__ = ["D_GRADES", "OnCommit", "ago", "appraisal_kwargs", "close_case", "walk"]

# The on_commit fixture: ``with on_commit():`` runs what the block leaves for after the commit.
OnCommit = Callable[[], AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def rural(make_user: Callable[..., User]) -> User:
    return make_user("tl_rural", "140405000000", Role.RURAL_REVITALIZATION)


@pytest.fixture
def on_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> OnCommit:
    """Run what the services leave for after the commit (eligibility, dashboard) as it happens."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def close_case(target: RenovationCase, crew: Officers, civil: User, rural: User, post_grade: str = "A") -> None:
    """From wherever the case is to 销号: works, acceptance (post-works grade), every archive
    document, the subsidy to the 一卡通, the joint review, 销号 five days ago."""
    walk(target, crew, Stage.COMPLETED)
    target.refresh_from_db()
    acceptance_record(acting_user=crew["township"], **record_kwargs(target, post_grade=post_grade))
    target.refresh_from_db()
    fill(target, crew["township"])
    Household.objects.filter(pk=target.household_id).update(bank_account="6228480012345678901")
    payment_record(
        acting_user=crew["county"],
        case=target,
        amount=target.subsidy_amount or Decimal("0"),
        paid_on=ago(8),
        payee_kind="household",
        voucher_no=f"BZ-{target.pk}",
    )
    for who, role in ((civil, "civil_affairs"), (rural, "rural_revitalization")):
        archive_review(acting_user=who, case=target, agreed=True, opinion="材料齐全，同意", on=ago(6), role=role)
    target.refresh_from_db()
    case_services.case_close(acting_user=crew["county"], case=target, on=ago(5), note="四到位，销号")
    target.refresh_from_db()


def appraise(appraiser: User, house: House, on: datetime.date, **overrides: Any) -> None:  # noqa: F811
    appraisal_record(
        acting_user=appraiser,
        house=house,
        **appraisal_kwargs(component_grades=D_GRADES, appraised_on=on, damage_cause="ageing") | overrides,
    )
