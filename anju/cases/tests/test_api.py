"""The case API: open, act with the same refusals as the pages, patrols, another region 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, photo, walk

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_case_is_opened_and_moved_through_the_api(covered_home: DibaoHome, officers: Officers) -> None:
    household = covered_home["household"]
    response = api(officers["clerk"]).post("/api/cases/", {"household": household.pk, "on": ago(60)}, format="json")
    assert response.status_code == 201 and response.json()["stage"] == "found"
    case_id = response.json()["id"]
    response = api(officers["clerk"]).post(
        f"/api/cases/{case_id}/act/", {"kind": "apply", "on": ago(59), "note": "申请书 001"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "applied" and [s["kind"] for s in body["steps"]] == ["open", "apply"]


def test_a_refused_act_is_a_400_with_the_chinese_reason(case: RenovationCase, officers: Officers) -> None:
    response = api(officers["county"]).post(
        f"/api/cases/{case.pk}/act/", {"kind": "county_approve", "on": ago(1), "note": "同意"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["案件当前为「发现」，不能办理「县级审批并公示」。"]


def test_the_wrong_role_is_a_403(case: RenovationCase, officers: Officers) -> None:
    response = api(officers["clerk"]).post(
        f"/api/cases/{case.pk}/act/", {"kind": "end", "on": ago(1), "reason": "rent", "note": "租房"}, format="json"
    )
    assert response.status_code == 403


def test_a_patrol_is_posted_with_photos(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    response = api(officers["township"]).post(
        f"/api/cases/{case.pk}/patrols/",
        {"on": ago(30).isoformat(), "findings": "墙体砌筑合格", "photos": [photo()]},
        format="multipart",
    )
    assert response.status_code == 201 and len(response.json()["photos"]) == 1


def test_another_region_sees_nothing(case: RenovationCase, make_user: Callable[..., User]) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    assert api(other).get(f"/api/cases/{case.pk}/").status_code == 404
    assert api(other).get("/api/cases/").json()["count"] == 0
    assert RenovationCase.objects.count() == 1
