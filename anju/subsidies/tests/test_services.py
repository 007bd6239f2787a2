"""Recording payments: instalments to the household's 一卡通 up to the standard, the last part
only after acceptance; every refusal says why and writes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import TODAY, Officers, ago, walk
from anju.subsidies import selectors
from anju.subsidies.models import Payment
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import ACCOUNT, accept, give_account

pytestmark = pytest.mark.django_db


def pay(case: RenovationCase, user: Any, **overrides: Any) -> Payment:
    values: dict[str, Any] = {
        "amount": Decimal("10500"),
        "paid_on": ago(10),
        "payee_kind": "household",
        "voucher_no": f"BZ-{Payment.objects.count() + 1:03d}",
    } | overrides
    return payment_record(acting_user=user, case=case, **values)


def refused(case: RenovationCase, user: Any, **overrides: Any) -> ValidationError:
    before = (Payment.objects.count(), AuditEvent.objects.filter(object_type="subsidies.payment").count())
    with pytest.raises(ValidationError) as info:
        pay(case, user, **overrides)
    assert (Payment.objects.count(), AuditEvent.objects.filter(object_type="subsidies.payment").count()) == before
    return info.value


def test_it_pays_the_standard_in_two_instalments_the_last_after_acceptance(
    case: RenovationCase, officers: Officers
) -> None:
    county = officers["county"]
    give_account(walk(case, officers, Stage.UNDER_WAY))
    assert case.subsidy_amount == Decimal("21000")
    first = pay(case, county, amount=Decimal("10500"), paid_on=ago(30))
    assert (first.instalment, first.payee_name, first.bank_account) == (1, "甲", ACCOUNT)
    assert selectors.case_close_blockers(case) == [
        "补助资金尚未拨付完毕：标准 21,000 元，已拨付 10,500 元，尚欠 10,500 元"
    ]
    accept(case, officers)
    second = pay(case, county, amount=Decimal("10500"), paid_on=ago(5))
    assert second.instalment == 2
    assert selectors.paid_total(case) == Decimal("21000")
    assert selectors.case_close_blockers(case) == []
    event = AuditEvent.objects.get(object_type="subsidies.payment", object_id=str(second.pk))
    assert event.changes["amount"]["after"] == "10500.00"
    assert "已拨付合计 21,000 元 / 标准 21,000 元" in event.note


def test_it_refuses_a_payment_before_the_case_is_filed(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.APPROVED))
    error = refused(case, officers["county"])
    assert error.messages == ["案件当前为「县级审批公示中」，尚未建档，建档后才能拨付补助资金。"]


def test_it_refuses_a_payment_on_an_ended_case(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.FILED))
    case_services.case_end(acting_user=officers["county"], case=case, on=ago(30), reason="relatives", note="投靠子女")
    case.refresh_from_db()
    assert refused(case, officers["county"], paid_on=ago(20)).messages == ["案件已终止，不能再拨付补助资金。"]


def test_it_withholds_payment_while_a_failed_acceptance_is_rectified(case: RenovationCase, officers: Officers) -> None:
    give_account(case)
    accept(case, officers, passed=False)
    assert case.stage == Stage.RECTIFYING
    error = refused(case, officers["county"], amount=Decimal("1000"))
    assert error.messages == ["竣工验收未通过，整改复验通过前不得拨付补助资金。"]


def test_it_refuses_a_zero_or_negative_amount(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.UNDER_WAY))
    assert refused(case, officers["county"], amount=Decimal("0")).message_dict["amount"] == ["拨付金额应大于 0。"]
    assert refused(case, officers["county"], amount=Decimal("-5")).message_dict["amount"] == ["拨付金额应大于 0。"]


def test_it_refuses_more_than_the_standard_and_says_how_much_may_still_be_paid(
    case: RenovationCase, officers: Officers
) -> None:
    give_account(accept(case, officers))
    pay(case, officers["county"], amount=Decimal("10500"))
    error = refused(case, officers["county"], amount=Decimal("11000"))
    assert error.message_dict["amount"] == [
        "超出补助标准：标准 21,000 元，已拨付 10,500 元，本次最多可拨付 10,500 元。"
    ]


def test_it_keeps_the_final_payment_until_acceptance_passes(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.COMPLETED))
    error = refused(case, officers["county"], amount=Decimal("21000"))
    assert error.message_dict["amount"] == [
        "尾款须验收通过后拨付：本次拨付后将付清补助标准 21,000 元，而案件当前为「已竣工待验收」，验收通过前须留有尾款。"
    ]
    pay(case, officers["county"], amount=Decimal("20000"))  # an advance short of the whole is fine


def test_it_refuses_to_pay_a_household_without_a_card_on_file(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    error = refused(case, officers["county"])
    assert error.message_dict["payee_kind"] == [
        "该户没有登记一卡通账号，不能拨付到户；请先在农户信息中补登一卡通账号。"
    ]


def test_it_pays_the_builder_only_with_the_households_consent(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    error = refused(case, officers["county"], payee_kind="builder", builder_account="6217000011112222")
    assert error.message_dict["consent_note"] == ["拨付给施工方须经农户同意：请填写农户同意情况（如书面同意书编号）。"]
    assert error.message_dict["consent_on"] == ["请填写农户同意日期。"]
    payment = pay(
        case,
        officers["county"],
        payee_kind="builder",
        builder_account="6217000011112222",
        consent_note="农户签字同意书 TY-012",
        consent_on=ago(12),
    )
    assert (payment.payee_name, payment.bank_account, payment.consent_on) == ("李师傅", "6217000011112222", ago(12))


def test_it_refuses_a_payment_dated_in_the_future_or_before_filing(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.UNDER_WAY))
    future = refused(case, officers["county"], paid_on=TODAY + datetime.timedelta(days=1))
    assert future.message_dict["paid_on"] == ["拨付日期不能晚于今天。"]
    early = refused(case, officers["county"], paid_on=ago(40))
    assert early.message_dict["paid_on"] == [f"拨付日期不能早于建档日期 {ago(37):%Y-%m-%d}。"]


def test_it_refuses_a_voucher_number_used_before_on_the_case(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.UNDER_WAY))
    pay(case, officers["county"], amount=Decimal("5000"), voucher_no="BZ-2026-7")
    error = refused(case, officers["county"], amount=Decimal("5000"), voucher_no=" BZ-2026-7 ")
    assert error.message_dict["voucher_no"] == ["凭证号「BZ-2026-7」已登记过（第 1 次拨付），请核对。"]


def test_only_the_county_of_the_case_may_pay(
    case: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    give_account(walk(case, officers, Stage.UNDER_WAY))
    with pytest.raises(PermissionDenied, match="补助资金拨付须由区/县住建局登记。"):
        pay(case, officers["township"])
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        pay(case, other)
    assert not Payment.objects.exists()


def test_it_judges_by_the_case_as_stored_not_the_callers_stale_copy(case: RenovationCase, officers: Officers) -> None:
    # Two clerks: the second still holds the case as it was before the first one's payment.
    give_account(accept(case, officers))
    stale = RenovationCase.objects.get(pk=case.pk)
    pay(case, officers["county"], amount=Decimal("15000"))
    error = refused(stale, officers["county"], amount=Decimal("15000"))
    assert "已拨付 15,000 元，本次最多可拨付 6,000 元" in error.message_dict["amount"][0]


def test_the_final_payment_is_due_thirty_days_after_acceptance_and_then_overdue(
    case: RenovationCase, officers: Officers
) -> None:
    give_account(case)
    walk(case, officers, Stage.COMPLETED)
    assert selectors.final_payment_due(case) is None
    accept(case, officers, on=ago(15))
    assert selectors.final_payment_due(case) == ago(15) + datetime.timedelta(days=30)
    assert not selectors.is_overdue(case)
    assert selectors.is_overdue(case, today=ago(15) + datetime.timedelta(days=31))
    pay(case, officers["county"], amount=Decimal("21000"))
    assert not selectors.is_overdue(case, today=ago(15) + datetime.timedelta(days=31))


def test_the_case_cannot_end_once_money_was_paid(case: RenovationCase, officers: Officers) -> None:
    give_account(walk(case, officers, Stage.FILED))
    pay(case, officers["county"], amount=Decimal("3000"), paid_on=ago(20))
    with pytest.raises(ValidationError, match="已拨付补助资金，不能终止"):
        case_services.case_end(acting_user=officers["county"], case=case, on=ago(5), reason="declined", note="放弃")
