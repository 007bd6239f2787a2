"""Totals by region and programme, and the lists' filters."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago
from anju.regions.models import Region
from anju.subsidies import selectors
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import accept, give_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships(
    case: RenovationCase, officers: Officers, make_case: Callable[..., RenovationCase]
) -> dict[str, RenovationCase]:
    """渔泽镇: 甲 accepted 45 days ago, half paid (overdue). 余吾镇: 乙 filed, 5,000 paid; 丙 only found."""
    county = officers["county"]
    give_account(accept(case, officers))
    payment_record(
        acting_user=county, case=case, amount=Decimal("10500"), paid_on=ago(10), payee_kind="household", voucher_no="A1"
    )
    # The deadline runs from acceptance; put it 45 days back rather than walk a case for months.
    RenovationCase.objects.filter(pk=case.pk).update(accepted_on=ago(45))
    case.refresh_from_db()
    other = make_case("140405103200", Stage.FILED, name="乙")
    payment_record(
        acting_user=county, case=other, amount=Decimal("5000"), paid_on=ago(5), payee_kind="household", voucher_no="B1"
    )
    make_case("140405103200", Stage.FOUND, name="丙")
    return {"yuze": case, "yuwu": other}


def test_a_county_sees_its_townships_with_a_grand_total(
    two_townships: dict[str, RenovationCase], officers: Officers
) -> None:
    year = two_townships["yuze"].year
    table = selectors.totals(officers["county"], year)
    rows = {(r.region_name, r.programme): r for r in table.rows}
    yuze = rows[("渔泽镇", "renovation")]
    assert (yuze.households, yuze.standard, yuze.paid, yuze.outstanding, yuze.overdue) == (
        1,
        Decimal("21000"),
        Decimal("10500"),
        Decimal("10500"),
        1,
    )
    yuwu = rows[("余吾镇", "renovation")]
    assert (yuwu.households, yuwu.paid, yuwu.outstanding, yuwu.overdue) == (1, Decimal("5000"), Decimal("16000"), 0)
    total = table.total
    assert (total.households, total.standard, total.paid, total.outstanding, total.overdue) == (
        2,
        Decimal("42000"),
        Decimal("15500"),
        Decimal("26500"),
        1,
    )
    assert [r.programme_label for r in table.by_programme] == ["农村危房改造"]
    assert selectors.totals(officers["county"], year - 1).total.households == 0


def test_drilling_into_a_township_lists_its_villages(
    two_townships: dict[str, RenovationCase], officers: Officers
) -> None:
    table = selectors.totals(officers["county"], None, Region.objects.get(code="140405102000"))
    by_name = {r.region_name: r for r in table.rows}
    assert by_name["北渔泽村委会"].households == 1
    assert by_name["南渔泽村委会"].households == 0 and by_name["南渔泽村委会"].programme_label == "—"
    assert not by_name["北渔泽村委会"].drill
    assert table.total.paid == Decimal("10500")


def test_a_township_officer_sees_only_its_own_villages(
    two_townships: dict[str, RenovationCase], officers: Officers
) -> None:
    table = selectors.totals(officers["township"], None)
    assert {r.region_name for r in table.rows} == {"北渔泽村委会", "南渔泽村委会"}
    assert table.total.households == 1


def test_another_county_sees_none_of_it(
    two_townships: dict[str, RenovationCase], make_user: Callable[..., User]
) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    assert selectors.totals(other, None).total.households == 0
    assert not selectors.payments_visible(other, {}).exists()


def test_the_lists_filter_overdue_cases_and_their_payments(
    two_townships: dict[str, RenovationCase], officers: Officers
) -> None:
    county = officers["county"]
    assert [p.voucher_no for p in selectors.payments_visible(county, {"overdue": True})] == ["A1"]
    assert {p.voucher_no for p in selectors.payments_visible(county, {"region": "140405103000"})} == {"B1"}
    due = selectors.cases_awaiting_payment(county, {})
    assert [c.household.head_name for c in due] == ["甲", "乙"]  # overdue first
    assert [c.household.head_name for c in selectors.cases_awaiting_payment(county, {"overdue": True})] == ["甲"]


def test_the_case_panel_says_what_is_owed_and_who_may_pay(
    two_townships: dict[str, RenovationCase], officers: Officers
) -> None:
    case = two_townships["yuze"]
    panel = selectors.case_panel(case=case, user=officers["county"])
    assert (panel["paid"], panel["outstanding"], panel["overdue"], panel["may_pay"]) == (
        Decimal("10500"),
        Decimal("10500"),
        True,
        True,
    )
    assert panel["payments"][0]["account"] == "6228480012345678901"
    township = selectors.case_panel(case=case, user=officers["township"])
    assert township["may_pay"] is False
    assert township["payments"][0]["account"] == "**** 8901"
