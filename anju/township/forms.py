"""Forms of the township duties' pages. They parse and show errors beside the fields; the rules
(role, region, dates, overlaps, attendees, files) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.accounts.models import User
from anju.inspections.forms import MultiplePhotoField
from anju.kit.forms import DateField, style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.township.choices import HouseCondition, PublicityForm, TrainingCategory
from anju.township.models import Craftsman, TeamTask

YEAR_CHOICES = [(y, f"{y} 年") for y in range(2023, timezone.localdate().year + 2)]
QUARTER_CHOICES = [(q, f"第 {q} 季度") for q in (1, 2, 3, 4)]


class PlaceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: ModelChoiceField is generic in the stubs only; not subscriptable at runtime
    def label_from_instance(self, obj: Region) -> str:
        if obj.level == RegionLevel.VILLAGE and obj.parent is not None:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


def places(user: Any, *levels: int) -> Any:
    return Region.objects.visible_to(user).filter(level__in=levels).select_related("parent").order_by("code")


class QuarterForm(forms.Form):
    township = PlaceField(label="乡镇/街道", queryset=Region.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label="年度", choices=YEAR_CHOICES, coerce=int)
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTER_CHOICES, coerce=int)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = places(user, RegionLevel.TOWNSHIP)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        style_form(self)


class HouseCheckForm(forms.Form):
    checked_on = DateField(label="巡查日期", error_messages={"required": "请填写巡查日期。"})
    checker = forms.CharField(label="巡查人", max_length=50, error_messages={"required": "请填写巡查人。"})
    condition = forms.ChoiceField(
        label="保存状况", choices=HouseCondition.choices, error_messages={"required": "请选择保存状况。"}
    )
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    task = forms.ModelChoiceField(
        label="对应的巡查任务（可选）", queryset=TeamTask.objects.none(), required=False, empty_label="（无）"
    )

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["checked_on"].initial = timezone.localdate()
        style_form(self)


class ProjectReportForm(forms.Form):
    reported_on = DateField(label="报告日期", error_messages={"required": "请填写报告日期。"})
    progress = forms.IntegerField(
        label="形象进度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "required": "请填写形象进度。",
            "invalid": "形象进度应为 0–100 的整数。",
            "min_value": "形象进度应为 0–100 的整数。",
            "max_value": "形象进度应为 0–100 的整数。",
        },
    )
    actual_start = DateField(label="实际开工日期（首次报告时填写）", required=False)
    text = forms.CharField(
        label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写进展情况。"}
    )
    photos = MultiplePhotoField(label="现场照片（可多张）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        style_form(self)


class ProjectAcceptForm(forms.Form):
    accepted_on = DateField(label="验收日期", error_messages={"required": "请填写验收日期。"})
    note = forms.CharField(
        label="验收意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="经验收，项目按设计内容完成，同意通过验收。",
        error_messages={"required": "请填写验收意见。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate()
        style_form(self)


class AttendeeField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name()}（{obj.organization or (obj.region.name if obj.region else '')}）"


class TrainingForm(forms.Form):
    region = PlaceField(
        label="举办地",
        queryset=Region.objects.none(),
        empty_label="请选择乡镇或村",
        error_messages={"required": "请选择举办地。", "invalid_choice": "请选择您管辖范围内的乡镇或村。"},
    )
    topic = forms.CharField(label="培训主题", max_length=120, error_messages={"required": "请填写培训主题。"})
    category = forms.ChoiceField(
        label="培训类别", choices=TrainingCategory.choices, error_messages={"required": "请选择培训类别。"}
    )
    trainer = forms.CharField(label="授课人", max_length=60, error_messages={"required": "请填写授课人。"})
    starts_on = DateField(label="开始日期", error_messages={"required": "请填写开始日期。"})
    ends_on = DateField(label="结束日期", error_messages={"required": "请填写结束日期。"})
    hours = forms.DecimalField(
        label="学时",
        max_digits=5,
        decimal_places=1,
        error_messages={"required": "请填写学时。", "invalid": "学时应为数字，如 4 或 3.5。"},
    )
    place = forms.CharField(label="地点", max_length=100, error_messages={"required": "请填写地点。"})
    attendees = AttendeeField(
        label="参训人员（系统用户）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选人员不在您的管辖范围内。"},
    )
    craftsmen = forms.ModelMultipleChoiceField(
        label="参训工匠",
        queryset=Craftsman.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选工匠不在您的管辖范围内。"},
    )
    signin_sheet = forms.FileField(
        label="签到表（照片或 PDF）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    photos = MultiplePhotoField(label="培训照片（可多张）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["attendees"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            User.objects.filter(is_active=True, region__code__startswith=_prefix(user))
            .select_related("region")
            .order_by("region__code", "username")
        )
        self.fields["craftsmen"].queryset = Craftsman.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today
        style_form(self)


def _prefix(user: Any) -> str:
    from anju.core.scoping import user_scope_prefix

    prefix = user_scope_prefix(user)
    return "\x00" if prefix is None else prefix  # no scope: a prefix no code starts with


class PublicityActivityForm(forms.Form):
    region = PlaceField(
        label="地点所在乡镇或村",
        queryset=Region.objects.none(),
        empty_label="请选择乡镇或村",
        error_messages={"required": "请选择乡镇或村。", "invalid_choice": "请选择您管辖范围内的乡镇或村。"},
    )
    held_on = DateField(label="日期", error_messages={"required": "请填写日期。"})
    place = forms.CharField(label="具体地点", max_length=100, error_messages={"required": "请填写地点。"})
    form = forms.ChoiceField(label="形式", choices=PublicityForm.choices, error_messages={"required": "请选择形式。"})
    audience = forms.IntegerField(
        label="受众人数",
        min_value=0,
        error_messages={
            "required": "请填写受众人数。",
            "invalid": "受众人数应为整数。",
            "min_value": "受众人数不能为负。",
        },
    )
    summary = forms.CharField(
        label="宣传内容", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写宣传内容。"}
    )
    materials = forms.CharField(label="宣传资料", max_length=200, required=False, help_text="如：政策明白卡 200 份")
    photos = MultiplePhotoField(label="照片（可多张）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["held_on"].initial = timezone.localdate()
        style_form(self)
