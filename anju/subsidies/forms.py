"""Forms of the subsidy pages. Types only: the rules are the service's, and its messages are
shown beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.kit.forms import DateField, DateInput, style_form
from anju.subsidies.choices import PayeeKind

DATE = DateInput()


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="拨付金额（元）",
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "请填写拨付金额（元）。",
            "invalid": "请填写数字金额，如 10500 或 10500.50。",
            "max_decimal_places": "拨付金额最多保留两位小数（分）。",
            "max_digits": "金额过大。",
            "max_whole_digits": "金额过大。",
        },
    )
    paid_on = DateField(label="拨付日期", widget=DATE, error_messages={"required": "请填写拨付日期。"})
    payee_kind = forms.ChoiceField(
        label="收款方",
        choices=PayeeKind.choices,
        initial=PayeeKind.HOUSEHOLD,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择收款方。"},
    )
    voucher_no = forms.CharField(label="拨付凭证号", max_length=50, error_messages={"required": "请填写拨付凭证号。"})
    builder_account = forms.CharField(
        label="施工方收款账号", max_length=30, required=False, help_text="拨付给施工方时填写"
    )
    consent_note = forms.CharField(
        label="农户同意情况",
        max_length=300,
        required=False,
        help_text="拨付给施工方时填写，如“农户签字同意书（编号 TY-012）”",
    )
    consent_on = DateField(label="农户同意日期", widget=DATE, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        style_form(self)


YEAR_ERRORS = {"invalid": "年度应为四位数字。", "min_value": "年度不早于 2009。", "max_value": "年度不晚于 2100。"}


class TotalsFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2009, max_value=2100, required=False, error_messages=YEAR_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
