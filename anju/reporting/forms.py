"""Forms of the reporting pages."""

from __future__ import annotations

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
