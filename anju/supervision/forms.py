"""Forms of the supervision pages. They parse and show errors beside the fields; the rules
(role, region, state, dates) are the services'."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from anju.cases.models import RenovationCase
from anju.inspections.forms import MultiplePhotoField
from anju.kit.forms import DateField, DateInput, style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.supervision.choices import FindingCategory, Topic
from anju.supervision.models import Finding

DATE = DateInput()


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: ModelChoiceField is generic in the stubs only; not subscriptable at runtime
    def label_from_instance(self, obj: Region) -> str:
        if obj.level == RegionLevel.TOWNSHIP or obj.parent is None:
            return obj.name
        return f"{obj.parent.name} · {obj.name}"


class VisitForm(forms.Form):
    region = RegionChoiceField(
        label="督导地点（乡镇或村）",
        queryset=Region.objects.none(),
        empty_label="请选择乡镇或村",
        error_messages={"required": "请选择督导的乡镇或村。", "invalid_choice": "请选择您管辖范围内的乡镇或村。"},
    )
    visited_on = DateField(label="督导日期", widget=DATE, error_messages={"required": "请填写督导日期。"})
    topic = forms.ChoiceField(label="督导内容", choices=Topic.choices, error_messages={"required": "请选择督导内容。"})
    inspectors = forms.CharField(
        label="督导人员", max_length=200, help_text="姓名，用顿号分开", error_messages={"required": "请填写督导人员。"}
    )
    summary = forms.CharField(label="督导情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
            Region.objects.visible_to(user)
            .filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
            .select_related("parent")
            .order_by("code")
        )
        self.fields["visited_on"].initial = timezone.localdate()
        style_form(self)


class FindingForm(forms.Form):
    category = forms.ChoiceField(
        label="问题类别", choices=FindingCategory.choices, error_messages={"required": "请选择问题类别。"}
    )
    description = forms.CharField(
        label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请描述发现的问题。"}
    )
    case = forms.ModelChoiceField(
        label="相关改造案件（可选）",
        queryset=RenovationCase.objects.none(),
        required=False,
        empty_label="（不涉及具体案件）",
        error_messages={"invalid_choice": "请选择本乡镇的改造案件。"},
    )
    photos = MultiplePhotoField(label="照片（可多张）", required=False)

    def __init__(self, *args: Any, user: Any, township: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        field.queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
            RenovationCase.objects.visible_to(user)
            .filter(region_code__subtree=township.prefix)
            .select_related("household", "region")
            .order_by("region_code", "household__head_name")
        )
        field.label_from_instance = lambda c: f"{c.region.name} {c.household.head_name}户（{c.get_stage_display()}）"  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        style_form(self)


class OrderIssueForm(forms.Form):
    findings = forms.ModelMultipleChoiceField(
        label="整改的问题",
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个发现的问题。", "invalid_choice": "所选问题不可用。"},
    )
    requirements = forms.CharField(
        label="整改要求", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写整改要求。"}
    )
    due_on = DateField(label="整改期限", widget=DATE, error_messages={"required": "请填写整改期限。"})

    def __init__(self, *args: Any, findings: Any, due_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["findings"]
        field.queryset = findings  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        field.label_from_instance = lambda f: f"{f.get_category_display()}：{f.description}"  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        # The province's renovation policy (deadlines.supervision_days) proposes the due date.
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=due_days)
        self.fields["due_on"].help_text = f"改造政策：下发后 {due_days} 天内整改"
        style_form(self)


class RespondForm(forms.Form):
    text = forms.CharField(
        label="整改情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请说明整改情况（做了什么、整改到什么程度）。"},
    )
    responded_on = DateField(label="整改完成日期", widget=DATE, required=False)
    photos = MultiplePhotoField(label="整改后照片（可多张）", required=False)
    no_photo_reason = forms.CharField(
        label="无照片时说明原因", max_length=300, required=False, help_text="如：资料类问题，已附补齐的档案清单"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].initial = timezone.localdate()
        style_form(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明退回的理由（哪些问题尚未整改到位）。"},
    )
    new_due_on = DateField(label="新的整改期限（可不改）", widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class CloseForm(forms.Form):
    note = forms.CharField(
        label="复核意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="经复核，整改到位，予以销号。",
        error_messages={"required": "请填写复核意见。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
