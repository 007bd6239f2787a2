"""The payment form, the lists and the totals page, as the county and township officers see them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.subsidies import selectors
from anju.subsidies.models import Payment
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import give_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def works(case: RenovationCase, officers: Officers) -> RenovationCase:
    return give_account(walk(case, officers, Stage.UNDER_WAY))


def form(**overrides: str) -> dict[str, str]:
    return {
        "amount": "10500",
        "paid_on": f"{ago(3):%Y-%m-%d}",
        "payee_kind": "household",
        "voucher_no": "BZ-1",
    } | overrides


def test_the_form_shows_the_standard_what_was_paid_and_the_masked_card(
    client: Client, works: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["county"])
    page = client.get(reverse("subsidies:pay", args=[works.pk])).content.decode()
    assert "21,000 元" in page
    assert "按补助标准 S-D「D 级危房或无房户」" in page
    assert "**** 8901" in page and "6228480012345678901" not in page
    assert "尾款须竣工验收通过后拨付" in page


def test_a_payment_from_the_form_appears_in_the_list(client: Client, works: RenovationCase, officers: Officers) -> None:
    client.force_login(officers["county"])
    response = client.post(reverse("subsidies:pay", args=[works.pk]), form(), follow=True)
    body = response.content.decode()
    assert "已登记第 1 次拨付 10,500 元（凭证号 BZ-1）。" in body
    listing = client.get(reverse("subsidies:payment_list")).content.decode()
    assert "BZ-1" in listing and "6228480012345678901" in listing  # the county sees the whole account


def test_an_amount_over_the_standard_is_shown_beside_the_form_and_nothing_saved(
    client: Client, works: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["county"])
    response = client.post(reverse("subsidies:pay", args=[works.pk]), form(amount="30000"))
    assert response.status_code == 200
    assert "超出补助标准：标准 21,000 元，已拨付 0 元，本次最多可拨付 21,000 元。" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_builder_needs_consent_on_the_form(client: Client, works: RenovationCase, officers: Officers) -> None:
    client.force_login(officers["county"])
    response = client.post(
        reverse("subsidies:pay", args=[works.pk]), form(payee_kind="builder", builder_account="6217000011112222")
    )
    assert "拨付给施工方须经农户同意" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_township_sees_payments_masked_and_cannot_open_the_form(
    client: Client, works: RenovationCase, officers: Officers
) -> None:
    payment_record(
        acting_user=officers["county"],
        case=works,
        amount=Decimal("5000"),
        paid_on=ago(3),
        payee_kind="household",
        voucher_no="BZ-9",
    )
    client.force_login(officers["township"])
    listing = client.get(reverse("subsidies:payment_list")).content.decode()
    assert "BZ-9" in listing and "**** 8901" in listing and "6228480012345678901" not in listing
    assert client.get(reverse("subsidies:pay", args=[works.pk])).status_code == 403


def test_another_countys_case_is_not_found(
    client: Client, works: RenovationCase, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    assert client.get(reverse("subsidies:pay", args=[works.pk])).status_code == 404
    assert client.post(reverse("subsidies:pay", args=[works.pk]), form()).status_code == 404
    assert "甲" not in client.get(reverse("subsidies:payment_list") + "?view=due").content.decode()
    assert not Payment.objects.exists()


def test_the_due_tab_lists_cases_still_owed_with_a_pay_button(
    client: Client, works: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["county"])
    page = client.get(reverse("subsidies:payment_list"), {"view": "due"}).content.decode()
    assert "甲" in page and reverse("subsidies:pay", args=[works.pk]) in page


def test_the_totals_page_drills_down_from_townships_to_villages(
    client: Client, works: RenovationCase, officers: Officers
) -> None:
    payment_record(
        acting_user=officers["county"],
        case=works,
        amount=Decimal("5000"),
        paid_on=ago(3),
        payee_kind="household",
        voucher_no="BZ-9",
    )
    client.force_login(officers["county"])
    page = client.get(reverse("subsidies:totals"), {"year": works.year}).content.decode()
    assert "渔泽镇" in page and "余吾镇" in page and "16,000" in page
    assert f"?region=140405102000&year={works.year}" in page
    village = client.get(reverse("subsidies:totals"), {"region": "140405102000"}).content.decode()
    assert "北渔泽村委会" in village and "南渔泽村委会" in village
    assert client.get(reverse("subsidies:totals"), {"region": "500243000000"}).status_code == 404


def test_the_case_panel_offers_payment_only_to_the_county(works: RenovationCase, officers: Officers) -> None:
    county = render_to_string(
        "subsidies/_case_panel.html", {"subsidies_panel": selectors.case_panel(case=works, user=officers["county"])}
    )
    assert "登记拨付" in county and "21,000 元" in county and "未拨付" in county
    township = render_to_string(
        "subsidies/_case_panel.html", {"subsidies_panel": selectors.case_panel(case=works, user=officers["township"])}
    )
    assert "登记拨付" not in township


def test_the_lists_and_totals_do_not_query_per_row(
    client: Client,
    officers: Officers,
    make_case: Callable[..., RenovationCase],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    county = officers["county"]
    for i, name in enumerate(("乙", "丙", "丁")):
        other = make_case("140405103200", Stage.UNDER_WAY, name=name)
        payment_record(
            acting_user=county,
            case=other,
            amount=Decimal("1000"),
            paid_on=ago(3),
            payee_kind="household",
            voucher_no=f"V{i}",
        )
    client.force_login(county)
    for params in ({}, {"view": "due"}, {"overdue": "on"}):
        with django_assert_max_num_queries(10):
            assert client.get(reverse("subsidies:payment_list"), params).status_code == 200
    with django_assert_max_num_queries(10):
        assert "3,000" in client.get(reverse("subsidies:totals")).content.decode()
