"""The payments API records through the same service as the page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.subsidies.models import Payment
from anju.subsidies.tests.conftest import give_account

pytestmark = pytest.mark.django_db

LIST = reverse("api:payment-list")
TOTALS = reverse("api:subsidy-totals-list")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def works(case: RenovationCase, officers: Officers) -> RenovationCase:
    return give_account(walk(case, officers, Stage.UNDER_WAY))


def body(case: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "case": case.pk,
        "amount": "10500.00",
        "paid_on": f"{ago(3):%Y-%m-%d}",
        "payee_kind": "household",
        "voucher_no": "BZ-1",
    } | overrides


def test_it_records_a_payment_and_lists_it(works: RenovationCase, officers: Officers) -> None:
    client = client_for(officers["county"])
    response = client.post(LIST, body(works), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["instalment"] == 1
    assert response.json()["bank_account"] == "6228480012345678901"
    listed = client_for(officers["township"]).get(LIST, {"case": works.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["bank_account"] == "**** 8901"


def test_a_refusal_is_a_400_with_the_services_message(works: RenovationCase, officers: Officers) -> None:
    response = client_for(officers["county"]).post(LIST, body(works, amount="30000"), format="json")
    assert response.status_code == 400
    assert response.json()["amount"] == ["超出补助标准：标准 21,000 元，已拨付 0 元，本次最多可拨付 21,000 元。"]
    assert not Payment.objects.exists()


def test_the_wrong_role_is_a_403_and_another_region_a_404(
    works: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    assert client_for(officers["township"]).post(LIST, body(works), format="json").status_code == 403
    other = client_for(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    assert other.post(LIST, body(works), format="json").status_code == 404
    assert not Payment.objects.exists()


def test_the_totals_endpoint_sums_by_township(works: RenovationCase, officers: Officers) -> None:
    client = client_for(officers["county"])
    client.post(LIST, body(works, amount="5000"), format="json")
    data = client.get(TOTALS, {"year": works.year}).json()
    assert data["region_code"] == "140405000000"
    assert Decimal(data["total"]["paid"]) == Decimal("5000") and data["total"]["households"] == 1
    assert {r["region_name"] for r in data["rows"]} == {"渔泽镇", "余吾镇"}
    assert client.get(TOTALS, {"region": "500243000000"}).status_code == 404
    assert client.get(TOTALS, {"year": "abc"}).status_code == 400
