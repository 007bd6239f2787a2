"""Progress against the tasks, counted from the cases; each user sees only their own part."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.regions.models import Region
from anju.tasks import selectors, services
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(
    case: RenovationCase,
    officers: Officers,
    make_case: Callable[..., RenovationCase],
    issue: Callable[..., Task],
    tl_county: User,
    regions: dict[str, Region],
) -> Task:
    """屯留区: 10 annual + 2 dynamic; 渔泽镇 allocated 6 annual. Cases: 甲 (渔泽镇) completed,
    乙 (余吾镇) under way, 丙 (余吾镇) filed, 丁 (余吾镇) ended (not counted)."""
    walk(case, officers, Stage.COMPLETED)
    make_case("140405103200", Stage.UNDER_WAY, name="乙")
    make_case("140405103200", Stage.FILED, name="丙")
    ended = make_case("140405103200", Stage.FILED, name="丁")
    case_services.case_end(acting_user=tl_county, case=ended, on=ago(30), reason="relatives", note="投靠子女")
    annual = issue(10)
    issue(2, kind="dynamic")
    services.task_allocate(acting_user=tl_county, task=annual, township=regions["140405102000"], count=6)
    return annual


def test_the_county_row_counts_its_cases_against_annual_plus_dynamic(progress: Task, tl_county: User) -> None:
    [row] = selectors.task_progress(tl_county, progress.year)
    assert (row.annual_count, row.dynamic_count, row.task_total) == (10, 2, 12)
    assert row.figures == {"filed": 3, "started": 2, "completed": 1, "accepted": 0, "closed": 0, "dynamic_new": 0}
    assert row.completion_rate == Decimal("8.3")
    assert (row.allocated_annual, row.allocated_dynamic) == (6, 0)
    assert row.allocation_badges == [("年度未分完 4 户", "secondary"), ("动态未分完 2 户", "secondary")]
    [yuze] = row.children
    assert yuze.region.name == "渔泽镇" and yuze.task_total == 6
    assert yuze.figures == {"filed": 1, "started": 1, "completed": 1, "accepted": 0, "closed": 0, "dynamic_new": 0}
    assert yuze.completion_rate == Decimal("16.7")


def test_accepted_and_closed_cases_count_too(progress: Task, case: RenovationCase, tl_county: User) -> None:
    case_services.case_accept_result(acting_user=tl_county, case=case, passed=True, on=ago(10), post_grade="A")
    [row] = selectors.task_progress(tl_county, progress.year)
    assert row.figures is not None and row.figures["accepted"] == 1


def test_other_years_and_programmes_are_not_counted(
    progress: Task, tl_county: User, issue: Callable[..., Task]
) -> None:
    issue(4, programme="seismic")
    rows = selectors.task_progress(tl_county, progress.year)
    seismic = next(r for r in rows if r.programme == "seismic")
    assert seismic.figures == {"filed": 0, "started": 0, "completed": 0, "accepted": 0, "closed": 0, "dynamic_new": 0}
    assert selectors.task_progress(tl_county, progress.year - 1) == []


def test_a_township_sees_its_allocation_and_the_county_task_but_no_one_elses_cases(
    progress: Task, tl_township: User, tl_county: User, regions: dict[str, Region]
) -> None:
    services.task_allocate(acting_user=tl_county, task=progress, township=regions["140405103000"], count=4)
    [row] = selectors.task_progress(tl_township, progress.year)
    assert row.region.name == "屯留区" and row.task_total == 12
    assert row.figures is None and row.allocated_annual is None  # the county's cases are not the township's to see
    assert [c.region.name for c in row.children] == ["渔泽镇"]
    assert row.children[0].figures == {
        "filed": 1,
        "started": 1,
        "completed": 1,
        "accepted": 0,
        "closed": 0,
        "dynamic_new": 0,
    }


def test_another_region_cannot_see_the_task(progress: Task, make_user: Callable[..., User]) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    assert selectors.task_progress(other, progress.year) == []
    assert not Task.objects.visible_to(other).exists()
    chongqing = make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER)
    assert not Task.objects.visible_to(chongqing).exists()


def test_the_province_sees_every_county_with_its_progress(progress: Task, province: User) -> None:
    [row] = selectors.task_progress(province, progress.year)
    assert row.figures is not None and row.figures["filed"] == 3 and row.allocated_annual == 6
