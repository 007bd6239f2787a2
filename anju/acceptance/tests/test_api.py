"""The acceptance API: an officer records through the same service as the page; bad input is a
400 with the Chinese message, another region's case a 404, and a refused request writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anju.acceptance.models import Acceptance, Rectification
from anju.acceptance.tests.conftest import ago, all_pass
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db

LIST = reverse("api:acceptance-list")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(case: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "case": case.pk,
        "on": ago(10).isoformat(),
        "results": all_pass(case),
        "post_grade": "B",
        "household_agrees": True,
        "builder_name": "李师傅",
        "officer_names": "张三、李四",
        "version": case.version,
    } | overrides


def test_it_records_a_passing_acceptance(completed: RenovationCase, officers: Officers) -> None:
    response = client_for(officers["county"]).post(LIST, body(completed), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["passed"] is True and data["result_label"] == "验收通过" and data["attempt"] == 1
    assert data["rectification"] is None and data["results"]["walls"] == "pass"
    completed.refresh_from_db()
    assert completed.stage == Stage.ACCEPTED
    listed = client_for(officers["clerk"]).get(LIST, {"case": completed.pk}).json()
    assert [a["id"] for a in listed["results"]] == [data["id"]]


def test_a_failure_opens_a_rectification_completed_through_the_api(
    completed: RenovationCase, officers: Officers
) -> None:
    client = client_for(officers["township"])
    response = client.post(
        LIST,
        body(
            completed,
            results=all_pass(completed, foundation="fail"),
            rectification_due=ago(-20).isoformat(),
            rectification_requirements="地基加固",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    rectification_id = response.json()["rectification"]
    open_list = client.get(reverse("api:rectification-list"), {"status": "open"}).json()
    assert [r["id"] for r in open_list["results"]] == [rectification_id]
    completed.refresh_from_db()
    done = client.post(
        reverse("api:rectification-complete", args=[rectification_id]),
        {"on": ago(2).isoformat(), "note": "地基已加固", "version": completed.version},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status_label"] == "已完成"
    completed.refresh_from_db()
    assert completed.stage == Stage.COMPLETED


def test_a_required_item_not_applicable_is_a_400_in_chinese_and_nothing_is_written(
    completed: RenovationCase, officers: Officers
) -> None:
    response = client_for(officers["township"]).post(
        LIST, body(completed, results=all_pass(completed, walls="na")), format="json"
    )
    assert response.status_code == 400
    assert response.json()["results"] == ["必须验收的项目不能选“○ 不涉及”：墙体。"]
    assert not Acceptance.objects.exists()


def test_a_clerk_gets_a_403(completed: RenovationCase, officers: Officers) -> None:
    response = client_for(officers["clerk"]).post(LIST, body(completed), format="json")
    assert response.status_code == 403 and "须由" in response.json()["detail"]
    assert not Acceptance.objects.exists()


def test_another_region_gets_404(completed: RenovationCase, officers: Officers, make_user: Callable[..., User]) -> None:
    other = client_for(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    response = other.post(LIST, body(completed), format="json")
    assert response.status_code == 404 and "不在您的管辖范围内" in response.json()["detail"]
    client_for(officers["township"]).post(
        LIST,
        body(
            completed,
            results=all_pass(completed, walls="fail"),
            rectification_due=ago(-20).isoformat(),
            rectification_requirements="重砌",
        ),
        format="json",
    )
    acceptance = Acceptance.objects.get()
    rectification = Rectification.objects.get()
    assert other.get(reverse("api:acceptance-detail", args=[acceptance.pk])).status_code == 404
    assert other.get(reverse("api:rectification-detail", args=[rectification.pk])).status_code == 404
    complete = reverse("api:rectification-complete", args=[rectification.pk])
    assert other.post(complete, {"note": "x"}, format="json").status_code == 404
    assert other.get(LIST).json()["count"] == 0
