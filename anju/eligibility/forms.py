from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.eligibility.choices import CircumstanceKind
from anju.kit.forms import DateField, DateInput, style_form


class CircumstanceForm(forms.Form):
    kind = forms.ChoiceField(label="核实情况", choices=CircumstanceKind.choices)
    recorded_on = DateField(label="核实日期", widget=DateInput())
    note = forms.CharField(
        label="核实依据",
        max_length=300,
        help_text="如走访情况、租房合同、亲属住址",
        error_messages={"required": "请写明核实依据（如走访情况、租房合同、亲属住址）。"},
        widget=forms.TextInput(attrs={"placeholder": "核实依据，如走访情况、租房合同、亲属住址"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = timezone.localdate()
        style_form(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)


class RuleSetForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    note = forms.CharField(label="修订说明", max_length=200, required=False)
    text = forms.CharField(
        label="规则（JSON）",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "form-control font-monospace small"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
