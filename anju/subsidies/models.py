"""Subsidy payments (补助资金拨付, requirements §8). The standard a case is entitled to is fixed on the
case at county approval (``RenovationCase.subsidy_amount``); this app records what was paid
against it, in instalments, each with its voucher."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.subsidies.choices import PayeeKind


class PaymentQuerySet(RegionScopedQuerySet["Payment"]):
    region_code_lookup = "region_code"


class Payment(models.Model):
    """One instalment of a case's subsidy paid to the household's 一卡通 (or, with the
    household's consent, to its builder), with the voucher (拨付凭证) it was paid under."""

    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="改造案件", on_delete=models.PROTECT, related_name="payments"
    )
    instalment = models.PositiveSmallIntegerField("拨付批次")
    amount = models.DecimalField("拨付金额（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("拨付日期")
    payee_kind = models.CharField("收款方", max_length=10, choices=PayeeKind.choices)
    payee_name = models.CharField("收款人", max_length=100)
    # Named like the household's field so the audit trail's displays mask it the same way.
    bank_account = models.CharField("收款账号", max_length=30)
    consent_note = models.CharField("农户同意情况", max_length=300, blank=True)
    consent_on = models.DateField("农户同意日期", null=True, blank=True)
    voucher_no = models.CharField("拨付凭证号", max_length=50)
    note = models.CharField("备注", max_length=300, blank=True)
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects: ClassVar[PaymentQuerySet] = PaymentQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "补助资金拨付"
        verbose_name_plural = "补助资金拨付"
        ordering = ["-paid_on", "-pk"]
        # The payment list's order, read backwards for a page (migration 0002, ADR 0051).
        indexes = [models.Index(fields=["paid_on", "id"], name="payment_list_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "voucher_no"],
                name="unique_voucher_per_case",
                violation_error_message="该案件已登记过这个拨付凭证号。",
            ),
            models.UniqueConstraint(fields=["case", "instalment"], name="unique_instalment_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} 第 {self.instalment} 次拨付 {self.amount} 元"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
