"""Writes of the subsidies app: recording a payment against a case's subsidy standard."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, model_snapshot, refusals_audited
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.numbers import yuan
from anju.core.scoping import in_scope
from anju.kit.documents import announce
from anju.subsidies.choices import PayeeKind
from anju.subsidies.documents import payment_voucher
from anju.subsidies.models import Payment

PAY_ROLES = (Role.COUNTY_OFFICER,)
# Before 建档 nothing may be paid: the household is not yet entitled to the standard.
NOT_FILED_STAGES = (
    Stage.FOUND,
    Stage.APPLIED,
    Stage.VILLAGE_REVIEWED,
    Stage.TOWNSHIP_REVIEWED,
    Stage.APPROVED,
)
AUDITED_FIELDS = (
    "case_id",
    "instalment",
    "amount",
    "paid_on",
    "payee_kind",
    "payee_name",
    "bank_account",
    "consent_note",
    "consent_on",
    "voucher_no",
    "note",
)


def can_pay(user: Any, case: RenovationCase | None = None) -> bool:
    """Whether ``user`` may record payments (and, given a case, for that case's region)."""
    if not (user.is_superuser or user.has_role(*PAY_ROLES)):
        return False
    return case is None or in_scope(user, case.region_code)


def _amount(value: Any) -> Decimal | None:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def stage_refusal(case: RenovationCase) -> str:
    """Why the case's stage does not allow a payment now ("" when it does)."""
    if case.stage in NOT_FILED_STAGES:
        return f"案件当前为「{case.get_stage_display()}」，尚未建档，建档后才能拨付补助资金。"
    if case.stage in (Stage.CLOSED, Stage.ENDED):
        return f"案件{case.get_stage_display()}，不能再拨付补助资金。"
    if case.stage == Stage.RECTIFYING:
        return "竣工验收未通过，整改复验通过前不得拨付补助资金。"
    if case.subsidy_amount is None:
        return "该案件还没有补助标准（县级审批时确定），不能拨付。"
    return ""


def _require_payer(acting_user: User, case: RenovationCase) -> None:
    if not can_pay(acting_user):
        raise PermissionDenied("补助资金拨付须由区/县住建局登记。")
    if not in_scope(acting_user, case.region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")


def _lock_payable(case: RenovationCase) -> tuple[RenovationCase, Decimal]:
    """The case's row, locked while the paid total is recomputed (so two clerks paying at once
    cannot together exceed the standard), and its standard; refused when its stage does not
    allow a payment."""
    locked = RenovationCase.objects.select_for_update().select_related("household").get(pk=case.pk)
    refusal = stage_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    standard = locked.subsidy_amount
    assert standard is not None  # stage_refusal checked it
    return locked, standard


def _amount_errors(value: Decimal | None, paid: Decimal, standard: Decimal, case: RenovationCase) -> dict[str, str]:
    """A positive amount in fen that stays within the standard and leaves the last part for
    after acceptance."""
    if value is None:
        return {"amount": "请填写拨付金额（元）。"}
    if value <= 0:
        return {"amount": "拨付金额应大于 0。"}
    if value != value.quantize(Decimal("0.01")):
        return {"amount": "拨付金额最多保留两位小数（分）。"}
    if paid + value > standard:
        return {
            "amount": f"超出补助标准：标准 {yuan(standard)} 元，已拨付 {yuan(paid)} 元，"
            f"本次最多可拨付 {yuan(standard - paid)} 元。"
        }
    if paid + value == standard and case.stage != Stage.ACCEPTED:
        return {
            "amount": f"尾款须验收通过后拨付：本次拨付后将付清补助标准 {yuan(standard)} 元，"
            f"而案件当前为「{case.get_stage_display()}」，验收通过前须留有尾款。"
        }
    return {}


def _date_errors(paid_on: datetime.date, case: RenovationCase) -> dict[str, str]:
    if paid_on > timezone.localdate():
        return {"paid_on": "拨付日期不能晚于今天。"}
    if case.filed_on is not None and paid_on < case.filed_on:
        return {"paid_on": f"拨付日期不能早于建档日期 {case.filed_on:%Y-%m-%d}。"}
    return {}


def _builder_errors(
    name: str, account: str, consent_note: str, consent_on: datetime.date | None, paid_on: datetime.date
) -> dict[str, str]:
    """Paying the builder: a builder on file, its account, and the household's consent first."""
    errors: dict[str, str] = {}
    if not name:
        errors["payee_kind"] = "该案件还没有登记施工单位或工匠，不能拨付给施工方。"
    if not account:
        errors["builder_account"] = "请填写施工方收款账号。"
    elif len(account) > 30:
        errors["builder_account"] = "收款账号不超过 30 位。"
    if not consent_note.strip():
        errors["consent_note"] = "拨付给施工方须经农户同意：请填写农户同意情况（如书面同意书编号）。"
    if consent_on is None:
        errors["consent_on"] = "请填写农户同意日期。"
    elif consent_on > timezone.localdate():
        errors["consent_on"] = "农户同意日期不能晚于今天。"
    elif consent_on > paid_on:
        errors["consent_on"] = "农户同意日期不能晚于拨付日期：须先同意、后拨付。"
    return errors


def _payee(
    case: RenovationCase,
    payee_kind: str,
    builder_account: str,
    consent_note: str,
    consent_on: datetime.date | None,
    paid_on: datetime.date,
) -> tuple[str, str, dict[str, str]]:
    """Who is paid (name, account), and what is wrong with it: the household's 一卡通 on file, or
    the builder with the household's consent."""
    if payee_kind == PayeeKind.HOUSEHOLD:
        name, account = case.household.head_name, case.household.bank_account.strip()
        refusal = "该户没有登记一卡通账号，不能拨付到户；请先在农户信息中补登一卡通账号。"
        return name, account, {} if account else {"payee_kind": refusal}
    if payee_kind == PayeeKind.BUILDER:
        name, account = case.builder_name.strip(), builder_account.strip()
        return name, account, _builder_errors(name, account, consent_note, consent_on, paid_on)
    return "", "", {"payee_kind": "请选择收款方：农户一卡通或施工方。"}


def _voucher_errors(case: RenovationCase, voucher: str) -> dict[str, str]:
    if not voucher:
        return {"voucher_no": "请填写拨付凭证号。"}
    if len(voucher) > 50:
        return {"voucher_no": "拨付凭证号不超过 50 个字符。"}
    used = Payment.objects.filter(case=case, voucher_no=voucher).first()
    if used is not None:
        return {"voucher_no": f"凭证号「{voucher}」已登记过（第 {used.instalment} 次拨付），请核对。"}
    return {}


def _audit_payment(acting_user: User, payment: Payment, paid_total: Decimal, standard: Decimal) -> None:
    """Audit the payment and have the case's voucher, now listing it, filed in the archive."""
    announce(payment_voucher(payment), acting_user=acting_user)  # ADR 0029
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=payment,
        changes={k: {"before": None, "after": v} for k, v in model_snapshot(payment, AUDITED_FIELDS).items()},
        note=f"已拨付合计 {yuan(paid_total)} 元 / 标准 {yuan(standard)} 元",
    )


@refusals_audited("拨付补助资金")
def payment_record(
    *,
    acting_user: User,
    case: RenovationCase,
    amount: Decimal | int | str,
    paid_on: datetime.date,
    payee_kind: str,
    voucher_no: str,
    consent_note: str = "",
    consent_on: datetime.date | None = None,
    builder_account: str = "",
    note: str = "",
) -> Payment:
    """Record one instalment of a case's subsidy (county officers only).

    Refused, with nothing written, before 建档, after 销号 or 终止, during 整改, beyond the
    standard, when it would complete the standard before acceptance passed (the last part is
    paid after acceptance), to a household without a 一卡通 on file, to the builder without the
    household's consent, dated in the future or before 建档, or under a voucher already used.
    The case row is locked while the paid total is recomputed, so two clerks paying at once
    cannot together exceed the standard."""
    _require_payer(acting_user, case)
    with transaction.atomic():
        locked, standard = _lock_payable(case)
        paid = Payment.objects.filter(case=locked).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        value = _amount(amount)
        payee_name, account, payee_errors = _payee(
            locked, payee_kind, builder_account, consent_note, consent_on, paid_on
        )
        voucher = voucher_no.strip()
        errors = (
            _amount_errors(value, paid, standard, locked)
            | _date_errors(paid_on, locked)
            | payee_errors
            | _voucher_errors(locked, voucher)
        )
        if errors:
            raise ValidationError(errors)
        assert value is not None
        payment = Payment.objects.create(
            case=locked,
            instalment=Payment.objects.filter(case=locked).count() + 1,
            amount=value.quantize(Decimal("0.01")),
            paid_on=paid_on,
            payee_kind=payee_kind,
            payee_name=payee_name[:100],
            bank_account=account,
            consent_note=consent_note.strip()[:300] if payee_kind == PayeeKind.BUILDER else "",
            consent_on=consent_on if payee_kind == PayeeKind.BUILDER else None,
            voucher_no=voucher,
            note=note.strip()[:300],
            region_code=locked.region_code,
            recorded_by=acting_user,
        )
        _audit_payment(acting_user, payment, paid + value, standard)
    return payment
