"""Forms of the reporting pages."""

from __future__ import annotations

from django import forms

from anju.reporting.choices import ReportKind


class PrepareForm(forms.Form):
    kind = forms.ChoiceField(label="报表", choices=ReportKind.choices)
    year = forms.IntegerField(label="年", min_value=2009, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300)
