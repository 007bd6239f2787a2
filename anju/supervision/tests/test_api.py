"""Supervision API: the same services as the pages; wrong role 403, another region 404, bad
input 400 with the Chinese message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.inspections.tests.images import jpeg
from anju.supervision.models import Finding, RectificationOrder, SupervisionVisit
from anju.supervision.tests.conftest import days

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_records_a_visit_a_finding_with_photos_and_an_order(tl_county: User, case: RenovationCase) -> None:
    api = client_for(tl_county)
    response = api.post(
        reverse("api:supervision-visit-list"),
        {"region": "140405102000", "visited_on": days(-1).isoformat(), "topic": "progress", "inspectors": "张卫东"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    visit_id = response.json()["id"]
    response = api.post(
        reverse("api:supervision-finding-list"),
        {
            "visit": visit_id,
            "category": "delay",
            "description": "未按期开工",
            "case": case.pk,
            "photos": [jpeg(), jpeg("b.jpg")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["photos"]) == 2 and response.json()["case"] == case.pk
    response = api.post(
        reverse("api:rectification-order-list"),
        {"findings": [response.json()["id"]], "requirements": "限期开工", "due_on": days(10).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"].startswith("屯住建督〔")
    assert [f["kind"] for f in response.json()["follow_ups"]] == ["issued"]
    detail = api.get(reverse("api:supervision-visit-detail", args=[visit_id])).json()
    assert detail["findings"][0]["order"] == response.json()["id"]


def test_bad_input_is_a_400_in_chinese(tl_county: User, visit: SupervisionVisit) -> None:
    api = client_for(tl_county)
    response = api.post(
        reverse("api:supervision-visit-list"),
        {"region": "140405102000", "visited_on": days(2).isoformat(), "topic": "quality", "inspectors": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"visited_on": ["督导日期不能晚于今天。"]}
    finding = api.post(
        reverse("api:supervision-finding-list"), {"visit": visit.pk, "category": "quality", "description": "x"}
    ).json()
    response = api.post(
        reverse("api:rectification-order-list"),
        {"findings": [finding["id"]], "requirements": "x", "due_on": days(0).isoformat()},
        format="json",
    )
    assert response.json() == {"due_on": ["整改期限应晚于今天。"]}


def test_the_wrong_role_is_a_403_and_another_region_a_404(
    tl_township: User, ps_county: User, visit: SupervisionVisit, order: RectificationOrder
) -> None:
    township = client_for(tl_township)
    response = township.post(
        reverse("api:supervision-visit-list"),
        {"region": "140405102000", "visited_on": days(0).isoformat(), "topic": "quality", "inspectors": "x"},
        format="json",
    )
    assert response.status_code == 403
    other = client_for(ps_county)
    assert other.get(reverse("api:supervision-visit-detail", args=[visit.pk])).status_code == 404
    assert other.get(reverse("api:rectification-order-detail", args=[order.pk])).status_code == 404
    assert other.post(reverse("api:rectification-order-close", args=[order.pk]), {"note": "x"}).status_code == 404
    assert other.get(reverse("api:rectification-order-list")).json()["count"] == 0
    response = other.post(
        reverse("api:supervision-finding-list"), {"visit": visit.pk, "category": "quality", "description": "x"}
    )
    assert response.status_code == 404
    assert SupervisionVisit.objects.count() == 1 and Finding.objects.count() == 2


def test_the_order_actions_follow_the_state_machine(
    tl_county: User, tl_township: User, order: RectificationOrder
) -> None:
    township, county = client_for(tl_township), client_for(tl_county)
    respond = reverse("api:rectification-order-respond", args=[order.pk])
    close = reverse("api:rectification-order-close", args=[order.pk])
    back = reverse("api:rectification-order-return", args=[order.pk])
    assert county.post(close, {"note": "同意"}).json() == {"non_field_errors": ["乡镇尚未反馈整改情况，不能复核。"]}
    assert county.post(respond, {"text": "x", "no_photo_reason": "y"}).status_code == 403
    response = township.post(respond, {"text": "已整改", "photos": [jpeg()]}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "responded" and len(response.json()["follow_ups"][-1]["photos"]) == 1
    response = county.post(back, {"reason": "不到位", "new_due_on": days(20).isoformat()}, format="json")
    assert response.json()["status"] == "issued" and response.json()["times_returned"] == 1
    township.post(respond, {"text": "再次整改", "no_photo_reason": "资料类"}, format="json")
    response = county.post(close, {"note": "整改到位"}, format="json")
    assert response.json()["status"] == "closed"
    assert [f["kind"] for f in response.json()["follow_ups"]] == [
        "issued",
        "response",
        "returned",
        "response",
        "closed",
    ]


def test_the_order_list_filters_overdue(tl_county: User, order: RectificationOrder) -> None:
    RectificationOrder.objects.filter(pk=order.pk).update(due_on=days(-3))
    api = client_for(tl_county)
    rows = api.get(reverse("api:rectification-order-list"), {"overdue": "true"}).json()["results"]
    assert [(r["number"], r["days_overdue"]) for r in rows] == [(order.number, 3)]
    assert api.get(reverse("api:rectification-order-list"), {"overdue": "false"}).json()["count"] == 0
