"""The 拨付凭证 as a generated archive document (ADR 0029): one voucher per case lists every
instalment, so each payment recorded files a new version under the case's 补助资金拨付凭证 item
(the previous one is kept in the item's history)."""

from __future__ import annotations

from anju.kit.documents import GeneratedDocument
from anju.subsidies.models import Payment

ARCHIVE_ITEM = "payment_voucher"


def payment_voucher(payment: Payment) -> GeneratedDocument:
    from anju.subsidies.pdf import voucher_pdf  # ReportLab is loaded only when a form is printed

    case = payment.case
    return GeneratedDocument(
        code=ARCHIVE_ITEM,
        source=f"payment:{payment.pk}",
        source_label=f"第 {payment.instalment} 次拨付 {payment.paid_on:%Y-%m-%d}（凭证号 {payment.voucher_no}）",
        filename=f"补助资金拨付凭证-{case.household.head_name}-第{payment.instalment}次.pdf",
        render=lambda: voucher_pdf(case),
        case_ids=(case.pk,),
    )
