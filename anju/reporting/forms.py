"""Forms of the reporting pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from anju.households.forms import _style
from anju.reporting.choices import ReportKind, SubmissionStatus


class SubmissionFilterForm(forms.Form):
    kind = forms.ChoiceField(label="报表", choices=[("", "全部报表"), *ReportKind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *SubmissionStatus.choices], required=False)
    year = forms.IntegerField(label="年", required=False, min_value=2009, max_value=2100)
    month = forms.IntegerField(label="月", required=False, min_value=1, max_value=12)
    all_levels = forms.BooleanField(label="含所有下级", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PrepareForm(forms.Form):
    kind = forms.ChoiceField(label="报表", choices=ReportKind.choices)
    year = forms.IntegerField(label="年", min_value=2009, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300)


class CalendarForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    note = forms.CharField(label="修订说明", max_length=200, required=False)
    text = forms.CharField(
        label="日历内容（JSON）",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "form-control font-monospace small"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_text(self) -> Any:
        try:
            return json.loads(self.cleaned_data["text"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）。") from exc
