"""Reads of the subsidies app: what a case has been paid, what it is still owed and by when,
the payments and cases a user may see, and the totals by region and programme.

``paid_total`` and ``case_close_blockers`` are also asked by ``anju.cases.services`` before a
case ends or closes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import CasePolicy, RenovationCase
from anju.core.actors import Viewer
from anju.core.masking import Kind, shown
from anju.core.navigation import OFFICE_ROLES
from anju.core.numbers import yuan
from anju.eligibility.choices import Programme
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.regions.models import Region
from anju.subsidies.filters import DueCaseFilter, PaymentFilter
from anju.subsidies.models import Payment
from anju.subsidies.services import can_pay, stage_refusal

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)


# --- one case --------------------------------------------------------------------------------------


def paid_total(case: RenovationCase) -> Decimal:
    """What has been paid on the case so far."""
    total = Payment.objects.filter(case=case).aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0)


def outstanding(case: RenovationCase, paid: Decimal | None = None) -> Decimal:
    """What the case is still owed against its standard (0 without a standard)."""
    if case.subsidy_amount is None:
        return Decimal(0)
    return max(case.subsidy_amount - (paid_total(case) if paid is None else paid), Decimal(0))


def case_close_blockers(case: RenovationCase) -> list[str]:
    """Why the subsidy stands in the way of 销号 (empty once paid in full)."""
    if case.subsidy_amount is None:
        return ["补助标准尚未确定，不能核对补助资金拨付情况。"]
    paid = paid_total(case)
    if paid >= case.subsidy_amount:
        return []
    return [
        f"补助资金尚未拨付完毕：标准 {yuan(case.subsidy_amount)} 元，已拨付 {yuan(paid)} 元，"
        f"尚欠 {yuan(case.subsidy_amount - paid)} 元"
    ]


def closable_cases(cases: QuerySet[RenovationCase]) -> QuerySet[RenovationCase]:
    """``case_close_blockers`` over many cases: those with a standard and paid in full."""
    paid = Payment.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(s=Sum("amount")).values("s")
    return (
        cases.filter(subsidy_amount__isnull=False)
        .alias(paid_so_far=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal(0)), output_field=MONEY))
        .filter(paid_so_far__gte=F("subsidy_amount"))
    )


def final_payment_days(case: RenovationCase) -> int:
    return int(case.policy.content["final_payment_days"])  # a required section of every version


def final_payment_due(case: RenovationCase) -> datetime.date | None:
    """The last day for the final payment: passed acceptance + the policy's days (None before)."""
    if case.accepted_on is None:
        return None
    return case.accepted_on + datetime.timedelta(days=final_payment_days(case))


def is_overdue(case: RenovationCase, paid: Decimal | None = None, today: datetime.date | None = None) -> bool:
    """Accepted, not yet paid in full, and the final-payment deadline has passed."""
    due = final_payment_due(case)
    if due is None or case.stage != Stage.ACCEPTED:
        return False
    return (today or timezone.localdate()) > due and outstanding(case, paid) > 0


def account_shown(user: Viewer, account: str) -> str:
    """The account as this user may see it (``anju.core.masking.POLICY``: whole for the payer)."""
    return shown(account, Kind.ACCOUNT, user)


def case_url(case: RenovationCase) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """What the case page shows of the subsidy: standard and why, payments, what is owed, the
    final-payment deadline, and whether this user may pay now (or why no one may)."""
    payments = list(case.payments.select_related("recorded_by").order_by("instalment"))
    paid = sum((p.amount for p in payments), Decimal(0))
    owed = outstanding(case, paid)
    refusal = stage_refusal(case)
    return {
        "case": case,
        "standard": case.subsidy_amount,
        "standard_code": case.subsidy_standard,
        "explanation": case.subsidy_explanation,
        "payments": [
            {
                "instalment": p.instalment,
                "amount": p.amount,
                "paid_on": p.paid_on,
                "payee_kind": p.get_payee_kind_display(),
                "payee_name": p.payee_name,
                "account": account_shown(user, p.bank_account),
                "voucher_no": p.voucher_no,
                "consent_note": p.consent_note,
            }
            for p in payments
        ],
        "paid": paid,
        "outstanding": owed,
        "paid_in_full": case.subsidy_amount is not None and owed == 0,
        "due": final_payment_due(case),
        "overdue": is_overdue(case, paid),
        "final_payment_days": final_payment_days(case),
        "refusal": "" if owed == 0 else refusal,
        "may_pay": can_pay(user, case) and not refusal and owed > 0,
        "pay_url": reverse("subsidies:pay", args=[case.pk]),
        # The payments page (the navigation offers it to the office roles), on this case's payments.
        "list_url": (
            reverse("subsidies:payment_list") + f"?case={case.pk}"
            if isinstance(user, User) and (user.is_superuser or user.has_role(*OFFICE_ROLES))
            else ""
        ),
    }


# --- lists -----------------------------------------------------------------------------------------


def with_paid(cases: QuerySet[RenovationCase]) -> QuerySet[RenovationCase]:
    """Cases annotated with ``paid_sum`` (one correlated subquery, no per-case query)."""
    sums = Payment.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(s=Sum("amount")).values("s")
    return cases.annotate(paid_sum=Coalesce(Subquery(sums, output_field=MONEY), Value(Decimal(0)), output_field=MONEY))


def overdue_q(today: datetime.date | None = None) -> Q:
    """Cases (annotated by ``with_paid``) past their final-payment deadline and not paid in full.
    The deadline is per policy version; there are few versions, so one condition per distinct
    number of days."""
    today = today or timezone.localdate()
    by_days: dict[int, list[int]] = defaultdict(list)
    for pk, days in CasePolicy.objects.values_list("pk", "content__final_payment_days"):
        by_days[int(days)].append(pk)
    late = Q(pk__in=[])
    for days, pks in by_days.items():
        late |= Q(policy_id__in=pks, accepted_on__lt=today - datetime.timedelta(days=days))
    return Q(stage=Stage.ACCEPTED) & late & Q(paid_sum__lt=F("subsidy_amount"))


