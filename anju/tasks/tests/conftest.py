"""Fixtures for tasks: the case fixtures (and the subsidies app's factory for cases in other
villages) and the officers who issue and allocate."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.tests.conftest import case, covered_home, officers, tl_head  # noqa: F401
from anju.regions.models import Region
from anju.subsidies.tests.conftest import make_case, staff  # noqa: F401
from anju.tasks import services
from anju.tasks.models import Task


@pytest.fixture
def province(make_user: Callable[..., User]) -> User:
    return make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)


@pytest.fixture
def tunliu(regions: dict[str, Region]) -> Region:
    return regions["140405000000"]


@pytest.fixture
def issue(province: User, tunliu: Region) -> Callable[..., Task]:
    """Issue a 屯留区 task (this year's 危房改造 by default)."""

    def make(count: int = 10, kind: str = "annual", year: int | None = None, programme: str = "renovation") -> Task:
        from anju.cases.tests.conftest import ago

        return services.task_issue(
            acting_user=province,
            county=tunliu,
            year=year or ago(60).year,
            programme=programme,
            kind=kind,
            count=count,
        )

    return make
