"""The case, inspection and payment lists cost the same number of queries for 10 rows as for
200 (issue 23, ADR 0031): page and API, built in bulk on the households of
``anju.households.tests.test_list_scale``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.cases.services import ensure_national_policy
from anju.households.tests.test_list_scale import bulk_households
from anju.inspections.models import Inspection
from anju.regions.models import Region
from anju.subsidies.models import Payment

LISTS = [
    (reverse_name, params)
    for reverse_name in ("cases:case_list", "inspections:inspection_list", "subsidies:payment_list")
    for params in ({}, {"q": "王户"})
] + [("subsidies:payment_list", {"view": "due"})]  # the cases still owed money
APIS = ["/api/cases/", "/api/payments/"]


def bulk_work(regions: dict[str, Region], county: User, n: int, start: int) -> None:
    """``n`` households, each with an inspection, a case under way and a first payment."""
    households = bulk_households(regions, n, start=start)
    policy = ensure_national_policy()
    now = timezone.now()
    Inspection.objects.bulk_create(
        Inspection(
            house=h.houses.get(),
            household=h,
            region_code=h.region_code,
            kind="routine",
            inspector=county,
            inspected_at=now - datetime.timedelta(hours=i),
            suspected_grade="C",
            is_occupied=True,
        )
        for i, h in enumerate(households)
    )
    cases = RenovationCase.objects.bulk_create(
        RenovationCase(
            household=h,
            house=h.houses.get(),
            region=h.region,
            region_code=h.region_code,
            programme="renovation",
            year=2026,
            grade="D",
            policy=policy,
            stage="under_way",
            opened_on=datetime.date(2026, 3, 1),
            subsidy_amount=Decimal("21000"),
        )
        for h in households
    )
    Payment.objects.bulk_create(
        Payment(
            case=c,
            instalment=1,
            amount=Decimal("10500"),
            paid_on=datetime.date(2026, 4, 1),
            payee_kind="household",
            payee_name=c.household.head_name,
            bank_account="6228480000000000000",
            voucher_no=f"V{c.pk}",
            region_code=c.region_code,
            recorded_by=county,
        )
        for c in cases
    )


def queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_case_inspection_and_payment_lists_cost_the_same_for_10_and_200_rows(
    client: Client,
    tl_county: User,
    regions: dict[str, Region],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    bulk_work(regions, tl_county, 10, start=0)
    client.force_login(tl_county)
    for name, params in LISTS:  # a first request of each: the session and caches settle
        client.get(reverse(name), params)
    small = {(name, str(params)): queries(client, reverse(name), params) for name, params in LISTS}
    small_api = {url: queries(client, url, {}) for url in APIS}
    bulk_work(regions, tl_county, 190, start=10)
    for name, params in LISTS:
        with django_assert_max_num_queries(small[(name, str(params))]):
            page = client.get(reverse(name), params)
        assert page.status_code == 200
    assert "共 200 条" in client.get(reverse("cases:case_list")).content.decode()
    assert "共 200 条" in client.get(reverse("subsidies:payment_list"), {"view": "due"}).content.decode()
    for url in APIS:
        with django_assert_max_num_queries(small_api[url]):
            assert client.get(url).json()["count"] == 200