def payment_filter(user: Viewer, params: Any) -> PaymentFilter:
    """Payments the user may see, newest first, narrowed by ``PaymentFilter`` (page and API)."""
    queryset = Payment.objects.visible_to(user).select_related("case__household", "recorded_by")
    return PaymentFilter(params, queryset=queryset)


def payments_visible(user: Viewer, params: Any) -> QuerySet[Payment]:
    return payment_filter(user, params).qs


def cases_awaiting_payment(user: Viewer, params: Any) -> QuerySet[RenovationCase]:
    return due_filter(user, params).qs


def due_filter(user: Viewer, params: Any) -> DueCaseFilter:
    """Filed cases (建档 to 验收通过, not 整改) still owed money, annotated with ``paid_sum``,
    narrowed by ``DueCaseFilter`` (the payments' parameters). Overdue ones first, then by
    acceptance date."""
    qs = with_paid(
        RenovationCase.objects.visible_to(user)
        .filter(
            stage__in=[Stage.FILED, Stage.AGREEMENT_SIGNED, Stage.UNDER_WAY, Stage.COMPLETED, Stage.ACCEPTED],
            subsidy_amount__isnull=False,
        )
        .select_related("household")
        # The policy versions are few: read once each, not decoded again with every row (ADR 0054).
        .prefetch_related("policy")
    ).filter(Q(paid_sum__lt=F("subsidy_amount")))
    return DueCaseFilter(params, queryset=qs.order_by(F("accepted_on").asc(nulls_last=True), "region_code", "pk"))


# --- totals ----------------------------------------------------------------------------------------


@dataclass
class TotalsRow:
    """One line of the totals table: a region (or the grand total) and a programme."""

    region_code: str
    region_name: str
    programme: str
    households: int = 0
    standard: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    overdue: int = 0
    drill: bool = False  # the region has children to drill down to
    first_of_region: bool = True

    @property
    def outstanding(self) -> Decimal:
        return self.standard - self.paid

    @property
    def programme_label(self) -> str:
        return Programme(self.programme).label if self.programme in Programme.values else "—"

    def add(self, other: TotalsRow) -> None:
        self.households += other.households
        self.standard += other.standard
        self.paid += other.paid
        self.overdue += other.overdue


@dataclass
class Totals:
    parent: Region | None
    year: int | None
    rows: list[TotalsRow] = field(default_factory=list)
    by_programme: list[TotalsRow] = field(default_factory=list)
    total: TotalsRow = field(default_factory=lambda: TotalsRow("", "合计", ""))


def totals(user: Viewer, year: int | None, group_by: Region | None = None) -> Totals:
    """Households, standard, paid, outstanding and overdue count of filed cases (建档 on, not
    ended) by the children of ``group_by`` (default: the user's region) and programme, with a
    total per programme and a grand total. One aggregate query; ``group_by`` must already be a
    region the user may see."""
    parent = group_by if group_by is not None else getattr(user, "region", None)
    if parent is None:
        child_level = RegionLevel.PROVINCE
        children = list(Region.objects.filter(level=RegionLevel.PROVINCE))
    elif parent.level >= RegionLevel.VILLAGE:
        child_level = RegionLevel(parent.level)
        children = [parent]
    else:
        child_level = RegionLevel(parent.level + 1)
        children = list(Region.objects.filter(parent=parent))
    length = PREFIX_LENGTH[child_level]
    cases = RenovationCase.objects.visible_to(user).filter(filed_on__isnull=False).exclude(stage=Stage.ENDED)
    if parent is not None:
        cases = cases.filter(region_code__subtree=parent.prefix)
    if year:
        cases = cases.filter(year=year)
    groups = (
        with_paid(cases)
        .annotate(unit=Substr("region_code", 1, length))
        .values("unit", "programme")
        .annotate(
            households=Count("pk"),
            standard=Sum("subsidy_amount"),
            paid=Sum("paid_sum"),
            overdue=Count("pk", filter=overdue_q()),
        )
        .order_by("unit", "programme")
    )
    found: dict[str, list[TotalsRow]] = defaultdict(list)
    for g in groups:
        found[g["unit"]].append(
            TotalsRow(
                "",
                "",
                g["programme"],
                households=g["households"],
                standard=Decimal(g["standard"] or 0),
                paid=Decimal(g["paid"] or 0),
                overdue=g["overdue"],
            )
        )
    result = Totals(parent=parent, year=year)
    per_programme: dict[str, TotalsRow] = {}
    can_drill = child_level < RegionLevel.VILLAGE
    for child in children:
        lines = found.pop(child.prefix, []) or [TotalsRow("", "", "")]
        for i, line in enumerate(lines):
            line.region_code, line.region_name = child.code, child.name
            line.drill, line.first_of_region = can_drill, i == 0
            result.rows.append(line)
            if line.programme:
                per_programme.setdefault(line.programme, TotalsRow("", "小计", line.programme)).add(line)
                result.total.add(line)
    # Cases under a code the region table does not hold still count in the totals.
    for unit, lines in sorted(found.items()):
        for i, line in enumerate(lines):
            line.region_code, line.region_name, line.first_of_region = unit, f"（区划 {unit}）", i == 0
            result.rows.append(line)
            per_programme.setdefault(line.programme, TotalsRow("", "小计", line.programme)).add(line)
            result.total.add(line)
    result.by_programme = [per_programme[p] for p in Programme.values if p in per_programme]
    return result
