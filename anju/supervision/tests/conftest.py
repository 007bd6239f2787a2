"""Fixtures for supervision: the case fixtures of ``anju.cases`` (a covered household in 北渔泽村
with its case), a 屯留区 visit to 渔泽镇 with two findings, and an issued order."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.tests.conftest import case, covered_home, officers, tl_head  # noqa: F401
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region
from anju.supervision import services
from anju.supervision.models import Finding, RectificationOrder, SupervisionVisit

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def ps_county(make_user: Callable[..., User]) -> User:
    return make_user("ps_county", "500243000000", Role.COUNTY_OFFICER)


@pytest.fixture
def ps_luming(make_user: Callable[..., User]) -> User:
    return make_user("ps_luming", "500243202000", Role.TOWNSHIP_OFFICER)


@pytest.fixture
def cz_city(make_user: Callable[..., User]) -> User:
    return make_user("cz_city", "140400000000", Role.CITY_OFFICER)


@pytest.fixture
def visit(tl_county: User, regions: dict[str, Region]) -> SupervisionVisit:
    return services.visit_record(
        acting_user=tl_county,
        region=regions["140405102000"],
        visited_on=days(-3),
        topic="quality",
        inspectors="张卫东、李强",
        summary="抽查 3 户在建危房",
    )


@pytest.fixture
def findings(tl_county: User, visit: SupervisionVisit) -> list[Finding]:
    return [
        services.finding_add(
            acting_user=tl_county,
            visit=visit,
            category="quality",
            description="圈梁未按图纸设置",
            photos=[jpeg("a.jpg")],
        ),
        services.finding_add(acting_user=tl_county, visit=visit, category="archives", description="公示照片缺失"),
    ]


@pytest.fixture
def order(tl_county: User, findings: list[Finding]) -> RectificationOrder:
    return services.order_issue(
        acting_user=tl_county, findings=findings, requirements="按图纸补设圈梁；补齐公示照片。", due_on=days(14)
    )
