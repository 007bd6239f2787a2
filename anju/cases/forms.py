"""Forms of the case pages: one per act, each with the case's ``version`` so that a page left
open while someone else acted is refused rather than applied twice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.cases.choices import ConstructionMode, EndReason, EnergyTag
from anju.kit.forms import DateField, DateInput, style_form

DATE = DateInput()


class StepForm(forms.Form):
    on = DateField(label="办理日期", widget=DATE, error_messages={"required": "请填写办理日期。"})
    note = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, note_label: str = "", note_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if note_label:
            self.fields["note"].label = note_label
        self.fields["note"].required = note_required
        self.fields["note"].error_messages["required"] = f"请填写{self.fields['note'].label}。"
        style_form(self)


class ApproveForm(StepForm):
    method = forms.ChoiceField(label="改造方式")

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = methods  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ChoiceField
        style_form(self)


class DetailsFields(forms.Form):
    construction_mode = forms.ChoiceField(label="建设方式", choices=ConstructionMode.choices, widget=forms.RadioSelect)
    builder_name = forms.CharField(label="施工单位或工匠", max_length=100)
    builder_cert_no = forms.CharField(label="资质或培训证书编号", max_length=50)
    planned_area = forms.DecimalField(label="计划建筑面积（m²）", max_digits=7, decimal_places=2, min_value=1)
    energy_tags = forms.MultipleChoiceField(
        label="节能改造", choices=EnergyTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class AgreementForm(StepForm, DetailsFields):
    method = forms.ChoiceField(label="改造方式")

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = methods  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ChoiceField
        style_form(self)


class DetailsForm(DetailsFields):
    note = forms.CharField(label="修改原因", max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class CompleteForm(StepForm):
    built_area = forms.DecimalField(label="竣工建筑面积（m²）", max_digits=7, decimal_places=2, min_value=1)


class EndForm(StepForm):
    reason = forms.ChoiceField(label="终止原因", choices=EndReason.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PatrolForm(forms.Form):
    on = DateField(label="巡查日期", widget=DATE)
    findings = forms.CharField(label="巡查情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    problems_found = forms.BooleanField(label="发现质量安全问题", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        style_form(self)


class OpenForm(forms.Form):
    on = DateField(label="发现日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=300, required=False)
