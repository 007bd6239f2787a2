"""The printable payment voucher (农村危房改造补助资金拨付凭证), A4, with the project's Chinese
font (ADR 0010): the household and the case, every instalment paid so far (date, amount, payee,
masked account, voucher number), the total against the case's standard, and signature boxes.
One voucher per case lists all its instalments, so each payment prints a new version of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from anju.cases.models import RenovationCase
from anju.core.masking import Kind
from anju.core.numbers import yuan
from anju.kit import pdf as kit
from anju.kit.pdf import HEADER_BG, LABEL_BG
from anju.subsidies.models import Payment

PAGE_WIDTH = kit.content_width()


def _info_table(case: RenovationCase, paid: Decimal, s: kit.Styles, font: str) -> Table:
    household = case.household
    standard = case.subsidy_amount
    left = f"{yuan(standard - paid)} 元" if standard is not None else "—"

    def p(value: str, style: Any = s.cell) -> Paragraph:
        return Paragraph(value, style)

    rows = [
        [
            p("户主", s.label),
            p(kit.text(household.head_name)),
            p("身份证号", s.label),
            p(kit.personal(household.head_id_number, Kind.ID)),
        ],
        [
            p("所在村", s.label),
            p(kit.text(household.region.full_name() + (household.group_name or ""))),
            p("档案编号", s.label),
            p(kit.text(case.archive_no)),
        ],
        [p("改造方式", s.label), p(kit.text(case.method_name)), p("计划年度", s.label), p(f"{case.year} 年")],
        [
            p("补助标准", s.label),
            p(f"{yuan(standard)} 元" if standard is not None else "—"),
            p("已拨付合计", s.label),
            p(f"{yuan(paid)} 元（尚余 {left}）"),
        ],
    ]
    label = 22 * mm
    value = (PAGE_WIDTH - 2 * label) / 2
    table = Table(rows, colWidths=[label, value, label, value])
    table.setStyle(
        kit.grid(font, [("BACKGROUND", (0, 0), (0, -1), LABEL_BG), ("BACKGROUND", (2, 0), (2, -1), LABEL_BG)])
    )
    return table


def _payments_table(payments: list[Payment], s: kit.Styles, font: str) -> Table:
    head = ("批次", "拨付日期", "金额（元）", "收款方", "收款人", "收款账号", "凭证号")
    rows: list[list[Any]] = [[Paragraph(h, s.head) for h in head]]
    for payment in payments:
        rows.append(
            [
                Paragraph(f"第 {payment.instalment} 次", s.center),
                Paragraph(f"{payment.paid_on:%Y-%m-%d}", s.center),
                Paragraph(yuan(payment.amount), s.center),
                Paragraph(kit.text(payment.get_payee_kind_display()), s.cell),
                Paragraph(kit.text(payment.payee_name), s.cell),
                Paragraph(kit.personal(payment.bank_account, Kind.ACCOUNT), s.cell),
                Paragraph(kit.text(payment.voucher_no), s.cell),
            ]
        )
    widths = [16 * mm, 22 * mm, 22 * mm, 30 * mm, 24 * mm, 36 * mm]
    table = Table(rows, colWidths=[*widths, PAGE_WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(kit.grid(font, [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))
    return table


def voucher_pdf(case: RenovationCase) -> bytes:
    """The case's payment voucher, listing every instalment recorded so far, as an A4 PDF."""
    font = kit.chinese_font()
    s = kit.Styles(font)
    payments = list(Payment.objects.filter(case=case).order_by("instalment"))
    paid = sum((p.amount for p in payments), Decimal(0))
    signs = kit.signature_row(
        s,
        [
            kit.signature_cell(s, f"{who}：")
            for who in ("经办人（签字）", "审核人（签字）", "区/县住房城乡建设局（盖章）")
        ],
        PAGE_WIDTH,
    )
    story: list[Flowable] = [
        Paragraph("农村危房改造补助资金拨付凭证", s.title),
        Paragraph(f"档案编号：{kit.text(case.archive_no)}　　共 {len(payments)} 次拨付", s.subtitle),
        Spacer(1, 4 * mm),
        Paragraph("一、农户与补助标准", s.section),
        Spacer(1, 1.5 * mm),
        _info_table(case, paid, s, font),
        Paragraph("二、拨付明细", s.section),
        Spacer(1, 1.5 * mm),
        _payments_table(payments, s, font),
        KeepTogether([Paragraph("三、签字盖章", s.section), Spacer(1, 1.5 * mm), signs]),
    ]
    return kit.render(story, title=f"{case.household.head_name}户 补助资金拨付凭证", caption=f"案件 {case.pk} 拨付凭证")
