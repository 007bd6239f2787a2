"""The task pages as the province, the county and a township see them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.regions.models import Region
from anju.tasks import services
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_the_province_issues_from_the_form_and_sees_the_county_in_the_list(client: Client, province: User) -> None:
    client.force_login(province)
    page = client.get(reverse("tasks:issue")).content.decode()
    assert "屯留区" in page and "彭水" not in page
    data = {"county": "140405000000", "year": "2026", "programme": "renovation", "kind": "annual", "count": "10"}
    body = client.post(reverse("tasks:issue"), data, follow=True).content.decode()
    assert "已下达：2026 年农村危房改造年度任务 · 屯留区 10 户。" in body
    body = client.post(reverse("tasks:issue"), data | {"count": "12"}, follow=True).content.decode()
    assert "屯留区 12 户（原 10 户）" in body
    listing = client.get(reverse("tasks:task_list"), {"year": 2026}).content.decode()
    assert "?county=140405000000&year=2026" in listing


def test_a_negative_count_is_shown_on_the_issue_form(client: Client, province: User) -> None:
    client.force_login(province)
    data = {"county": "140405000000", "year": "2026", "programme": "renovation", "kind": "annual", "count": "-3"}
    response = client.post(reverse("tasks:issue"), data)
    assert response.status_code == 200 and "任务户数不能为负数。" in response.content.decode()
    assert not Task.objects.exists()


def test_the_county_allocates_on_one_form_and_sees_the_over_allocation(
    client: Client, issue: Callable[..., Task], tl_county: User
) -> None:
    task = issue(5)
    client.force_login(tl_county)
    url = reverse("tasks:allocate", args=[task.pk])
    page = client.get(url).content.decode()
    assert "渔泽镇" in page and "余吾镇" in page
    body = client.post(url, {"t_140405102000": "4", "t_140405103000": "3"}, follow=True).content.decode()
    assert "已分解：各乡镇合计 7 户，县级任务 5 户，超出 2 户。" in body
    assert "年度超分 2 户" in body
    error = client.post(url, {"t_140405102000": "-1"}).content.decode()
    assert "任务户数不能为负数。" in error
    assert Task.objects.get(region__code="140405102000").count == 4


def test_a_township_sees_its_allocation_but_cannot_issue_or_allocate(
    client: Client, issue: Callable[..., Task], tl_county: User, tl_township: User, regions: dict[str, Region]
) -> None:
    task = issue(5)
    services.task_allocate(acting_user=tl_county, task=task, township=regions["140405102000"], count=3)
    services.task_allocate(acting_user=tl_county, task=task, township=regions["140405103000"], count=2)
    client.force_login(tl_township)
    page = client.get(reverse("tasks:task_list"), {"year": task.year}).content.decode()
    assert "渔泽镇" in page and "余吾镇" not in page
    assert client.get(reverse("tasks:issue")).status_code == 403
    assert client.get(reverse("tasks:allocate", args=[task.pk])).status_code == 403


def test_another_county_gets_not_found(
    client: Client, issue: Callable[..., Task], make_user: Callable[..., User]
) -> None:
    task = issue(5)
    client.force_login(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    assert client.get(reverse("tasks:allocate", args=[task.pk])).status_code == 404
    assert "屯留区" not in client.get(reverse("tasks:task_list"), {"year": task.year}).content.decode()
    assert client.get(reverse("tasks:task_list"), {"county": "140405000000"}).status_code == 404


def test_the_list_does_not_query_per_row(
    client: Client,
    issue: Callable[..., Task],
    tl_county: User,
    regions: dict[str, Region],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    task = issue(5)
    issue(2, kind="dynamic")
    services.task_allocate_many(acting_user=tl_county, task=task, counts={"140405102000": 3, "140405103000": 2})
    client.force_login(tl_county)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("tasks:task_list"), {"year": task.year}).content.decode()
    assert "年度已分完" in page and "动态未分完 2 户" in page
