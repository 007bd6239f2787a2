"""Issuing and allocating tasks: who may, where, and what happens to a second issue or an
allocation larger than the county's task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.regions.models import Region
from anju.tasks import selectors, services
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_the_province_issues_a_countys_annual_task(issue: Callable[..., Task], province: User) -> None:
    task = issue(10)
    assert (task.region.name, task.count, task.kind, task.parent) == ("屯留区", 10, "annual", None)
    assert task.issued_by == province
    event = AuditEvent.objects.get(object_type="tasks.task", object_id=str(task.pk))
    assert event.changes == {"count": {"before": None, "after": 10}}


def test_issuing_again_changes_the_count_and_keeps_the_old_one_in_the_audit(issue: Callable[..., Task]) -> None:
    first = issue(10)
    second = issue(14)
    assert second.pk == first.pk and Task.objects.count() == 1
    assert Task.objects.get().count == 14
    event = AuditEvent.objects.filter(object_type="tasks.task", action="update").get()
    assert event.changes == {"count": {"before": 10, "after": 14}}
    assert issue(3, kind="dynamic").pk != first.pk  # 动态新增 is a task of its own


def test_only_a_province_or_city_officer_of_the_county_may_issue(
    tunliu: Region, regions: dict[str, Region], tl_county: User, make_user: Callable[..., User]
) -> None:
    kwargs: dict[str, Any] = {"county": tunliu, "year": 2026, "programme": "renovation", "kind": "annual", "count": 5}
    with pytest.raises(PermissionDenied, match="任务须由省住建厅（或市住建局）下达。"):
        services.task_issue(acting_user=tl_county, **kwargs)
    chongqing = make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER)
    with pytest.raises(PermissionDenied, match="该县（区）不在您的管辖范围内。"):
        services.task_issue(acting_user=chongqing, **kwargs)
    city = make_user("cz_city", "140400000000", Role.CITY_OFFICER)
    assert services.task_issue(acting_user=city, **kwargs).count == 5


def test_a_task_goes_to_a_county_and_counts_are_not_negative(province: User, regions: dict[str, Region]) -> None:
    kwargs: dict[str, Any] = {"year": 2026, "programme": "renovation", "kind": "annual"}
    with pytest.raises(ValidationError) as info:
        services.task_issue(acting_user=province, county=regions["140405102000"], count=5, **kwargs)
    assert info.value.message_dict["county"] == ["任务下达到县（区）；「渔泽镇」是乡镇/街道。"]
    with pytest.raises(ValidationError) as info:
        services.task_issue(acting_user=province, county=regions["140405000000"], count=-1, **kwargs)
    assert info.value.message_dict["count"] == ["任务户数不能为负数。"]
    assert not Task.objects.exists()


def test_the_county_allocates_its_task_to_its_townships(
    issue: Callable[..., Task], tl_county: User, regions: dict[str, Region]
) -> None:
    task = issue(10)
    allocation = services.task_allocate(acting_user=tl_county, task=task, township=regions["140405102000"], count=6)
    assert (allocation.parent, allocation.count, allocation.year, allocation.kind) == (task, 6, task.year, "annual")
    again = services.task_allocate(acting_user=tl_county, task=task, township=regions["140405102000"], count=7)
    assert again.pk == allocation.pk and again.count == 7


def test_allocation_is_refused_outside_the_county_and_to_the_wrong_role(
    issue: Callable[..., Task],
    tl_county: User,
    tl_township: User,
    regions: dict[str, Region],
    make_user: Callable[..., User],
) -> None:
    task = issue(10)
    for township, message in (
        (regions["500243202000"], "「鹿鸣乡」不是屯留区的乡镇（街道），不能分配。"),
        (regions["140405102201"], "「北渔泽村委会」不是屯留区的乡镇（街道），不能分配。"),
    ):
        with pytest.raises(ValidationError) as info:
            services.task_allocate(acting_user=tl_county, task=task, township=township, count=2)
        assert info.value.message_dict["township"] == [message]
    with pytest.raises(ValidationError) as info:
        services.task_allocate(acting_user=tl_county, task=task, township=regions["140405102000"], count=-2)
    assert info.value.message_dict["count"] == ["任务户数不能为负数。"]
    with pytest.raises(PermissionDenied, match="任务须由区/县住建局分解到乡镇。"):
        services.task_allocate(acting_user=tl_township, task=task, township=regions["140405102000"], count=2)
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    with pytest.raises(PermissionDenied, match="该任务不在您的管辖范围内。"):
        services.task_allocate(acting_user=other, task=task, township=regions["140405102000"], count=2)
    assert Task.objects.count() == 1


def test_allocating_more_than_the_county_task_is_saved_and_flagged(
    issue: Callable[..., Task], tl_county: User, regions: dict[str, Region]
) -> None:
    task = issue(5)
    services.task_allocate_many(acting_user=tl_county, task=task, counts={"140405102000": 4, "140405103000": 3})
    [row] = selectors.task_progress(tl_county, task.year)
    assert (row.allocated_annual, row.annual_gap, row.over_allocated) == (7, 2, True)
    assert row.allocation_badges == [("年度超分 2 户", "warning")]
    services.task_allocate_many(acting_user=tl_county, task=task, counts={"140405102000": 1, "140405103000": 2})
    [row] = selectors.task_progress(tl_county, task.year)
    assert row.allocation_badges == [("年度未分完 2 户", "secondary")]


def test_allocating_several_townships_saves_all_or_none(issue: Callable[..., Task], tl_county: User) -> None:
    task = issue(5)
    with pytest.raises(ValidationError) as info:
        services.task_allocate_many(acting_user=tl_county, task=task, counts={"140405102000": 4, "140405103000": -1})
    assert info.value.message_dict == {"140405103000": ["任务户数不能为负数。"]}
    assert Task.objects.count() == 1
