"""The tasks API: issue and allocate through the services; the list carries progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db

LIST = reverse("api:task-list")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_province_issues_and_the_county_allocates(province: User, tl_county: User) -> None:
    issued = client_for(province).post(
        LIST,
        {"region": "140405000000", "year": 2026, "programme": "renovation", "kind": "annual", "count": 5},
        format="json",
    )
    assert issued.status_code == 201, issued.json()
    task = issued.json()
    assert (task["count"], task["allocated"], task["allocation_gap"]) == (5, 0, -5)
    allocated = client_for(tl_county).post(
        LIST, {"parent": task["id"], "region": "140405102000", "count": 7}, format="json"
    )
    assert allocated.status_code == 201, allocated.json()
    listed = client_for(tl_county).get(LIST, {"year": 2026}).json()
    county = next(t for t in listed["results"] if t["region_code"] == "140405000000")
    assert (county["allocated"], county["allocation_gap"]) == (7, 2)
    assert county["progress"]["task_total"] == 5 and county["progress"]["filed"] == 0


def test_refusals_are_400_403_and_404(province: User, tl_county: User, make_user: Callable[..., User]) -> None:
    body = {"region": "140405000000", "year": 2026, "programme": "renovation", "kind": "annual", "count": -1}
    response = client_for(province).post(LIST, body, format="json")
    assert response.status_code == 400 and response.json()["count"] == ["任务户数不能为负数。"]
    assert client_for(tl_county).post(LIST, body | {"count": 3}, format="json").status_code == 403
    chongqing = client_for(make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER))
    assert chongqing.post(LIST, body | {"count": 3}, format="json").status_code == 404
    task = client_for(province).post(LIST, body | {"count": 3}, format="json").json()
    other = client_for(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    assert (
        other.post(LIST, {"parent": task["id"], "region": "500243202000", "count": 1}, format="json").status_code == 404
    )
    assert other.get(LIST, {"year": 2026}).json()["count"] == 0
    assert Task.objects.count() == 1
