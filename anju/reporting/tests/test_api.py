"""The reporting API: the same services and refusals as the pages."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.reporting import services

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_prepares_submits_and_signs_off_through_the_api(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User
) -> None:
    created = api(tl_clerk).post(
        "/api/submissions/prepare/",
        {"kind": "monthly_list", "year": TODAY.year, "month": TODAY.month},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["snapshot"]["rows"][0]["head_name"] == "甲"
    assert api(tl_clerk).post(f"/api/submissions/{pk}/submit/").json()["status"] == "submitted"
    refused = api(tl_township).post(f"/api/submissions/{pk}/return/", {}, format="json")
    assert refused.status_code == 400
    signed = api(tl_township).post(f"/api/submissions/{pk}/sign-off/")
    assert signed.json()["status"] == "signed_off"
    again = api(tl_clerk).post(f"/api/submissions/{pk}/submit/")
    assert again.status_code == 400 and "不能再次报送" in again.json()["non_field_errors"][0]
    reopened = api(tl_township).post(f"/api/submissions/{pk}/reopen/", {"reason": "补报"}, format="json")
    assert reopened.json()["status"] == "draft"
    assert [e["kind"] for e in reopened.json()["events"]] == ["prepare", "submit", "sign_off", "reopen"]


def test_it_lists_filters_and_hides_other_counties(
    covered_home: DibaoHome, tl_clerk: User, cq_county: User, tl_county: User
) -> None:
    pk = (
        api(tl_clerk)
        .post(
            "/api/submissions/prepare/",
            {"kind": "monthly_list", "year": TODAY.year, "month": TODAY.month},
            format="json",
        )
        .json()["id"]
    )
    assert [s["id"] for s in api(tl_county).get("/api/submissions/", {"kind": "monthly_list"}).json()["results"]] == [
        pk
    ]
    assert api(tl_county).get("/api/submissions/", {"kind": "progress"}).json()["results"] == []
    assert api(cq_county).get(f"/api/submissions/{pk}/").status_code == 404
    assert api(cq_county).post(f"/api/submissions/{pk}/sign-off/").status_code == 404
    denied = api(tl_county).post(f"/api/submissions/{pk}/submit/")
    assert denied.status_code == 403


def test_it_reads_timeliness_and_calendars(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, cq_county: User
) -> None:
    assert tl_clerk.region is not None
    services.submission_submit(
        acting_user=tl_clerk,
        submission=services.submission_prepare(
            acting_user=tl_clerk, kind="monthly_list", year=TODAY.year, month=TODAY.month, region=tl_clerk.region
        ),
    )
    board = api(tl_township).get("/api/timeliness/", {"year": TODAY.year, "month": TODAY.month}).json()
    assert board["region_code"] == "140405102000"
    assert [c["region_code"] for c in board["cells"]] == ["140405102201", "140405102202"]
    assert board["cells"][0]["status"] == "submitted"
    assert api(cq_county).get("/api/timeliness/", {"region": "140405102000"}).status_code == 404
    calendars = api(tl_township).get("/api/reporting-calendars/").json()["results"]
    assert calendars[0]["version_label"] == "全国-v1"
    detail = api(tl_township).get(f"/api/reporting-calendars/{calendars[0]['id']}/").json()
    assert detail["content"]["reports"]["progress"]["due_day"]["city"] == 20
